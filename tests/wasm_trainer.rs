//! The WebAssembly API (`src/wasm/`) end to end inside wasm, in a dedicated worker as the page
//! uses it: data from a toy generator and CSV text, a short run whose loss falls, evaluation,
//! prediction, the model JSON round trip, and every error path coming back as a JavaScript
//! `Error` (with `kind` and `field`) rather than a panic.
//!
//! Run: `wasm-pack test --headless --chrome -- --test wasm_trainer`

#![cfg(target_arch = "wasm32")]

mod wasm_support;

use mlp_lab::wasm::{
    import_model, last_panic, simd_enabled, validate_config, DataSet, Trainer, TrialRun,
};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use wasm_support::parts;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn circles_config(epochs: usize) -> Value {
    json!({
        "seed": 3,
        "layers": [
            {"units": 16, "activation": "tanh"},
            {"units": 2, "activation": "softmax"}
        ],
        "loss": "cross_entropy",
        "optimizer": {"name": "adam", "lr": 0.02},
        "batch_size": 32,
        "epochs": epochs,
        "validation_split": 0.25,
        "standardize": true
    })
}

/// A config as the page sends it: a plain JavaScript object.
fn js_object(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("valid JSON")
}

fn rust(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).expect("a plain JavaScript value")
}

/// A property of a JavaScript object (typed arrays are not plain values for serde).
fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("an object")
}

fn circles() -> DataSet {
    DataSet::toy("circles", 400, 0.05, 1.0).expect("circles")
}

#[wasm_bindgen_test]
fn the_build_uses_simd_and_nothing_has_panicked() {
    assert!(simd_enabled());
    assert_eq!(last_panic(), None);
}

#[wasm_bindgen_test]
fn a_short_run_on_circles_lowers_the_loss_and_evaluates_and_predicts() {
    let data = circles();
    let summary = rust(data.summary().unwrap());
    assert_eq!(
        (summary["n"].as_u64(), summary["d"].as_u64()),
        (Some(400), Some(2))
    );
    assert_eq!(summary["task_hint"], "binary");

    let mut trainer = Trainer::new(js_object(&circles_config(20)), &data, None).expect("trainer");
    let sizes = rust(trainer.sizes().unwrap());
    let (train_n, val_n) = (
        sizes["train_n"].as_u64().unwrap(),
        sizes["val_n"].as_u64().unwrap(),
    );
    assert_eq!(train_n + val_n, 400);
    assert!(
        (98..=102).contains(&val_n),
        "a quarter held out, found {val_n}"
    );
    let before = trainer.probe_loss();
    let mut epochs = Vec::new();
    while !trainer.done() {
        let p = rust(trainer.step(7).expect("a step"));
        epochs.extend(
            p["finished"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["train_loss"].as_f64().unwrap()),
        );
    }
    assert_eq!(epochs.len(), 20);
    assert!(
        epochs[19] < 0.5 * epochs[0],
        "train loss {} → {}",
        epochs[0],
        epochs[19]
    );
    assert!(trainer.probe_loss() < 0.5 * before);

    let val = rust(trainer.evaluate("val").unwrap());
    assert!(val["accuracy"].as_f64().unwrap() > 0.9, "{val}");
    let confusion = rust(trainer.confusion_matrix("val").unwrap());
    let total: u64 = confusion
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, val_n);
    assert_eq!(trainer.grad_norms().len(), 2);
    let hist = rust(trainer.weight_histograms(10).unwrap());
    assert_eq!(hist[0]["counts"].as_array().unwrap().len(), 10);

    // Raw features in, probabilities out; the outer circle (radius 1) is class 0.
    let out = trainer.predict(&[0.0, 1.0, 0.0, 0.5]).unwrap();
    assert_eq!(out.len(), 4);
    assert!((out[0] + out[1] - 1.0).abs() < 1e-5 && (out[2] + out[3] - 1.0).abs() < 1e-5);
    assert!(out[0] > 0.5 && out[3] > 0.5, "{out:?}");

    let rows = trainer.split_rows("val", 3, true).unwrap();
    assert_eq!(
        (get(&rows, "rows").as_f64(), get(&rows, "cols").as_f64()),
        (Some(3.0), Some(2.0))
    );
    let features: js_sys::Float32Array = get(&rows, "features").dyn_into().expect("a Float32Array");
    assert_eq!(features.length(), 6);
    // Raw features, not standardised ones: the circles' points lie within radius 1 + noise.
    assert!(
        features.to_vec().iter().all(|v| v.abs() < 1.3),
        "{:?}",
        features.to_vec()
    );
    let outputs: js_sys::Float32Array = get(&rows, "outputs").dyn_into().unwrap();
    assert_eq!(outputs.length(), 6);
}

#[wasm_bindgen_test]
fn an_exported_model_imports_back_and_predicts_the_same() {
    let data = circles();
    let mut trainer = Trainer::new(
        JsValue::from_str(&circles_config(3).to_string()),
        &data,
        None,
    )
    .unwrap();
    while !trainer.done() {
        trainer.step(100).unwrap();
    }
    let json = trainer.export_model();
    let model = import_model(&json).expect("the exported model imports");
    let x = [0.3f32, -0.8, 0.1, 0.1];
    assert_eq!(model.predict(&x).unwrap(), trainer.predict(&x).unwrap());
    assert_eq!(model.to_json(), json);
    let summary = rust(model.summary().unwrap());
    assert_eq!(summary["layers"], json!([16, 2]));
    assert_eq!(summary["standardized"], true);
    let all = rust(model.evaluate(&data, "train").unwrap());
    assert!(all["accuracy"].as_f64().unwrap() > 0.5);

    // Training can start from the exported weights.
    let resumed =
        Trainer::new(js_object(&circles_config(1)), &data, Some(json)).expect("start from a model");
    assert_eq!(resumed.predict(&x).unwrap(), trainer.predict(&x).unwrap());
}

#[wasm_bindgen_test]
fn csv_text_loads_as_classes_or_values_and_a_regression_trains() {
    let (mut labelled, mut numeric) = (String::from("x1,x2,kind\n"), String::from("x1,x2,y\n"));
    for i in 0..80 {
        let (a, b) = ((i % 7) as f32 / 7.0, (i % 5) as f32 / 5.0);
        labelled += &format!("{a},{b},{}\n", if i % 2 == 0 { "even" } else { "odd" });
        numeric += &format!("{a},{b},{}\n", 2.0 * a - b + 0.25);
    }
    let classes =
        DataSet::from_csv("labelled.csv", JsValue::from_str(&labelled), "kind", None).unwrap();
    let s = rust(classes.summary().unwrap());
    assert_eq!(s["class_names"], json!(["even", "odd"]));
    assert_eq!(
        (s["d"].as_u64(), s["task_hint"].as_str()),
        (Some(2), Some("binary"))
    );

    let values = DataSet::from_csv("numeric.csv", JsValue::from_str(&numeric), "", None).unwrap();
    assert_eq!(
        rust(values.summary().unwrap())["task_hint"],
        "regression",
        "'' is the last column"
    );
    let config = json!({
        "layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "identity"}],
        "loss": "mse", "optimizer": {"name": "adam", "lr": 0.01}, "batch_size": 10, "epochs": 40
    });
    let mut trainer = Trainer::new(js_object(&config), &values, None).expect("a regression run");
    let first = rust(trainer.step(8).unwrap())["finished"][0]["train_loss"]
        .as_f64()
        .unwrap();
    while !trainer.done() {
        trainer.step(50).unwrap();
    }
    let history = rust(trainer.history().unwrap());
    let last = history["epochs"][39]["train_loss"].as_f64().unwrap();
    assert!(last < 0.2 * first, "mse {first} → {last}");
    let metrics = rust(trainer.evaluate("train").unwrap());
    assert!(metrics["r2"].as_f64().unwrap() > 0.8, "{metrics}");
    assert!(parts(trainer.confusion_matrix("train").err().unwrap())
        .0
        .contains("regression"));
}

#[wasm_bindgen_test]
fn a_bad_config_is_an_error_naming_the_field_and_validate_lists_every_problem() {
    let data = circles();
    let mut bad = circles_config(5);
    bad["layers"][0]["units"] = json!(0);
    bad["batch_size"] = json!(0);
    let (message, kind, field) = parts(Trainer::new(js_object(&bad), &data, None).err().unwrap());
    assert_eq!(
        (kind.as_str(), field.as_deref()),
        ("config", Some("layers[0].units"))
    );
    assert!(
        message.starts_with("layers[0].units: must be at least 1"),
        "{message}"
    );

    let problems = rust(validate_config(js_object(&bad)).unwrap());
    let fields: Vec<&str> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["layers[0].units", "batch_size"]);
    assert_eq!(
        rust(validate_config(js_object(&circles_config(5))).unwrap()),
        json!([])
    );

    let mut typo = circles_config(5);
    typo["optimizer"]["name"] = json!("adamm");
    let (message, kind, field) = parts(Trainer::new(js_object(&typo), &data, None).err().unwrap());
    assert_eq!(
        (kind.as_str(), field.as_deref()),
        ("config", Some("optimizer.name"))
    );
    assert!(message.contains("adamm"), "{message}");

    let (_, kind, _) = parts(
        Trainer::new(JsValue::from_str("{"), &data, None)
            .err()
            .unwrap(),
    );
    assert_eq!(kind, "config");
    let (message, ..) = parts(Trainer::new(JsValue::UNDEFINED, &data, None).err().unwrap());
    assert!(message.contains("no config"), "{message}");

    // A config that does not fit the data: 3 output units for 2 classes.
    let mut wide = circles_config(5);
    wide["layers"][1]["units"] = json!(3);
    let (message, kind, _) = parts(Trainer::new(js_object(&wide), &data, None).err().unwrap());
    assert_eq!(kind, "train");
    assert!(
        message.contains("2 classes but the output layer has 3 units"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn bad_data_is_an_error_naming_the_file_and_place() {
    let (message, kind, _) = parts(
        DataSet::from_csv(
            "bad.csv",
            JsValue::from_str("a,b,label\n1,2,x\n3,oops,y\n"),
            "label",
            None,
        )
        .err()
        .unwrap(),
    );
    assert_eq!(kind, "data");
    assert!(message.starts_with("bad.csv: line 3"), "{message}");
    let (message, ..) = parts(
        DataSet::from_csv("bad.csv", JsValue::from_str("a,b\n1,2\n"), "label", None)
            .err()
            .unwrap(),
    );
    assert!(message.contains("no target column \"label\""), "{message}");
    let (message, ..) = parts(DataSet::toy("moons", 100, 0.1, 1.0).err().unwrap());
    assert!(message.contains("unknown toy set"), "{message}");
    let (message, ..) = parts(DataSet::toy("spirals", 100, -1.0, 1.0).err().unwrap());
    assert!(message.contains("noise"), "{message}");
    let (message, kind, _) = parts(
        DataSet::from_idx("tiny", &[0, 0, 8, 3], &[], None, None, JsValue::UNDEFINED)
            .err()
            .unwrap(),
    );
    assert_eq!(kind, "data");
    assert!(message.starts_with("tiny training images"), "{message}");
    let (message, ..) = parts(
        DataSet::from_prepared("p", b"NOPE", None, None)
            .err()
            .unwrap(),
    );
    assert!(message.starts_with("p.train.bin"), "{message}");
}

#[wasm_bindgen_test]
fn bad_model_json_and_bad_requests_are_errors() {
    let (message, kind, _) = parts(import_model("{").err().unwrap());
    assert_eq!(kind, "model");
    assert!(message.contains("not valid JSON"), "{message}");
    let bad_row = r#"{"format":"mlp-lab-model","version":1,"input":2,
        "layers":[{"units":1,"activation":"sigmoid","weights":[[0.5]],"bias":[0]}]}"#;
    let (message, kind, field) = parts(import_model(bad_row).err().unwrap());
    assert_eq!(
        (kind.as_str(), field.as_deref()),
        ("model", Some("layers[0].weights[0]"))
    );
    assert!(message.contains("expected 2 weights"), "{message}");

    let data = circles();
    let mut trainer = Trainer::new(js_object(&circles_config(1)), &data, None).unwrap();
    trainer.step(1).unwrap();
    let (message, kind, _) = parts(trainer.predict(&[1.0, 2.0, 3.0]).err().unwrap());
    assert_eq!(kind, "request");
    assert!(message.contains("whole rows of 2 features"), "{message}");
    assert!(parts(trainer.predict(&[f32::NAN, 0.0]).err().unwrap())
        .0
        .contains("not a finite number"));
    assert!(parts(trainer.evaluate("test").err().unwrap())
        .0
        .contains("no test split"));
    assert!(parts(trainer.evaluate("everything").err().unwrap())
        .0
        .contains("unknown split"));

    // Starting from a model of another shape is refused, not a crash.
    let small = r#"{"format":"mlp-lab-model","version":1,"input":2,
        "layers":[{"units":2,"activation":"softmax","weights":[[1,0],[0,1]],"bias":[0,0]}]}"#;
    let (message, kind, _) = parts(
        Trainer::new(
            js_object(&circles_config(1)),
            &data,
            Some(small.to_string()),
        )
        .err()
        .unwrap(),
    );
    assert_eq!(kind, "train");
    assert!(
        message.contains("the initial model has 1 layers but the config has 2"),
        "{message}"
    );
    assert_eq!(last_panic(), None);
}

#[wasm_bindgen_test]
fn a_step_lists_the_epochs_that_keep_histograms_and_a_run_resumes_from_its_checkpoint() {
    let data = circles();
    let mut whole = Trainer::new(js_object(&circles_config(6)), &data, None).unwrap();
    let p = rust(whole.step(1000).unwrap());
    let kept: Vec<u64> = (1..=6).collect();
    assert_eq!(p["histogram_epochs"], json!(kept));
    assert_eq!(p["finished"].as_array().unwrap().len(), 6);

    let mut first = Trainer::new(js_object(&circles_config(6)), &data, None).unwrap();
    first.step(13).unwrap(); // into epoch 2 (10 batches an epoch)
    let model = first.checkpoint_model();
    let optimizer = first.checkpoint_optimizer().unwrap();
    let history = rust(first.history().unwrap());
    let history = js_object(&json!({"epochs": history["epochs"].as_array().unwrap()[..1]}));
    let mut rest = Trainer::new(js_object(&circles_config(6)), &data, Some(model)).unwrap();
    rest.resume(history, optimizer).expect("resumes");
    while !rest.done() {
        rest.step(100).unwrap();
    }
    assert_eq!(rest.export_model(), whole.export_model());
    let (message, kind, field) = parts(
        rest.resume(js_object(&json!({"epochs": "no"})), JsValue::UNDEFINED)
            .err()
            .unwrap(),
    );
    assert_eq!(
        (kind.as_str(), field.as_deref()),
        ("train", Some("history"))
    );
    assert!(message.starts_with("history: "), "{message}");
}

#[wasm_bindgen_test]
fn a_sweep_trial_reports_its_metric_per_epoch_and_applies_a_late_stop() {
    let data = circles();
    let config = js_object(&circles_config(5));
    let mut trial = TrialRun::new(
        config,
        &data,
        7,
        r#"{"optimizer.lr": 0.02}"#,
        "val_accuracy",
    )
    .expect("a trial");
    let mut judged = Vec::new();
    let record = loop {
        let step = trial.step(4).unwrap();
        let record = get(&step, "record");
        let step = rust(step);
        judged.extend(step["judged"].as_array().unwrap().iter().cloned());
        if !record.is_null() {
            break rust(record);
        }
    };
    assert_eq!(record["status"], "completed");
    assert_eq!(record["params"], json!({"optimizer.lr": 0.02}));
    assert_eq!(judged.len(), 5);
    assert_eq!(record["curve"][4], judged[4][1]);
    // The coordinator's stop for epoch 2 arrives after the trial trained on.
    let stopped = rust(trial.stop_at(2).unwrap());
    assert_eq!(
        (stopped["status"].as_str(), stopped["epochs"].as_u64()),
        (Some("stopped_early"), Some(2))
    );
    assert_eq!(stopped["metric"], judged[1][1]);
    assert!(rust(trial.evaluate("val").unwrap())["accuracy"].is_number());

    let (_, kind, _) = parts(
        TrialRun::new(js_object(&circles_config(5)), &data, 1, "{}", "val_speed")
            .err()
            .unwrap(),
    );
    assert_eq!(kind, "request");
    let mut wide = circles_config(5);
    wide["layers"][1]["units"] = json!(3);
    let unfit = TrialRun::new(js_object(&wide), &data, 2, "{}", "val_loss").unwrap();
    assert!(unfit.done());
    let record = rust(unfit.record().unwrap());
    assert_eq!(record["status"], "failed");
    assert!(record["message"]
        .as_str()
        .unwrap()
        .contains("output layer has 3 units"));
}

#[wasm_bindgen_test]
fn a_loaded_image_set_gives_sample_images_and_a_prepared_column_becomes_the_target() {
    let mut cifar = vec![0u8; 3 * 3073];
    for i in 0..3 {
        cifar[i * 3073] = 3 * i as u8;
    }
    let list = js_sys::Array::of1(&js_sys::Uint8Array::from(&cifar[..]));
    let data = DataSet::from_cifar("up", list.into(), JsValue::UNDEFINED, None).unwrap();
    let samples = data.sample_images(2).unwrap();
    assert_eq!(rust(get(&samples, "shape")), json!([32, 32, 3]));
    assert_eq!(get(&samples, "layout").as_string().as_deref(), Some("chw"));
    let images: js_sys::Array = get(&samples, "images").dyn_into().unwrap();
    assert_eq!(images.length(), 2);
    let first = images.get(0);
    assert_eq!(
        get(&first, "label").as_string().as_deref(),
        Some("airplane")
    );
    let pixels: js_sys::Float32Array = get(&first, "pixels").dyn_into().unwrap();
    assert_eq!(pixels.length(), 3072);
    assert!(circles().sample_images(4).unwrap().is_null(), "not images");

    let csv = "a,area,c,label\n1,10,2,x\n2,20,3,y\n3,30,4,x\n";
    let table = DataSet::from_csv("t", JsValue::from_str(csv), "label", None).unwrap();
    let area = table.feature_as_target("area", "t-area").unwrap();
    let s = rust(area.summary().unwrap());
    assert_eq!(
        (s["name"].as_str(), s["d"].as_u64()),
        (Some("t-area"), Some(2))
    );
    assert_eq!(
        (s["task_hint"].as_str(), s["k"].as_u64()),
        (Some("regression"), Some(1))
    );
    let (message, kind, _) = parts(table.feature_as_target("radius", "x").err().unwrap());
    assert_eq!(kind, "data");
    assert!(message.contains("`radius` is not a feature"), "{message}");
}
