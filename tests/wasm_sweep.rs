//! The sweep coordinator's wasm face (`SweepCoordinator` in `src/wasm.rs`), as the page's sweep
//! glue (`www/sweep/`) drives it: trials come out with the same ids and params as the native
//! coordinator's, ASHA answers `continue`/`stop`, finished records resume a sweep without
//! rerunning them, and every bad input is a JavaScript `Error` naming what is wrong.
//!
//! Run: `wasm-pack test --headless --chrome -- --features sweep-wasm --test wasm_sweep`

#![cfg(all(target_arch = "wasm32", feature = "sweep-wasm"))]

mod wasm_support;

use mlp_lab::config::Config;
use mlp_lab::sweep::{Sweep, SweepSpec};
use mlp_lab::wasm::SweepCoordinator;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wasm_support::parts;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn spec(early: bool) -> String {
    let mut s = json!({
        "method": "random", "metric": "val_accuracy", "max_trials": 6, "seed": 11,
        "base": {
            "layers": [{"units": 8, "activation": "relu"}, {"units": 3, "activation": "softmax"}],
            "loss": "cross_entropy", "epochs": 9, "validation_split": 0.2
        },
        "parameters": {
            "optimizer.lr": {"min": 0.0001, "max": 0.1, "scale": "log"},
            "hidden_units": {"min": 4, "max": 64, "type": "int"}
        }
    });
    if early {
        s["early_termination"] = json!({"kind": "asha", "min_epochs": 1, "reduction_factor": 3});
    }
    s.to_string()
}

fn rust(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).expect("a plain JavaScript value")
}

fn js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("valid JSON")
}

fn record(id: u64, params: &Value, metric: f64) -> Value {
    json!({"id": id, "params": params, "metric": metric, "status": "completed", "epochs": 9,
           "seconds": 0.5, "curve": [metric]})
}

#[wasm_bindgen_test]
fn trials_match_the_native_coordinators_ids_params_and_configs() {
    let mut page = SweepCoordinator::new(&spec(false), JsValue::UNDEFINED).unwrap();
    let mut native = Sweep::new(SweepSpec::from_json(&spec(false)).unwrap(), Vec::new());
    assert_eq!(page.total(), 6);
    for _ in 0..6 {
        let got = rust(page.next_trial().unwrap());
        let want = native.next_trial().unwrap();
        assert_eq!(got["id"], json!(want.id));
        assert_eq!(got["params"], serde_json::to_value(&want.params).unwrap());
        // Through JavaScript every number is a float, so compare as configs, not JSON trees.
        let config = Config::from_json(&got["config"].to_string()).unwrap();
        assert_eq!(config, want.config.unwrap());
    }
    assert!(page.next_trial().unwrap().is_null());
    assert_eq!((page.remaining(), page.running()), (0, 6));
}

#[wasm_bindgen_test]
fn finished_records_give_best_and_summary_and_a_resume_skips_them() {
    let mut page = SweepCoordinator::new(&spec(false), JsValue::UNDEFINED).unwrap();
    let t0 = rust(page.next_trial().unwrap());
    let t1 = rust(page.next_trial().unwrap());
    let r0 = record(0, &t0["params"], 0.8);
    let r1 = record(1, &t1["params"], 0.9);
    page.finish(js(&r0)).unwrap();
    page.finish(js(&r1)).unwrap();
    let best = rust(page.best().unwrap());
    assert_eq!(best["id"], json!(1));
    assert_eq!(best["metric"], json!(0.9));
    let summary = rust(page.summary().unwrap());
    assert_eq!(summary["trials"].as_array().unwrap().len(), 2);
    assert_eq!(summary["goal"], json!("maximize"));

    // A reload: the two finished trials come back as records; trial 2 is next, with the params
    // the uninterrupted sweep gives it.
    let mut resumed = SweepCoordinator::new(&spec(false), js(&json!([r0, r1]))).unwrap();
    assert_eq!(
        (resumed.finished(), resumed.remaining(), resumed.total()),
        (2, 4, 6)
    );
    let next = rust(resumed.next_trial().unwrap());
    let t2 = rust(page.next_trial().unwrap());
    assert_eq!(next["id"], json!(2));
    assert_eq!(next["params"], t2["params"]);
    assert_eq!(rust(resumed.best().unwrap())["id"], json!(1));
}

#[wasm_bindgen_test]
fn asha_stops_a_trial_worse_than_the_rung_and_lets_the_first_go_on() {
    let mut page = SweepCoordinator::new(&spec(true), JsValue::UNDEFINED).unwrap();
    for _ in 0..4 {
        page.next_trial().unwrap();
    }
    // Rung at epoch 1 (η = 3): the first arrival always goes on; below three values only the
    // best one does.
    assert_eq!(page.report(0, 1, 0.9), "continue");
    assert_eq!(page.report(1, 1, 0.95), "continue");
    assert_eq!(page.report(2, 1, 0.4), "stop");
    // Epoch 2 is no rung.
    assert_eq!(page.report(2, 2, 0.1), "continue");
}

#[wasm_bindgen_test]
fn a_bad_spec_names_its_field_and_bad_records_say_what_is_wrong() {
    let mut bad: Value = serde_json::from_str(&spec(false)).unwrap();
    bad["parameters"]["optimizer.lr"]["min"] = json!(-1.0);
    let (message, kind, field) = parts(
        SweepCoordinator::new(&bad.to_string(), JsValue::UNDEFINED)
            .err()
            .unwrap(),
    );
    assert_eq!(kind, "spec");
    assert_eq!(field.as_deref(), Some("parameters.optimizer.lr.min"));
    assert!(message.contains("parameters.optimizer.lr.min"), "{message}");

    let (message, kind, _) = parts(
        SweepCoordinator::new("{not json", JsValue::UNDEFINED)
            .err()
            .unwrap(),
    );
    assert_eq!(kind, "spec");
    assert!(message.contains("not valid JSON"), "{message}");

    let broken = json!([{"id": 0, "params": {}, "metric": 0.5, "status": "won", "epochs": 1,
                         "seconds": 1.0}]);
    let (message, kind, _) = parts(
        SweepCoordinator::new(&spec(false), js(&broken))
            .err()
            .unwrap(),
    );
    assert_eq!(kind, "request");
    assert!(message.contains("[0].status"), "{message}");

    let twice = json!([record(0, &json!({}), 0.5), record(0, &json!({}), 0.6)]);
    let (message, _, _) = parts(
        SweepCoordinator::new(&spec(false), js(&twice))
            .err()
            .unwrap(),
    );
    assert!(message.contains("listed twice"), "{message}");

    let mut page = SweepCoordinator::new(&spec(false), JsValue::UNDEFINED).unwrap();
    let t0 = rust(page.next_trial().unwrap());
    page.finish(js(&record(0, &t0["params"], 0.7))).unwrap();
    let (message, _, _) = parts(
        page.finish(js(&record(0, &t0["params"], 0.7)))
            .err()
            .unwrap(),
    );
    assert!(message.contains("already finished"), "{message}");
    let (message, _, _) = parts(page.finish(js(&record(99, &json!({}), 0.7))).err().unwrap());
    assert!(message.contains("outside"), "{message}");
    let (message, _, _) = parts(page.finish(JsValue::NULL).err().unwrap());
    assert!(message.contains("no trial record"), "{message}");
}
