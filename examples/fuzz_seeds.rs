//! Writes the seed corpus for the fuzz targets (`fuzz/`): small valid files of every format the
//! parsers read, so libFuzzer starts from inputs that reach deep into each parser.
//!
//! `cargo run --release --example fuzz_seeds -- fuzz/corpus` (scripts/fuzz.sh does this). The
//! idx and csv targets read a leading mode byte (see their sources), so their seeds carry one.

use std::io::Write;
use std::path::{Path, PathBuf};

use mlp_lab::config::Config;
use mlp_lab::data::prepared::{encode_prepared, write_prepared, Provenance};
use mlp_lab::data::split::Standardizer;
use mlp_lab::data::{toy, Dataset, Targets};
use mlp_lab::model_io::Model;
use mlp_lab::train::Trainer;
use serde_json::Value;

type Seeds = Vec<(String, Vec<u8>)>;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("in-memory gzip");
    e.finish().expect("in-memory gzip")
}

fn with_mode(mode: u8, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![mode];
    v.extend_from_slice(bytes);
    v
}

fn idx_seeds() -> Seeds {
    let mut images = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2];
    images.extend((0..12u8).map(|i| i * 20));
    let mut labels = vec![0, 0, 8, 1, 0, 0, 0, 3];
    labels.extend([0, 9, 4]);
    vec![
        ("images-raw".into(), with_mode(0, &images)),
        ("images-gz".into(), with_mode(0, &gzip(&images))),
        ("images-to-gzip".into(), with_mode(1, &images)),
        ("labels-raw".into(), with_mode(0, &labels)),
        ("labels-gz".into(), with_mode(0, &gzip(&labels))),
        ("labels-to-gzip".into(), with_mode(1, &labels)),
    ]
}

fn cifar_seeds() -> Seeds {
    let record = |label: u8| {
        let mut r = vec![label];
        r.extend((0..3072u32).map(|i| (i * 7 % 256) as u8));
        r
    };
    let two: Vec<u8> = [record(3), record(9)].concat();
    let meta = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";
    vec![
        ("one-record".into(), record(0)),
        ("two-records".into(), two.clone()),
        ("two-records-gz".into(), gzip(&two)),
        ("meta".into(), meta.as_bytes().to_vec()),
    ]
}

fn csv_seeds() -> Seeds {
    let named = "a,b,target\n1,2.5,cat\n3,-4,dog\n0.5,1e3,cat\n";
    let indices = "x,y,label\n0.1,0.2,0\n0.3,0.4,2\n0.5,0.6,1\n";
    let values = "id,x,y\n1,0.5,3.25\n2,1.5,-1\n3,2.5,0\n";
    let sklearn = "3,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,1\n4.7,3.2,0\n";
    let headerless = "0,0,5,13,1\n0,1,2,3,0\n";
    let quoted = "\"a, b\",\"c\",target\n\"1\",2,x\n3,\"4\",y\n";
    vec![
        ("named-classes".into(), with_mode(2, named.as_bytes())),
        ("integer-classes".into(), with_mode(0, indices.as_bytes())),
        ("values-skip-id".into(), with_mode(0x84, values.as_bytes())),
        ("values-by-index".into(), with_mode(0x25, values.as_bytes())),
        ("sklearn".into(), with_mode(0, sklearn.as_bytes())),
        ("sklearn-gz".into(), with_mode(0, &gzip(sklearn.as_bytes()))),
        ("headerless".into(), with_mode(8, headerless.as_bytes())),
        ("quoted".into(), with_mode(2, quoted.as_bytes())),
    ]
}

/// New rows for `predict`; the mode byte picks the model (see fuzz_targets/predict_csv.rs).
fn predict_csv_seeds() -> Seeds {
    let named = "a,y,b\n1,cat,2.5\n3,dog,-4\n";
    let counted = "p,q,r\n0.5,1e3,-2\n1,2,3\n";
    let quoted = "\"a\",\"b, c\"\n\"1\",2\n";
    vec![
        (
            "named-with-target".into(),
            with_mode(0x19, named.as_bytes()),
        ),
        (
            "counted-classes".into(),
            with_mode(0x06, counted.as_bytes()),
        ),
        (
            "counted-gz".into(),
            with_mode(0x02, &gzip(counted.as_bytes())),
        ),
        ("quoted".into(), with_mode(0x01, quoted.as_bytes())),
    ]
}

fn prepared_seeds() -> Seeds {
    let images = Dataset {
        features: vec![0.0, 1.0, 128.0 / 255.0, 1.0 / 255.0, 0.0, 1.0],
        n: 2,
        d: 3,
        targets: Targets::Classes {
            labels: vec![1, 0],
            n_classes: 2,
        },
        class_names: vec!["a".into(), "b".into()],
        feature_names: Vec::new(),
        image_shape: Some([1, 3, 1]),
    };
    let regression = Dataset {
        features: vec![0.25, -3.5, 1e-3, 7.0],
        n: 2,
        d: 2,
        targets: Targets::Values {
            values: vec![1.5, -2.0, 0.5, 0.25],
            k: 2,
        },
        class_names: Vec::new(),
        feature_names: vec!["x".into(), "y".into()],
        image_shape: None,
    };
    let many_classes = Dataset {
        features: vec![0.5, 0.25],
        n: 2,
        d: 1,
        targets: Targets::Classes {
            labels: vec![299, 3],
            n_classes: 300,
        },
        class_names: (0..300).map(|i| i.to_string()).collect(),
        feature_names: Vec::new(),
        image_shape: None,
    };
    let dir = std::env::temp_dir().join(format!("mlp-lab-fuzz-seeds-{}", std::process::id()));
    let manifest = write_prepared(
        &dir,
        "seed",
        &images,
        Some(&images),
        None,
        None,
        &Provenance::default(),
    )
    .expect("a tiny prepared set writes");
    let _ = std::fs::remove_dir_all(&dir);
    let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    vec![
        (
            "u8-classes".into(),
            encode_prepared(&images).expect("encodes"),
        ),
        (
            "f32-values".into(),
            encode_prepared(&regression).expect("encodes"),
        ),
        (
            "u32-labels".into(),
            encode_prepared(&many_classes).expect("encodes"),
        ),
        ("manifest".into(), json),
    ]
}

fn trained_model(config: &str, data: Dataset, scale: bool) -> Vec<u8> {
    let config = Config::from_json(config).expect("the seed config is valid");
    let mut data = data;
    let scaling = scale.then(|| {
        let s = Standardizer::fit(&data).expect("toy data standardises");
        s.apply(&mut data).expect("toy data standardises");
        s
    });
    let class_names = data.class_names.clone();
    let mut trainer = Trainer::new(&config, data, None, None).expect("the seed trainer builds");
    trainer.run(|_| {}).expect("the seed model trains");
    let mut model = Model::new(trainer.network().clone());
    model.task = Some(config.task());
    model.loss = Some(config.loss);
    model.class_names = class_names;
    model.input_scaling = scaling;
    model.to_json().into_bytes()
}

fn model_seeds() -> Seeds {
    let spirals = toy::spirals(40, 0.1, 3);
    let mixed = r#"{"seed": 1, "epochs": 3, "batch_size": 8, "layers": [
        {"units": 3, "activation": ["relu", "tanh", "sigmoid"]},
        {"units": 2, "activation": "softmax"}]}"#;
    let bce = r#"{"seed": 2, "epochs": 2, "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "lr": 0.1},
        "layers": [{"units": 4, "activation": "leaky_relu"}, {"units": 1, "activation": "sigmoid"}]}"#;
    vec![
        (
            "mixed-activations".into(),
            trained_model(mixed, spirals.clone(), true),
        ),
        ("binary".into(), trained_model(bce, spirals, false)),
    ]
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

fn config_seeds(root: &Path) -> Seeds {
    let mut seeds: Seeds = json_files(&root.join("www/presets"))
        .iter()
        .filter_map(|p| {
            let config = read_json(p).get("config")?.clone();
            Some((stem(p), serde_json::to_vec_pretty(&config).ok()?))
        })
        .collect();
    let full = r#"{"seed": 7, "layers": [
        {"units": 4, "activation": ["relu", "sigmoid", "tanh", "leaky_relu"], "init": "random_normal", "scale": 0.1},
        {"units": 3, "activation": "softmax", "init": "xavier_normal"}],
      "loss": "cross_entropy", "fused": false, "task": "multiclass",
      "optimizer": {"name": "rmsprop", "lr": 0.01, "momentum": 0.5, "beta": 0.9, "eps": 1e-8, "weight_decay": 0.001},
      "regularization": {"kind": "l1", "lambda": 0.001}, "clip": {"kind": "norm", "max_norm": 1.0},
      "lr_schedule": {"kind": "step", "step_epochs": 2, "gamma": 0.5},
      "batch_size": 4, "epochs": 3, "shuffle": false, "validation_split": 0.2, "test_split": 0.1, "standardize": true}"#;
    seeds.push(("every-field".into(), full.as_bytes().to_vec()));
    seeds
}

fn sweep_seeds(root: &Path) -> Seeds {
    let mut seeds = Seeds::new();
    for path in json_files(&root.join("www/presets/sweeps")) {
        let spec = read_json(&path);
        seeds.push((stem(&path), serde_json::to_vec_pretty(&spec).expect("JSON")));
        // The same space under the other samplers, where it suits them.
        for method in ["random", "bayes"] {
            let mut other = spec.clone();
            other["method"] = Value::from(method);
            other["max_trials"] = Value::from(8);
            seeds.push((
                format!("{}-as-{method}", stem(&path)),
                serde_json::to_vec(&other).expect("JSON"),
            ));
        }
    }
    let asha = r#"{"method": "random", "metric": "train_loss", "max_trials": 4,
      "base": {"layers": [{"units": 2, "activation": "softmax"}], "epochs": 9},
      "parameters": {"hidden_layers": {"min": 0, "max": 2}, "hidden_units": {"min": 1, "max": 8, "scale": "log"},
        "clip.kind": {"values": ["none", "value"]}, "clip.value": {"min": 0.1, "max": 2}},
      "early_termination": {"kind": "asha", "min_epochs": 1, "reduction_factor": 3}}"#;
    seeds.push(("asha-conditional".into(), asha.as_bytes().to_vec()));
    seeds
}

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let targets: Vec<(&str, Seeds)> = vec![
        ("idx", idx_seeds()),
        ("cifar", cifar_seeds()),
        ("csv", csv_seeds()),
        ("predict_csv", predict_csv_seeds()),
        ("prepared", prepared_seeds()),
        ("model_json", model_seeds()),
        ("config_json", config_seeds(root)),
        ("sweep_spec", sweep_seeds(root)),
    ];
    for (target, seeds) in targets {
        let dir = out.join(target);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for (name, bytes) in &seeds {
            let path = dir.join(format!("seed-{name}"));
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        println!("{target}: {} seeds in {}", seeds.len(), dir.display());
    }
}
