//! Validation of the config's dropout, augmentation and early-stopping fields: each rule's
//! error names the field, and the schema lists the fields with their defaults and ranges.

use mlp_lab::config::Config;

fn error(json: &str) -> (String, String) {
    let e = Config::from_json(json).expect_err("the config is refused");
    (e.field().to_string(), e.to_string())
}

const OUT: &str = r#"{"units":2,"activation":"softmax"}"#;

#[test]
fn dropout_outside_zero_to_one_is_refused_naming_the_layer() {
    for p in ["1", "1.5", "-0.1"] {
        let (field, m) = error(&format!(
            r#"{{"layers":[{{"units":4,"activation":"relu"}},{{"units":2,"activation":"softmax","dropout":{p}}}]}}"#
        ));
        assert_eq!(field, "layers[1].dropout", "{m}");
        assert!(
            m.contains("[0, 1)") || m.contains("below 1") || m.contains("at least 0"),
            "{m}"
        );
    }
    let ok = Config::from_json(r#"{"layers":[{"units":2,"activation":"softmax","dropout":0.0}]}"#);
    assert!(ok.is_ok());
    assert_eq!(ok.unwrap().dropout_rates(), vec![0.0]);
}

#[test]
fn augment_fields_are_typed_and_unknown_ones_refused() {
    let (field, m) = error(&format!(r#"{{"layers":[{OUT}],"augment":{{"shift":-1}}}}"#));
    assert_eq!(field, "augment.shift", "{m}");
    let (field, m) = error(&format!(r#"{{"layers":[{OUT}],"augment":{{"shift":65}}}}"#));
    assert_eq!(field, "augment.shift", "{m}");
    let (field, m) = error(&format!(
        r#"{{"layers":[{OUT}],"augment":{{"flip":"yes"}}}}"#
    ));
    assert_eq!(field, "augment.flip", "{m}");
    let (_, m) = error(&format!(r#"{{"layers":[{OUT}],"augment":{{"rotate":5}}}}"#));
    assert!(m.contains("rotate"), "{m}");
}

#[test]
fn early_stopping_rules_name_their_field() {
    let base =
        |es: &str| format!(r#"{{"layers":[{OUT}],"validation_split":0.1,"early_stopping":{es}}}"#);
    let (field, m) = error(&base(r#"{"patience":0}"#));
    assert_eq!(field, "early_stopping.patience", "{m}");
    let (field, m) = error(&base(r#"{"min_delta":-1}"#));
    assert_eq!(field, "early_stopping.min_delta", "{m}");
    let (field, m) = error(&base(r#"{"metric":"train_loss"}"#));
    assert_eq!(field, "early_stopping.metric", "{m}");
    assert!(m.contains("val_loss") && m.contains("val_accuracy"), "{m}");
    let regression = r#"{"layers":[{"units":1,"activation":"identity"}],"loss":"mse",
        "validation_split":0.1,"early_stopping":{"metric":"val_accuracy"}}"#;
    let (field, m) = error(regression);
    assert_eq!(field, "early_stopping.metric", "{m}");
    let c = Config::from_json(&base(r#"{"metric":"val_accuracy","restore_best":true}"#)).unwrap();
    let es = c.early_stopping.unwrap();
    assert_eq!(
        (es.patience(), es.min_delta(), es.restore_best),
        (5, 0.0, true)
    );
}

#[test]
fn the_schema_lists_dropout_augment_and_early_stopping_with_defaults() {
    let schema: serde_json::Value = serde_json::from_str(&mlp_lab::schema::schema_json()).unwrap();
    let fields = schema["config"]["fields"]
        .as_array()
        .expect("config fields");
    let get = |path: &str| {
        fields
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} is in the schema"))
    };
    assert_eq!(get("layers[].dropout")["default"], 0.0);
    assert_eq!(get("layers[].dropout")["max"]["open"], true);
    assert_eq!(get("augment.shift")["default"], 0);
    assert_eq!(get("augment.flip")["default"], false);
    assert_eq!(get("early_stopping.metric")["default"], "val_loss");
    assert_eq!(get("early_stopping.patience")["default"], 5);
    assert_eq!(get("early_stopping.restore_best")["default"], false);
}

#[test]
fn a_config_without_the_new_fields_serialises_as_before() {
    let c = Config::from_json(&format!(r#"{{"layers":[{OUT}]}}"#)).unwrap();
    let text = c.to_json_pretty();
    assert!(
        !text.contains("augment") && !text.contains("early_stopping") && !text.contains("dropout")
    );
}
