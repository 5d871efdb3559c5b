//! Runs malformed inputs through every Rust parser (the same public functions the CLI and the
//! page use) and prints a Markdown table: parser, input, the message it gave. fuzz/README.md's
//! table is this output, so the messages there are measured, not written by hand.
//!
//! `cargo run --example malformed_inputs` (the URL-hash rows come from
//! `node fuzz/hash.fuzz.mjs --malformed`).

use std::io::Write;

use mlp_lab::config::Config;
use mlp_lab::data::cifar::{parse_cifar, parse_cifar_meta};
use mlp_lab::data::csv::{load_csv_bytes, Column, TargetSpec};
use mlp_lab::data::idx::{idx_dataset, parse_idx, IdxFile, MNIST_CLASSES};
use mlp_lab::data::prepared::{parse_manifest, parse_prepared_named};
use mlp_lab::model_io::Model;
use mlp_lab::sweep::SweepSpec;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("in-memory gzip");
    e.finish().expect("in-memory gzip")
}

fn be(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes()).collect()
}

fn mlpd(version: u8, kind: u8, width: u16, n: u32, d: u32, body: &[u8]) -> Vec<u8> {
    let mut v = b"MLPD".to_vec();
    v.extend([version, kind]);
    v.extend(width.to_le_bytes());
    v.extend(n.to_le_bytes());
    v.extend(d.to_le_bytes());
    v.extend_from_slice(body);
    v
}

/// What the parser said: its error message, or that it accepted the input.
fn said<T, E: std::fmt::Display>(r: Result<T, E>) -> String {
    match r {
        Ok(_) => "(accepted)".to_string(),
        Err(e) => e.to_string(),
    }
}

fn idx(bytes: &[u8]) -> String {
    said(parse_idx("train-images-idx3-ubyte", bytes))
}

fn idx_labels(bytes: &[u8]) -> String {
    match parse_idx("train-labels-idx1-ubyte", bytes) {
        Ok(IdxFile::Labels(labels)) => {
            let n = labels.labels.len();
            let images = mlp_lab::data::idx::IdxImages {
                file: "train-images-idx3-ubyte".into(),
                n,
                rows: 1,
                cols: 1,
                pixels: vec![0; n],
            };
            said(idx_dataset(images, labels, &MNIST_CLASSES))
        }
        other => said(other),
    }
}

fn cifar(bytes: &[u8]) -> String {
    let names: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
    said(parse_cifar("data_batch_1.bin", bytes, &names))
}

fn csv(text: &[u8], spec: TargetSpec) -> String {
    said(load_csv_bytes("data.csv", text, spec))
}

fn classes() -> TargetSpec {
    TargetSpec::classes(Column::Last)
}

fn model(text: &str) -> String {
    said(Model::from_json(text))
}

fn config(text: &str) -> String {
    said(Config::from_json(text))
}

fn sweep(text: &str) -> String {
    said(SweepSpec::from_json(text))
}

const LAYERS: &str = r#""layers": [{"units": 3, "activation": "softmax"}]"#;

fn spec_with(method: &str, extra: &str, parameters: &str) -> String {
    format!(
        r#"{{"method": "{method}", "metric": "train_loss", "max_trials": 5, {extra}
            "base": {{{LAYERS}}}, "parameters": {parameters}}}"#
    )
}

fn rows() -> Vec<(&'static str, String, String)> {
    let mut images_28 = be(&[0x803, 1_000_000_000, 28, 28]);
    images_28.truncate(16);
    let mut gz_longer = be(&[0x801, 2]);
    gz_longer.extend([1, 2, 3]);
    let mut corrupt_gz = gzip(&be(&[0x803, 1, 2, 2, 0]));
    let mid = corrupt_gz.len() / 2;
    corrupt_gz[mid..].iter_mut().for_each(|b| *b ^= 0x5a);
    let mut bad_label = be(&[0x801, 3]);
    bad_label.extend([1, 10, 2]);
    let mut cifar_label = vec![10u8];
    cifar_label.extend(vec![0u8; 3072]);
    let nan = f32::NAN.to_le_bytes();

    let model_2x1 = |layer: &str| {
        format!(r#"{{"format": "mlp-lab-model", "version": 1, "input": 2, "layers": [{layer}]}}"#)
    };
    vec![
        ("IDX", "empty file".into(), idx(b"")),
        (
            "IDX",
            "magic 0x00000802 (not images or labels)".into(),
            idx(&be(&[0x802, 1, 1, 1])),
        ),
        (
            "IDX",
            "images header cut at 10 bytes".into(),
            idx(&be(&[0x803, 1, 1])[..10]),
        ),
        (
            "IDX",
            "header claims 10⁹ images of 28×28; file is the 16-byte header".into(),
            idx(&images_28),
        ),
        ("IDX", "images of 0×28".into(), idx(&be(&[0x803, 1, 0, 28]))),
        (
            "IDX (gz)",
            "gzip of a header claiming 10⁹ images of 28×28".into(),
            idx(&gzip(&images_28)),
        ),
        (
            "IDX (gz)",
            "labels header claims 2, gzip holds 3".into(),
            idx(&gzip(&gz_longer)),
        ),
        (
            "IDX (gz)",
            "gzip stream with its second half corrupted".into(),
            idx(&corrupt_gz),
        ),
        (
            "IDX",
            "labels file with label 10 at item 1".into(),
            idx_labels(&bad_label),
        ),
        (
            "CIFAR-10",
            "3074 bytes (one record and one byte)".into(),
            cifar(&[0u8; 3074]),
        ),
        (
            "CIFAR-10",
            "record 0 has label 10".into(),
            cifar(&cifar_label),
        ),
        (
            "CIFAR-10",
            "gzip that is not a whole stream".into(),
            cifar(&gzip(&[0u8; 3073])[..20]),
        ),
        (
            "CIFAR-10 meta",
            "nine class names".into(),
            said(parse_cifar_meta(
                "batches.meta.txt",
                "a\nb\nc\nd\ne\nf\ng\nh\ni\n",
            )),
        ),
        ("CSV", "empty file".into(), csv(b"", classes())),
        ("CSV", "header only".into(), csv(b"a,b,label\n", classes())),
        (
            "CSV",
            "row 3 has 2 fields, header names 3".into(),
            csv(b"a,b,label\n1,2,0\n3,1\n", classes()),
        ),
        (
            "CSV",
            "cell \"abc\" in a feature column".into(),
            csv(b"a,b,label\n1,abc,0\n", classes()),
        ),
        (
            "CSV",
            "cell \"NaN\" in a feature column".into(),
            csv(b"a,b,label\n1,NaN,0\n", classes()),
        ),
        (
            "CSV",
            "target column \"species\" absent".into(),
            csv(b"a,b,label\n1,2,0\n", TargetSpec::classes("species")),
        ),
        (
            "CSV",
            "class label 70000".into(),
            csv(b"a,label\n1,70000\n", classes()),
        ),
        (
            "CSV",
            "bytes that are not UTF-8 in line 2".into(),
            csv(b"a,label\n\xff\xfe,1\n", classes()),
        ),
        (
            "CSV (sklearn)",
            "header claims 10¹⁸ rows, file has 2".into(),
            csv(b"1000000000000000000,2,a,b\n1,2,0\n3,4,1\n", classes()),
        ),
        (
            "CSV (sklearn)",
            "header names 2 classes, a row has class 2".into(),
            csv(b"2,2,a,b\n1,2,0\n3,4,2\n", classes()),
        ),
        (
            "CSV",
            "only the target column".into(),
            csv(b"label\n1\n", classes()),
        ),
        (
            "prepared",
            "10-byte file".into(),
            said(parse_prepared_named(
                "mnist.train.bin",
                b"MLPD\x01\x00\x0a\x00\x01\x00",
            )),
        ),
        (
            "prepared",
            "magic \"PK\\x03\\x04\" (a zip)".into(),
            said(parse_prepared_named(
                "mnist.train.bin",
                &[b'P', b'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            )),
        ),
        (
            "prepared",
            "version 2".into(),
            said(parse_prepared_named(
                "mnist.train.bin",
                &mlpd(2, 0, 2, 0, 1, &[]),
            )),
        ),
        (
            "prepared",
            "kind byte 0x04 (unknown bit)".into(),
            said(parse_prepared_named(
                "mnist.train.bin",
                &mlpd(1, 4, 2, 0, 1, &[]),
            )),
        ),
        (
            "prepared",
            "header claims 4·10⁹ rows of 4·10⁹ f32 features; file is 16 bytes".into(),
            said(parse_prepared_named(
                "mnist.train.bin",
                &mlpd(1, 1, 10, 4_000_000_000, 4_000_000_000, &[]),
            )),
        ),
        (
            "prepared",
            "0 classes".into(),
            said(parse_prepared_named(
                "mnist.train.bin",
                &mlpd(1, 0, 0, 1, 1, &[0, 0]),
            )),
        ),
        (
            "prepared",
            "f32 feature 1 of row 0 is NaN".into(),
            said(parse_prepared_named(
                "x.train.bin",
                &mlpd(1, 1, 2, 1, 2, &[&[0u8; 4][..], &nan, &[0]].concat()),
            )),
        ),
        (
            "prepared",
            "label 7 among 2 classes".into(),
            said(parse_prepared_named(
                "x.train.bin",
                &mlpd(1, 0, 2, 1, 1, &[9, 7]),
            )),
        ),
        (
            "prepared manifest",
            "not JSON".into(),
            said(parse_manifest("{\"format\": \"MLPD v1\",,}")),
        ),
        ("model JSON", "not JSON".into(), model("{\"format\": ")),
        (
            "model JSON",
            "format \"keras\"".into(),
            model(r#"{"format": "keras", "version": 1, "input": 2, "layers": []}"#),
        ),
        (
            "model JSON",
            "version 2".into(),
            model(r#"{"format": "mlp-lab-model", "version": 2, "input": 2, "layers": []}"#),
        ),
        ("model JSON", "no layers".into(), model(&model_2x1(""))),
        (
            "model JSON",
            "a weight row with 3 values for 2 inputs".into(),
            model(&model_2x1(
                r#"{"units": 1, "activation": "relu", "weights": [[1, 2, 3]], "bias": [0]}"#,
            )),
        ),
        (
            "model JSON",
            "activation 3".into(),
            model(&model_2x1(
                r#"{"units": 1, "activation": 3, "weights": [[1, 2]], "bias": [0]}"#,
            )),
        ),
        (
            "model JSON",
            "units 10¹⁵ with one weight row".into(),
            model(&model_2x1(
                r#"{"units": 1000000000000000, "activation": "relu", "weights": [[1, 2]], "bias": [0]}"#,
            )),
        ),
        (
            "model JSON",
            "input 10¹² with a 2-weight row".into(),
            model(
                r#"{"format": "mlp-lab-model", "version": 1, "input": 1000000000000, "layers": [{"units": 1, "activation": "relu", "weights": [[1, 2]], "bias": [0]}]}"#,
            ),
        ),
        (
            "model JSON",
            "weight 1e999".into(),
            model(&model_2x1(
                r#"{"units": 1, "activation": "relu", "weights": [[1, 1e999]], "bias": [0]}"#,
            )),
        ),
        (
            "model JSON",
            "input_scaling.std[1] = 0".into(),
            model(
                r#"{"format": "mlp-lab-model", "version": 1, "input": 2, "layers": [{"units": 1, "activation": "relu", "weights": [[1, 2]], "bias": [0]}], "input_scaling": {"mean": [0, 0], "std": [1, 0]}}"#,
            ),
        ),
        ("config JSON", "not JSON".into(), config("{\"layers\": [")),
        (
            "config JSON",
            "unknown field \"learning_rate\"".into(),
            config(r#"{"learning_rate": 0.1}"#),
        ),
        ("config JSON", "no layers".into(), config("{}")),
        (
            "config JSON",
            "units 0".into(),
            config(r#"{"layers": [{"units": 0, "activation": "softmax"}]}"#),
        ),
        (
            "config JSON",
            "activation \"gelu\" in a per-unit list".into(),
            config(r#"{"layers": [{"units": 2, "activation": ["relu", "gelu"]}]}"#),
        ),
        (
            "config JSON",
            "cross_entropy with a sigmoid output".into(),
            config(r#"{"layers": [{"units": 2, "activation": "sigmoid"}]}"#),
        ),
        (
            "config JSON",
            "optimizer.lr = -1".into(),
            config(&format!(
                r#"{{{LAYERS}, "optimizer": {{"name": "sgd", "lr": -1}}}}"#
            )),
        ),
        (
            "config JSON",
            "output layer of 10¹⁵ softmax units".into(),
            config(r#"{"layers": [{"units": 1000000000000000, "activation": "softmax"}]}"#),
        ),
        (
            "config JSON",
            "two layers of 10⁵ units (10¹⁰ parameters)".into(),
            config(
                r#"{"layers": [{"units": 100000, "activation": "relu"}, {"units": 100000, "activation": "softmax"}]}"#,
            ),
        ),
        ("sweep spec", "not JSON".into(), sweep("{\"method\": ")),
        (
            "sweep spec",
            "method \"annealing\"".into(),
            sweep(&spec_with("annealing", "", "{}")),
        ),
        (
            "sweep spec",
            "max_trials 0".into(),
            sweep(&spec_with("random", "", "{}").replace("\"max_trials\": 5", "\"max_trials\": 0")),
        ),
        (
            "sweep spec",
            "unknown parameter \"optimizer.gamma\"".into(),
            sweep(&spec_with(
                "random",
                "",
                r#"{"optimizer.gamma": {"values": [1]}}"#,
            )),
        ),
        (
            "sweep spec",
            "range with min > max".into(),
            sweep(&spec_with(
                "random",
                "",
                r#"{"optimizer.lr": {"min": 0.1, "max": 0.01}}"#,
            )),
        ),
        (
            "sweep spec",
            "grid over a float range".into(),
            sweep(&spec_with(
                "grid",
                "",
                r#"{"optimizer.lr": {"min": 0.01, "max": 0.1}}"#,
            )),
        ),
        (
            "sweep spec",
            "val_accuracy without a validation split".into(),
            sweep(
                &spec_with("random", "", r#"{"epochs": {"values": [1, 2]}}"#)
                    .replace("train_loss", "val_accuracy"),
            ),
        ),
        (
            "sweep spec",
            "hidden_layers up to 10¹²".into(),
            sweep(&spec_with(
                "random",
                "",
                r#"{"hidden_layers": {"values": [1, 1000000000000]}}"#,
            )),
        ),
        (
            "sweep spec",
            "grid of 10¹⁵ hidden_units values that never apply (no hidden layer)".into(),
            sweep(&spec_with(
                "grid",
                "",
                r#"{"hidden_units": {"min": 1, "max": 1000000000000000}}"#,
            )),
        ),
        (
            "sweep spec",
            "early_termination.reduction_factor 1".into(),
            sweep(&spec_with(
                "random",
                r#""early_termination": {"kind": "asha", "reduction_factor": 1},"#,
                r#"{"epochs": {"values": [1, 2]}}"#,
            )),
        ),
    ]
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn main() {
    println!("| parser | malformed input | message |");
    println!("|---|---|---|");
    for (parser, input, message) in rows() {
        println!("| {parser} | {} | {} |", cell(&input), cell(&message));
    }
}
