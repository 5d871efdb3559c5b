//! `schema()` states the engine's own rules: `mlp-lab schema` prints it, every name it lists is
//! one the parsers accept (and no other is), every default it gives validates and is what the
//! engine uses, and its cross-references (`when`, `default_by`, a sweep parameter's `field`)
//! point at what exists. Its ranges are checked at their edges in `schema_ranges.rs`.

mod schema_support;

use mlp_lab::config::Config;
use schema_support::*;
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn mlp_lab_schema_prints_the_library_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .arg("schema")
        .output()
        .expect("mlp-lab runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("the CLI prints JSON");
    assert_eq!(printed, schema());
}

#[test]
fn the_schema_has_config_names_and_sweep_sections() {
    let s = schema();
    assert_eq!(s["version"], 1);
    for pointer in [
        "/config/fields",
        "/sweep/fields",
        "/sweep/domain",
        "/sweep/parameters",
    ] {
        assert!(!list(&s, pointer).is_empty(), "{pointer} is empty");
    }
    assert_eq!(
        s["config"]["limits"]["max_epochs"],
        mlp_lab::config::MAX_EPOCHS
    );
    assert_eq!(
        s["sweep"]["limits"]["max_trials"],
        mlp_lab::sweep::spec::MAX_TRIALS
    );
    let layer = &s["config"]["new_hidden_layer"];
    assert_eq!(layer["activation"], "relu");
    assert_eq!(layer["init"], "he_uniform");
}

/// Every config field that takes names, with each name put there.
#[test]
fn every_name_the_schema_lists_is_accepted_by_the_config_parser() {
    let s = schema();
    for f in list(&s, "/config/fields") {
        let Some(key) = f["names"].as_str() else {
            continue;
        };
        let path = f["path"].as_str().unwrap();
        for name in names(&s, key) {
            let mut v = base_config();
            set(&mut v, path, json!(name));
            if let Err(e) = Config::parse_json(&v.to_string()) {
                panic!("{path} = {name}: {e}");
            }
        }
    }
    // A per-unit field takes a list of the names too.
    let mut v = base_config();
    set(
        &mut v,
        "layers[].activation",
        json!(names(&s, "activations")),
    );
    set(
        &mut v,
        "layers[].units",
        json!(names(&s, "activations").len()),
    );
    Config::from_json(&v.to_string()).expect("one unit per activation");
}

#[test]
fn every_name_the_schema_lists_is_accepted_by_the_spec_parser() {
    let s = schema();
    let base = spec(base_config(), json!({"epochs": {"values": [1, 2]}}));
    for f in list(&s, "/sweep/fields") {
        let Some(key) = f["names"].as_str() else {
            continue;
        };
        let path = f["path"].as_str().unwrap();
        for name in names(&s, key) {
            let mut v = base.clone();
            set(&mut v, path, json!(name));
            if let Some(e) = spec_error(&v) {
                // A name may be refused for what it means here (val_r2 for a classifier), but
                // never as an unknown name.
                assert!(
                    !e.message.contains("unknown variant"),
                    "{path} = {name}: {e}"
                );
            }
        }
    }
    for (field, key) in [("scale", "scales"), ("type", "number_types")] {
        for name in names(&s, key) {
            let v = spec(
                base_config(),
                json!({"optimizer.lr": {"min": 0.1, "max": 1, field: name}}),
            );
            if let Some(e) = spec_error(&v) {
                assert!(!e.field.ends_with(field), "{field} = {name}: {e}");
            }
        }
    }
}

/// The parser's "expected one of …" for an unknown name lists exactly the schema's names.
#[test]
fn each_name_set_is_exactly_what_its_field_accepts() {
    let s = schema();
    for f in list(&s, "/config/fields") {
        let (Some(key), Some(path)) = (f["names"].as_str(), f["path"].as_str()) else {
            continue;
        };
        let mut v = base_config();
        set(&mut v, path, json!("no_such_name"));
        let e = Config::parse_json(&v.to_string()).expect_err("an unknown name");
        let message = e.to_string();
        // serde lists three or more names as "expected one of `a`, `b`, `c`", two as
        // "expected `a` or `b`"
        let (_, listed) = message
            .split_once("expected one of ")
            .or_else(|| message.split_once("expected "))
            .expect("the accepted names");
        let mut accepted: Vec<&str> = listed
            .split(", ")
            .flat_map(|n| n.split(" or "))
            .map(|n| n.trim_matches('`'))
            .collect();
        let mut expected = names(&s, key);
        accepted.sort_unstable();
        expected.sort_unstable();
        assert_eq!(accepted, expected, "{path}: {message}");
    }
}

#[test]
fn every_sweep_parameter_name_is_accepted_as_a_value() {
    let s = schema();
    for p in list(&s, "/sweep/parameters") {
        let Some(key) = p["names"].as_str() else {
            continue;
        };
        let path = p["path"].as_str().unwrap();
        for name in names(&s, key) {
            let v = spec(base_config(), json!({ path: {"values": [name]} }));
            if let Some(e) = spec_error(&v) {
                let at = format!("parameters.{path}.values[0]");
                assert!(e.field != at, "{path} = {name}: {e}");
            }
        }
    }
}

/// A config of only the schema's defaults (and a network) validates, and parses to exactly
/// those values.
#[test]
fn the_schema_defaults_are_the_parsers_and_validate() {
    let s = schema();
    let mut v = json!({"layers": [{"units": 3, "activation": "softmax"}]});
    let parsed = serde_json::to_value(Config::from_json(&v.to_string()).unwrap()).unwrap();
    for f in list(&s, "/config/fields") {
        let path = f["path"].as_str().unwrap();
        let Some(default) = f.get("default") else {
            continue;
        };
        if f.get("when").is_none() && !path.starts_with("layers") {
            set(&mut v, path, default.clone());
            let engine = parsed.pointer(&format!("/{}", path.replace('.', "/")));
            // lr_schedule is left out of a serialised config while it is the default.
            if let Some(engine) = engine {
                let same = engine == default
                    || engine.as_f64().is_some_and(|x| default.as_f64() == Some(x));
                assert!(
                    same,
                    "{path}: the engine's default is {engine}, the schema's {default}"
                );
            }
        }
    }
    Config::from_json(&v.to_string()).unwrap_or_else(|e| panic!("the defaults: {e}"));
}

/// A field that applies only with some name, or is required then, validates at its default
/// or example where it applies.
#[test]
fn every_conditional_default_and_example_validates_where_it_applies() {
    let s = schema();
    for f in list(&s, "/config/fields") {
        let path = f["path"].as_str().unwrap();
        let Some(value) = f.get("default").or(f.get("example")) else {
            continue;
        };
        let mut v = applying(&s, base_config(), f);
        set(&mut v, path, value.clone());
        if let Some(e) = config_error(&v) {
            panic!("{path} = {value}: {e}");
        }
    }
}

#[test]
fn each_optimizers_defaults_are_torch_optims_and_validate_when_given() {
    let s = schema();
    let expected = [
        (
            "sgd",
            json!({"optimizer.lr": 0.001, "optimizer.weight_decay": 0.0}),
        ),
        (
            "momentum",
            json!({"optimizer.lr": 0.001, "optimizer.momentum": 0.9, "optimizer.weight_decay": 0.0}),
        ),
        (
            "nag",
            json!({"optimizer.lr": 0.001, "optimizer.momentum": 0.9, "optimizer.weight_decay": 0.0}),
        ),
        (
            "rmsprop",
            json!({"optimizer.lr": 0.01, "optimizer.momentum": 0.0, "optimizer.beta": 0.99,
            "optimizer.eps": 1e-8, "optimizer.weight_decay": 0.0}),
        ),
        (
            "adam",
            json!({"optimizer.lr": 0.001, "optimizer.beta1": 0.9, "optimizer.beta2": 0.999,
            "optimizer.eps": 1e-8, "optimizer.weight_decay": 0.0}),
        ),
        (
            "adamw",
            json!({"optimizer.lr": 0.001, "optimizer.beta1": 0.9, "optimizer.beta2": 0.999,
            "optimizer.eps": 1e-8, "optimizer.weight_decay": 0.01}),
        ),
    ];
    assert_eq!(names(&s, "optimizers").len(), expected.len());
    for (name, defaults) in expected {
        let entry = name_entry(&s, "optimizers", name);
        assert_eq!(entry["defaults"], defaults, "{name}");
        let fields: Vec<&str> = defaults
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed: Vec<&str> = entry["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        listed.sort_unstable();
        assert_eq!(listed, fields, "{name}: its fields are those with defaults");
        // Given explicitly, they validate and are what the optimizer is built with.
        let mut v = base_config();
        set(&mut v, "optimizer.name", json!(name));
        for (path, value) in defaults.as_object().unwrap() {
            set(&mut v, path, value.clone());
        }
        let c = Config::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let bare = Config::from_json(
            &json!({"layers": v["layers"], "optimizer": {"name": name}}).to_string(),
        )
        .unwrap();
        assert_eq!(
            c.hyper(),
            bare.hyper(),
            "{name}: the defaults are the engine's"
        );
    }
}

/// A loss's output activation and task, and a task's loss, output activation and units, make
/// a config that validates; another output activation is refused at `loss`.
#[test]
fn the_output_pairing_in_the_schema_is_what_validate_requires() {
    let s = schema();
    for task in names(&s, "tasks") {
        let t = name_entry(&s, "tasks", &task);
        let units = match t["output_units"].as_str().unwrap() {
            "one" => 1,
            "class" => 3,
            "target" => 2,
            other => panic!("output_units {other}"),
        };
        let mut v = base_config();
        set(&mut v, "task", json!(task));
        set(&mut v, "loss", t["loss"].clone());
        v["layers"][1] = json!({"units": units, "activation": t["output_activation"]});
        Config::from_json(&v.to_string()).unwrap_or_else(|e| panic!("task {task}: {e}"));
    }
    for loss in names(&s, "losses") {
        let l = name_entry(&s, "losses", &loss);
        let mut v = base_config();
        set(&mut v, "loss", json!(loss));
        let implied = l["defaults"]["task"].as_str().unwrap();
        let parsed = Config::parse_json(&v.to_string()).unwrap();
        assert_eq!(parsed.task().name(), implied, "{loss} implies its task");
        let Some(output) = l["output_activation"].as_str() else {
            continue;
        };
        v["layers"][1]["activation"] = json!(output);
        Config::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{loss} with {output}: {e}"));
        v["layers"][1]["activation"] = json!("identity");
        assert_eq!(
            config_error(&v).map(|e| e.field().to_string()),
            Some("loss".into())
        );
    }
}

/// `when` names a name field and names it takes; `default_by` names a name field whose
/// entries give the default; a sweep parameter's `field` is a config field whose type and
/// range it shares.
#[test]
fn the_schemas_cross_references_point_at_what_exists() {
    let s = schema();
    for f in list(&s, "/config/fields") {
        let path = f["path"].as_str().unwrap();
        if let Some(w) = f.get("when") {
            let selector = config_field(&s, w["field"].as_str().unwrap());
            let accepted = names(&s, selector["names"].as_str().expect("a name field"));
            for name in w["is"].as_array().unwrap() {
                assert!(accepted.iter().any(|a| name == a), "{path}: when {name}");
            }
        }
        if let Some(decider) = f["default_by"].as_str() {
            let key = config_field(&s, decider)["names"].as_str().unwrap();
            for entry in list(&s, &format!("/names/{key}")) {
                let applies = entry["fields"]
                    .as_array()
                    .is_none_or(|l| l.iter().any(|p| p == path));
                if applies && path != "task" {
                    assert!(
                        entry["defaults"][path].is_number(),
                        "{path}: no default from {}",
                        entry["name"]
                    );
                }
            }
        }
    }
    for p in list(&s, "/sweep/parameters") {
        let Some(field) = p["field"].as_str() else {
            continue;
        };
        let f = config_field(&s, field);
        assert_eq!(p["type"], f["type"], "{field}");
        assert_eq!(p["names"], f["names"], "{field}");
        assert_eq!(p.get("min"), f.get("min"), "{field}");
        assert_eq!(p.get("max"), f.get("max"), "{field}");
    }
}

/// The page's activation report compares the activations marked `hidden` (each one a hidden
/// layer accepts); the outputs' own activations (identity, softmax) are not among them.
#[test]
fn the_hidden_activations_are_those_a_hidden_layer_is_meant_to_have() {
    let s = schema();
    let hidden: Vec<String> = names(&s, "activations")
        .into_iter()
        .filter(|a| name_entry(&s, "activations", a)["hidden"] == json!(true))
        .collect();
    assert_eq!(hidden, ["sigmoid", "tanh", "relu", "leaky_relu"]);
    for a in names(&s, "activations") {
        assert!(
            name_entry(&s, "activations", &a)["hidden"].is_boolean(),
            "{a}"
        );
    }
    for a in &hidden {
        let mut v = base_config();
        v["layers"][0]["activation"] = json!(a);
        Config::from_json(&v.to_string()).unwrap_or_else(|e| panic!("hidden {a}: {e}"));
    }
}

#[test]
fn the_schema_command_ends_quietly_when_its_reader_stops_early() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .arg("schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlp-lab runs");
    // Closed before the engine writes (as `mlp-lab schema | head -c 1` can): the write fails.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("mlp-lab ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
