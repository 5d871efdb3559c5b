//! Inputs that once crashed, hung or over-allocated a parser (found by the fuzz targets in
//! `fuzz/` or while checking the allocation rule by hand), kept inline as bytes with the
//! specific message each must now give. Also the allocation rule itself: a header claiming
//! huge sizes is refused from the file's length before anything of that size is allocated,
//! measured by an allocator that records the largest single allocation of the calling thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;

use mlp_lab::config::Config;
use mlp_lab::data::csv::{load_csv_bytes, Column, TargetSpec};
use mlp_lab::data::idx::parse_idx;
use mlp_lab::data::prepared::parse_prepared_named;
use mlp_lab::model_io::Model;
use mlp_lab::sweep::SweepSpec;

struct LargestAllocation;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|c| c.set(c.get().max(layout.size())));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|c| c.set(c.get().max(new_size)));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

/// Runs `f` and returns its result with the largest single allocation it made (this thread).
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|c| c.set(0));
    let out = f();
    (out, LARGEST.with(Cell::get))
}

/// Far below any of the claimed sizes below, far above what parsing a few bytes needs.
const SMALL: usize = 1 << 20;

fn error_of<T, E: std::fmt::Display>(r: Result<T, E>) -> String {
    match r {
        Ok(_) => panic!("the malformed input was accepted"),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} does not mention {p:?}");
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

// --- the allocation rule -------------------------------------------------------------------

#[test]
fn idx_header_claiming_a_billion_images_is_refused_from_the_length_before_allocating() {
    let header: &[u8] = &[0, 0, 8, 3, 0x3b, 0x9a, 0xca, 0x00, 0, 0, 0, 28, 0, 0, 0, 28];
    let (r, largest) = largest_allocation(|| parse_idx("huge", header));
    assert_mentions(
        &error_of(r),
        &[
            "huge",
            "1000000000 images of 28×28",
            "784000000016 bytes",
            "has 16",
        ],
    );
    assert!(largest < SMALL, "allocated {largest} bytes");

    let zipped = gzip(header);
    let (r, largest) = largest_allocation(|| parse_idx("huge.gz", &zipped));
    assert_mentions(&error_of(r), &["huge.gz", "784000000016 bytes", "limit"]);
    assert!(largest < SMALL, "allocated {largest} bytes");
}

#[test]
fn csv_with_a_gigantic_claimed_sklearn_row_count_is_refused_by_counting_rows_not_allocating() {
    let text = b"1000000000000000000,2,a,b\n1,2,0\n3,4,1\n";
    let (r, largest) =
        largest_allocation(|| load_csv_bytes("big.csv", text, TargetSpec::classes(Column::Last)));
    assert_mentions(
        &error_of(r),
        &["big.csv", "says 1000000000000000000 rows", "has 2"],
    );
    assert!(largest < SMALL, "allocated {largest} bytes");
}

#[test]
fn prepared_header_claiming_four_billion_rows_of_four_billion_features_is_refused_before_allocating(
) {
    let mut bytes = b"MLPD\x01\x01\x0a\x00".to_vec();
    bytes.extend(4_000_000_000u32.to_le_bytes());
    bytes.extend(4_000_000_000u32.to_le_bytes());
    let (r, largest) = largest_allocation(|| parse_prepared_named("x.train.bin", &bytes));
    assert_mentions(
        &error_of(r),
        &[
            "x.train.bin",
            "4000000000 rows of 4000000000 f32 features",
            "64000000004000000016 bytes",
            "1073741824-byte limit",
        ],
    );
    assert!(largest < SMALL, "allocated {largest} bytes");
}

// --- found while checking the rule: claims past u64 were quoted as 18446744073709551615 ----

#[test]
fn claims_larger_than_u64_are_quoted_exactly_not_saturated() {
    let mut prepared = b"MLPD\x01\x01\x0a\x00".to_vec();
    prepared.extend(u32::MAX.to_le_bytes());
    prepared.extend(u32::MAX.to_le_bytes());
    let msg = error_of(parse_prepared_named("p.bin", &prepared));
    assert_mentions(&msg, &["is 73786976264773435411 bytes", "limit"]);
    assert!(!msg.contains("18446744073709551615"), "{msg}");

    let idx: &[u8] = &[
        0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    ];
    let msg = error_of(parse_idx("i.idx", idx));
    assert_mentions(
        &msg,
        &[
            "4294967295 images of 4294967295×4294967295",
            "79228162458924105385300197391 bytes",
            "limit",
        ],
    );
    assert!(!msg.contains("18446744073709551615"), "{msg}");
}

// --- found while fuzzing / checking the rule: each once aborted on a huge allocation -------

#[test]
fn sklearn_header_line_claiming_a_trillion_features_without_data_rows_is_refused_without_allocating(
) {
    // Once: the width (10¹² + 1 columns) sized per-column buffers → a 1 TB allocation.
    let (r, largest) = largest_allocation(|| {
        load_csv_bytes(
            "wide.csv",
            b"5,1000000000000\n",
            TargetSpec::classes(Column::Last),
        )
    });
    assert_mentions(&error_of(r), &["wide.csv", "header line but no data rows"]);
    assert!(largest < SMALL, "allocated {largest} bytes");
}

#[test]
fn sklearn_header_line_claiming_usize_max_features_reads_as_a_header_row_without_overflowing() {
    // Once: n_features + 1 overflowed (a panic in debug builds).
    let text = b"1,18446744073709551615\n1,2\n";
    let ds = load_csv_bytes("max.csv", text, TargetSpec::classes(Column::Last))
        .expect("a two-column file with a header row");
    assert_eq!((ds.n, ds.d), (1, 1));
    assert_eq!(ds.feature_names, vec!["1".to_string()]);
}

#[test]
fn model_layer_claiming_a_quadrillion_units_is_refused_by_its_weight_rows_without_allocating() {
    // Once: the layer-wide activation was expanded to `units` copies before any check.
    let text = r#"{"format": "mlp-lab-model", "version": 1, "input": 2, "layers": [
        {"units": 1000000000000000, "activation": "relu", "weights": [[1, 2]], "bias": [0]}]}"#;
    let (r, largest) = largest_allocation(|| Model::from_json(text));
    assert_eq!(
        error_of(r),
        "model file: layers[0].weights: expected 1000000000000000 rows (one per unit), found 1"
    );
    assert!(largest < SMALL, "allocated {largest} bytes");
}

#[test]
fn model_claiming_a_trillion_inputs_is_refused_by_its_weight_row_length_without_allocating() {
    // Once: the units × input weight matrix was allocated before the rows were measured.
    let text = r#"{"format": "mlp-lab-model", "version": 1, "input": 1000000000000, "layers": [
        {"units": 1, "activation": "relu", "weights": [[1, 2]], "bias": [0]}]}"#;
    let (r, largest) = largest_allocation(|| Model::from_json(text));
    assert_eq!(
        error_of(r),
        "model file: layers[0].weights[0]: expected 1000000000000 weights (one per input of this layer), found 2"
    );
    assert!(largest < SMALL, "allocated {largest} bytes");
}

#[test]
fn config_with_a_quadrillion_output_units_is_refused_by_its_parameter_count_without_allocating() {
    // Once: checking the loss expanded the output activation to one entry per claimed unit.
    let text = r#"{"layers": [{"units": 1000000000000000, "activation": "softmax"}]}"#;
    let (r, largest) = largest_allocation(|| Config::from_json(text));
    assert_eq!(
        error_of(r),
        "layers: the layers hold at least 2000000000000000 parameters (not counting the input \
         layer's weights); at most 50000000 are supported"
    );
    assert!(largest < SMALL, "allocated {largest} bytes");
}

const BASE: &str = r#""base": {"layers": [{"units": 3, "activation": "softmax"}]}"#;

#[test]
fn grid_over_a_quadrillion_values_of_a_parameter_that_never_applies_is_refused_not_enumerated() {
    // Once: with no hidden layer every hidden_units value collapses to the same trial, so
    // building the grid walked 10¹⁵ combinations looking for a second distinct one.
    let text = format!(
        r#"{{"method": "grid", "metric": "train_loss", "max_trials": 5, {BASE},
            "parameters": {{"hidden_units": {{"min": 1, "max": 1000000000000000}}}}}}"#
    );
    let (r, largest) = largest_allocation(|| SweepSpec::from_json(&text));
    assert_eq!(
        error_of(r),
        "parameters: the grid has 1000000000000000 combinations (hidden_units 1000000000000000); \
         at most 100000 are supported: shorten the lists or ranges, or use random or bayes"
    );
    assert!(largest < SMALL, "allocated {largest} bytes");
}

#[test]
fn sweep_asking_for_a_trillion_hidden_layers_is_refused_before_building_a_trial() {
    // Once: each trial's config was resized to 10¹² layer configs before validation.
    for (parameter, field, found) in [
        (
            r#"{"values": [1, 1000000000000]}"#,
            "values[1]",
            "1000000000000",
        ),
        (
            r#"{"min": 0, "max": 1000000000000}"#,
            "max",
            "1000000000000",
        ),
    ] {
        let text = format!(
            r#"{{"method": "random", "metric": "train_loss", "max_trials": 5, {BASE},
                "parameters": {{"hidden_layers": {parameter}}}}}"#
        );
        let (r, largest) = largest_allocation(|| SweepSpec::from_json(&text));
        assert_eq!(
            error_of(r),
            format!("parameters.hidden_layers.{field}: must be at most 1000, found {found}")
        );
        assert!(largest < SMALL, "allocated {largest} bytes");
    }
}

#[test]
fn sweep_asking_for_a_billion_workers_is_refused() {
    let text = format!(
        r#"{{"method": "random", "metric": "train_loss", "max_trials": 5, "workers": 1000000000,
            {BASE}, "parameters": {{"epochs": {{"values": [1, 2]}}}}}}"#
    );
    assert_eq!(
        error_of(SweepSpec::from_json(&text)),
        "workers: must be at most 1024, found 1000000000"
    );
}

#[test]
fn sweep_spec_that_is_not_json_reads_without_an_empty_field_prefix() {
    // Once: "spec.json: : the spec is not valid JSON…" (an empty field before the colon).
    let e = SweepSpec::from_json("{\"method\": ").unwrap_err();
    assert_eq!(e.field, "");
    assert!(
        e.to_string().starts_with(
            "the spec is not valid JSON: EOF while parsing a value at line 1 column 11"
        ),
        "{e}"
    );
}
