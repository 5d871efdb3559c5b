//! Every rule of `Config::parse_json`, `Config::from_json`, `Config::validate` and
//! `Config::problems` refuses a bad config with an error naming the field (checked through
//! `ConfigError::field()`) and a message that says what is wrong; plus the issue's example,
//! the derived task, PyTorch's optimiser defaults and the JSON round trip.

use mlp_lab::config::{
    ActivationSpec, Config, ConfigError, Task, MAX_EPOCHS, MAX_INIT_SCALE, MAX_PARAMETERS,
};
use mlp_lab::nn::{Activation, Init, Loss};
use mlp_lab::optim::{Clip, OptimizerKind};
use serde_json::{json, Value};

/// The example config from the issue.
const EXAMPLE: &str = r#"{"seed":7,"layers":[{"units":8,"activation":"tanh","init":"xavier_uniform"},{"units":4,"activation":["relu","sigmoid","tanh","leaky_relu"],"init":"he_normal"},{"units":3,"activation":"softmax","init":"xavier_normal"}],"loss":"cross_entropy","fused":true,"task":"multiclass","optimizer":{"name":"adam","lr":0.01,"beta1":0.9,"beta2":0.999,"eps":1e-8},"regularization":{"kind":"l2","lambda":0.001},"clip":{"kind":"value","value":1.0},"batch_size":16,"epochs":3,"shuffle":true,"validation_split":0.1,"standardize":true}"#;

fn example() -> Value {
    serde_json::from_str(EXAMPLE).expect("the example is valid JSON")
}

/// The example with one edit applied.
fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = example();
    edit(&mut v);
    v
}

/// Asserts that `from_json` refuses the config, with `field` as the error's field and every
/// fragment in the message; returns the error.
#[track_caller]
fn refused(config: &Value, field: &str, fragments: &[&str]) -> ConfigError {
    let text = config.to_string();
    let err = Config::from_json(&text).expect_err("the config should be refused");
    assert_eq!(err.field(), field, "wrong field in: {err}");
    let message = err.to_string();
    for f in fragments {
        assert!(message.contains(f), "message {message:?} lacks {f:?}");
    }
    if !field.is_empty() {
        assert!(
            message.starts_with(&format!("{field}: ")),
            "the message names the field: {message}"
        );
    }
    err
}

/// Like [`refused`], for a rule of `validate`: the config parses, `validate` refuses it, and
/// `problems` lists the same error.
#[track_caller]
fn invalid(config: &Value, field: &str, fragments: &[&str]) -> ConfigError {
    let parsed = Config::parse_json(&config.to_string())
        .expect("the config parses; only validation refuses it");
    let err = refused(config, field, fragments);
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err:?}");
    assert_eq!(parsed.validate(), Err(err.clone()));
    assert!(parsed.problems().contains(&err));
    err
}

/// Like [`refused`], for a serde error: the path comes from the parser.
#[track_caller]
fn unparsable(config: &Value, field: &str, fragments: &[&str]) -> ConfigError {
    let err = refused(config, field, fragments);
    assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
    assert_eq!(Config::parse_json(&config.to_string()), Err(err.clone()));
    assert!(
        !err.to_string().contains(" at line "),
        "the path replaces the position: {err}"
    );
    err
}

// ---------------------------------------------------------------------------------------------
// The good case and what follows from a config

#[test]
fn the_issue_example_parses_and_validates() {
    let c = Config::from_json(EXAMPLE).expect("the issue's example is valid");
    assert_eq!(c.seed, 7);
    assert_eq!(c.layers.len(), 3);
    assert_eq!(
        c.layers[0].activation,
        ActivationSpec::Layer(Activation::Tanh)
    );
    assert_eq!(
        c.layers[1].activation,
        ActivationSpec::PerNeuron(vec![
            Activation::Relu,
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::LeakyRelu
        ])
    );
    assert_eq!(c.layers[1].init, Init::HeNormal);
    assert_eq!(c.layers[2].init, Init::XavierNormal);
    assert_eq!(c.loss, Loss::CrossEntropy);
    assert_eq!(c.task(), Task::Multiclass);
    assert_eq!(c.hyper().kind, OptimizerKind::Adam);
    assert_eq!(c.hyper().lr, 0.01);
    assert_eq!(c.clip(), Clip::Value(1.0));
    assert_eq!(c.regularization(), mlp_lab::nn::Regularization::L2(0.001));
    assert_eq!((c.batch_size, c.epochs, c.validation_split), (16, 3, 0.1));
    assert!(c.fused && c.shuffle && c.standardize);
    assert!(c.problems().is_empty());
    let specs = c.layer_specs();
    assert_eq!(
        specs[1].activations,
        vec![
            Activation::Relu,
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::LeakyRelu
        ]
    );
    assert_eq!(specs[2].activations, vec![Activation::Softmax; 3]);
}

#[test]
fn task_follows_from_the_loss_unless_given() {
    let with = |loss: &str, act: &str| {
        edited(|v| {
            v["loss"] = json!(loss);
            v["layers"][2]["activation"] = json!(act);
            v.as_object_mut().unwrap().remove("task");
        })
    };
    let task = |v: Value| Config::from_json(&v.to_string()).unwrap().task();
    assert_eq!(task(with("mse", "identity")), Task::Regression);
    assert_eq!(task(with("binary_cross_entropy", "sigmoid")), Task::Binary);
    assert_eq!(task(with("cross_entropy", "softmax")), Task::Multiclass);
    // An explicit task wins: mse on 0/1 targets is a binary classifier scored by a threshold.
    let mut v = with("mse", "sigmoid");
    v["task"] = json!("binary");
    assert_eq!(task(v), Task::Binary);
}

#[test]
fn hyper_fills_pytorch_defaults() {
    let hyper = |optimizer: Value| {
        Config::from_json(&edited(|v| v["optimizer"] = optimizer).to_string())
            .unwrap()
            .hyper()
    };
    // torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    let h = hyper(json!({"name": "adam"}));
    assert_eq!(
        (h.lr, h.beta1, h.beta2, h.eps, h.weight_decay),
        (1e-3, 0.9, 0.999, 1e-8, 0.0)
    );
    // torch.optim.AdamW: the same, but weight_decay=1e-2
    let h = hyper(json!({"name": "adamw"}));
    assert_eq!(
        (h.lr, h.beta1, h.beta2, h.eps, h.weight_decay),
        (1e-3, 0.9, 0.999, 1e-8, 1e-2)
    );
    // torch.optim.RMSprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0)
    let h = hyper(json!({"name": "rmsprop"}));
    assert_eq!(
        (h.lr, h.beta, h.eps, h.weight_decay, h.momentum),
        (1e-2, 0.99, 1e-8, 0.0, 0.0)
    );
    // torch.optim.SGD(lr=1e-3, momentum=0, weight_decay=0)
    let h = hyper(json!({"name": "sgd"}));
    assert_eq!((h.lr, h.momentum, h.weight_decay), (1e-3, 0.0, 0.0));
    // momentum / nag: SGD with momentum 0.9 (PyTorch's 0 would make them plain SGD).
    for name in ["momentum", "nag"] {
        let h = hyper(json!({ "name": name }));
        assert_eq!(
            (h.lr, h.momentum, h.weight_decay),
            (1e-3, 0.9, 0.0),
            "{name}"
        );
    }
    // Given values override the defaults, field by field.
    let h = hyper(json!({"name": "adam", "lr": 0.05, "beta2": 0.99}));
    assert_eq!((h.lr, h.beta1, h.beta2, h.eps), (0.05, 0.9, 0.99, 1e-8));
    let h = hyper(json!({"name": "rmsprop", "beta": 0.9, "momentum": 0.5}));
    assert_eq!((h.lr, h.beta, h.momentum), (1e-2, 0.9, 0.5));
}

#[test]
fn a_config_round_trips_through_to_json_pretty_and_from_json() {
    let c = Config::from_json(EXAMPLE).unwrap();
    let text = c.to_json_pretty();
    assert!(text.contains('\n'), "pretty-printed");
    assert_eq!(Config::from_json(&text).unwrap(), c);

    // Every optional field, per-neuron lists and defaults survive too.
    let mut v = example();
    v["layers"][0] =
        json!({"units": 5, "activation": "relu", "init": "random_normal", "scale": 0.2});
    v["optimizer"] = json!({"name": "rmsprop", "lr": 0.003, "beta": 0.95, "eps": 1e-6, "momentum": 0.1, "weight_decay": 0.0001});
    v["clip"] = json!({"kind": "norm", "max_norm": 2.5});
    v["regularization"] = json!({"kind": "l1", "lambda": 1e-5});
    v["test_split"] = json!(0.2);
    v.as_object_mut().unwrap().remove("task");
    let c = Config::from_json(&v.to_string()).unwrap();
    let back = Config::from_json(&c.to_json_pretty()).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.task, None, "an implied task stays implied");
    assert_eq!(back.clip(), Clip::Norm(2.5));
    assert_eq!(back.layers[0].scale, Some(0.2));

    // The default config (invalid only for its missing layers) round-trips as well.
    let d = Config::default();
    assert_eq!(Config::parse_json(&d.to_json_pretty()).unwrap(), d);
}

#[test]
fn parse_json_does_not_validate_but_from_json_does() {
    let v = edited(|v| v["epochs"] = json!(0));
    let c = Config::parse_json(&v.to_string()).expect("parses");
    assert_eq!(c.epochs, 0);
    assert!(Config::from_json(&v.to_string()).is_err());
}

#[test]
fn problems_lists_every_broken_rule_in_field_order_and_validate_reports_the_first() {
    let v = edited(|v| {
        v["layers"][0]["units"] = json!(0);
        v["layers"][1]["activation"] = json!(["relu", "tanh"]);
        v["optimizer"]["lr"] = json!(-1.0);
        v["optimizer"]["momentum"] = json!(0.5);
        v["regularization"] = json!({"kind": "l1"});
        v["clip"] = json!({"kind": "norm"});
        v["batch_size"] = json!(0);
        v["epochs"] = json!(0);
        v["validation_split"] = json!(1.5);
    });
    let c = Config::parse_json(&v.to_string()).unwrap();
    let fields: Vec<String> = c.problems().iter().map(|e| e.field().to_string()).collect();
    assert_eq!(
        fields,
        [
            "layers[0].units",
            "layers[1].activation",
            "optimizer.lr",
            "optimizer.momentum",
            "regularization.lambda",
            "clip.max_norm",
            "batch_size",
            "epochs",
            "validation_split",
        ]
    );
    assert_eq!(c.validate(), Err(c.problems()[0].clone()));
}

// ---------------------------------------------------------------------------------------------
// Parse errors: unknown names and fields, wrong types, broken JSON

#[test]
fn unknown_top_level_field_is_refused_with_its_name() {
    let v = edited(|v| v["learning_rate"] = json!(0.1));
    unparsable(
        &v,
        "learning_rate",
        &["unknown field `learning_rate`", "`epochs`", "`optimizer`"],
    );
}

#[test]
fn unknown_field_inside_a_layer_is_refused_with_its_path() {
    let v = edited(|v| v["layers"][1]["bias_init"] = json!(0.5));
    unparsable(
        &v,
        "layers[1].bias_init",
        &[
            "unknown field `bias_init`",
            "`units`",
            "`activation`",
            "`init`",
            "`scale`",
            "`dropout`",
        ],
    );
}

#[test]
fn unknown_field_inside_the_optimizer_is_refused_with_its_path() {
    let v = edited(|v| v["optimizer"]["nesterov"] = json!(true));
    unparsable(
        &v,
        "optimizer.nesterov",
        &["unknown field `nesterov`", "`beta1`", "`weight_decay`"],
    );
}

#[test]
fn unknown_field_inside_regularization_or_clip_is_refused_with_its_path() {
    let v = edited(|v| v["regularization"]["alpha"] = json!(0.1));
    unparsable(
        &v,
        "regularization.alpha",
        &["unknown field `alpha`", "`lambda`"],
    );
    let v = edited(|v| v["clip"]["norm_type"] = json!(2));
    unparsable(
        &v,
        "clip.norm_type",
        &["unknown field `norm_type`", "`max_norm`"],
    );
}

#[test]
fn unknown_activation_in_a_per_neuron_list_is_refused_with_its_index_and_the_allowed_names() {
    let v = edited(|v| v["layers"][1]["activation"][2] = json!("swish"));
    let err = unparsable(&v, "layers[1].activation[2]", &["swish"]);
    for a in Activation::ALL {
        assert!(
            err.to_string().contains(a.name()),
            "{err} does not list {a}"
        );
    }
}

#[test]
fn unknown_layer_activation_is_refused_with_the_allowed_names() {
    let v = edited(|v| v["layers"][0]["activation"] = json!("gelu"));
    let err = unparsable(&v, "layers[0].activation", &["unknown activation `gelu`"]);
    for a in Activation::ALL {
        assert!(
            err.to_string().contains(a.name()),
            "{err} does not list {a}"
        );
    }
}

#[test]
fn unknown_init_is_refused_with_the_allowed_names() {
    let v = edited(|v| v["layers"][1]["init"] = json!("glorot"));
    let err = unparsable(&v, "layers[1].init", &["glorot"]);
    for i in Init::ALL {
        assert!(
            err.to_string().contains(i.name()),
            "{err} does not list {i}"
        );
    }
}

#[test]
fn unknown_loss_is_refused_with_the_allowed_names() {
    let v = edited(|v| v["loss"] = json!("hinge"));
    unparsable(
        &v,
        "loss",
        &["hinge", "mse", "cross_entropy", "binary_cross_entropy"],
    );
}

#[test]
fn unknown_optimizer_is_refused_with_the_allowed_names() {
    let v = edited(|v| v["optimizer"]["name"] = json!("lbfgs"));
    let err = unparsable(&v, "optimizer.name", &["lbfgs"]);
    for k in OptimizerKind::ALL {
        assert!(
            err.to_string().contains(k.name()),
            "{err} does not list {k}"
        );
    }
}

#[test]
fn unknown_regularization_or_clip_kind_is_refused_with_the_allowed_names() {
    let v = edited(|v| v["regularization"]["kind"] = json!("elastic"));
    unparsable(&v, "regularization.kind", &["elastic", "none", "l1", "l2"]);
    let v = edited(|v| v["clip"]["kind"] = json!("percentile"));
    unparsable(&v, "clip.kind", &["percentile", "value", "norm"]);
}

#[test]
fn negative_units_is_a_serde_error_with_its_path() {
    let v = edited(|v| v["layers"][0]["units"] = json!(-8));
    unparsable(&v, "layers[0].units", &["-8", "usize"]);
}

#[test]
fn wrong_types_are_refused_with_their_path() {
    let v = edited(|v| v["layers"][0]["units"] = json!("8"));
    unparsable(&v, "layers[0].units", &["invalid type", "\"8\""]);
    let v = edited(|v| v["optimizer"]["lr"] = json!("fast"));
    unparsable(&v, "optimizer.lr", &["invalid type", "\"fast\""]);
    let v = edited(|v| v["layers"][0]["activation"] = json!(3));
    unparsable(
        &v,
        "layers[0].activation",
        &["invalid type", "an activation name", "tanh"],
    );
    let v = edited(|v| v["batch_size"] = json!(1.5));
    unparsable(&v, "batch_size", &["invalid type", "1.5"]);
}

#[test]
fn a_wrong_type_where_a_name_belongs_is_refused_with_its_path_not_as_broken_json() {
    // serde_json reports these as "expected value", a syntax error, although the JSON is
    // valid; the config must still say where the problem is.
    // The message lists the names that are accepted there.
    let v = edited(|v| v["loss"] = json!(3));
    unparsable(
        &v,
        "loss",
        &[
            "invalid type: integer `3`",
            "expected one of `mse`, `cross_entropy`, `binary_cross_entropy`",
        ],
    );
    let v = edited(|v| v["optimizer"]["name"] = json!(7));
    unparsable(&v, "optimizer.name", &["integer `7`", "`adamw`"]);
    let v = edited(|v| v["layers"][1]["activation"][1] = json!(2));
    unparsable(
        &v,
        "layers[1].activation[1]",
        &["integer `2`", "`leaky_relu`"],
    );
    let v = edited(|v| v["layers"][2]["init"] = json!(true));
    unparsable(&v, "layers[2].init", &["boolean `true`", "`he_normal`"]);
    let v = edited(|v| v["regularization"]["kind"] = json!(null));
    unparsable(&v, "regularization.kind", &["null", "`l1`, `l2`"]);
}

#[test]
fn a_config_that_is_not_an_object_says_so() {
    for (text, kind) in [
        ("[1, 2]", "an array"),
        ("7", "a number"),
        ("\"adam\"", "a string"),
        ("null", "null"),
    ] {
        let err = Config::parse_json(text).expect_err(text);
        assert_eq!(err.field(), "");
        assert_eq!(
            err.to_string(),
            format!("a config is a JSON object ({{\"layers\": [...], ...}}), found {kind}")
        );
    }
}

#[test]
fn truncated_json_is_a_syntax_error() {
    let text = &EXAMPLE[..EXAMPLE.len() - 20];
    for parse in [Config::parse_json, Config::from_json] {
        let err = parse(text).expect_err("truncated");
        assert!(matches!(err, ConfigError::Syntax { .. }), "{err:?}");
        assert_eq!(err.field(), "");
        let message = err.to_string();
        assert!(
            message.starts_with("config is not valid JSON: "),
            "{message}"
        );
        assert!(message.contains("EOF"), "{message}");
    }
}

#[test]
fn other_broken_json_is_a_syntax_error() {
    for text in [
        "",
        "{",
        "{\"seed\": 7,}",
        "{\"seed\": 7} trailing",
        "{seed: 7}",
    ] {
        let err = Config::parse_json(text).expect_err(text);
        assert!(
            matches!(err, ConfigError::Syntax { .. }),
            "{text:?}: {err:?}"
        );
        assert!(
            err.to_string().starts_with("config is not valid JSON"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Layers

#[test]
fn empty_layers_are_refused() {
    let v = edited(|v| v["layers"] = json!([]));
    invalid(&v, "layers", &["at least one layer"]);
    // A config with no layers at all gets the same answer.
    let err = Config::from_json("{}").unwrap_err();
    assert_eq!(err.field(), "layers");
}

#[test]
fn zero_units_are_refused() {
    let v = edited(|v| v["layers"][0]["units"] = json!(0));
    invalid(&v, "layers[0].units", &["at least 1", "found 0"]);
}

#[test]
fn per_neuron_list_of_the_wrong_length_is_refused() {
    let v = edited(|v| v["layers"][1]["activation"] = json!(["relu", "tanh", "sigmoid"]));
    invalid(
        &v,
        "layers[1].activation",
        &["one activation per unit", "4 units", "3 entries"],
    );
    let v = edited(|v| {
        v["layers"][1]["activation"] = json!(["relu", "tanh", "sigmoid", "relu", "tanh"])
    });
    invalid(&v, "layers[1].activation", &["4 units", "5 entries"]);
}

#[test]
fn scale_with_a_non_random_init_is_refused() {
    let v = edited(|v| v["layers"][0]["scale"] = json!(0.1));
    invalid(
        &v,
        "layers[0].scale",
        &["random_uniform", "random_normal", "not xavier_uniform"],
    );
    // The default init (xavier_uniform) does not take a scale either.
    let v = edited(|v| {
        v["layers"][0].as_object_mut().unwrap().remove("init");
        v["layers"][0]["scale"] = json!(0.1);
    });
    invalid(&v, "layers[0].scale", &["not xavier_uniform"]);
}

#[test]
fn non_positive_scale_is_refused() {
    for scale in [0.0, -0.5] {
        let v = edited(|v| {
            v["layers"][1]["init"] = json!("random_normal");
            v["layers"][1]["scale"] = json!(scale);
        });
        invalid(
            &v,
            "layers[1].scale",
            &["(0, 1000]", &format!("found {scale}")],
        );
    }
    // A positive scale with a random init is fine.
    let v = edited(|v| {
        v["layers"][1]["init"] = json!("random_uniform");
        v["layers"][1]["scale"] = json!(0.3);
    });
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn a_scale_above_the_limit_is_refused_before_it_can_overflow_the_initialiser() {
    // 1e308 once made U(−s, s) non-finite and panicked in the initialiser.
    for init in ["random_uniform", "random_normal"] {
        for scale in [1e308, 1001.0] {
            let v = edited(|v| {
                v["layers"][0]["init"] = json!(init);
                v["layers"][0]["scale"] = json!(scale);
            });
            invalid(
                &v,
                "layers[0].scale",
                &[&format!("(0, {MAX_INIT_SCALE}]"), &format!("found {scale}")],
            );
        }
    }
    let v = edited(|v| {
        v["layers"][0]["init"] = json!("random_uniform");
        v["layers"][0]["scale"] = json!(MAX_INIT_SCALE);
    });
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn more_epochs_than_the_limit_are_refused() {
    let v = edited(|v| v["epochs"] = json!(MAX_EPOCHS + 1));
    invalid(
        &v,
        "epochs",
        &[
            &format!("at most {MAX_EPOCHS}"),
            &format!("found {}", MAX_EPOCHS + 1),
        ],
    );
    let v = edited(|v| v["epochs"] = json!(MAX_EPOCHS));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn nag_with_zero_momentum_is_refused_as_pytorch_does() {
    let v = edited(|v| v["optimizer"] = json!({"name": "nag", "lr": 0.1, "momentum": 0.0}));
    invalid(&v, "optimizer.momentum", &["nag", "above 0", "found 0"]);
    // Plain momentum SGD may have momentum 0 (it is then plain SGD), as in PyTorch.
    let v = edited(|v| v["optimizer"] = json!({"name": "momentum", "lr": 0.1, "momentum": 0.0}));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn too_many_parameters_are_refused() {
    let v = edited(|v| {
        v["layers"][0]["units"] = json!(8000);
        v["layers"][1] = json!({"units": 8000, "activation": "relu"});
    });
    let err = invalid(&v, "layers", &[&MAX_PARAMETERS.to_string(), "parameters"]);
    // 8000·(1 + 1) + 8000·(8000 + 1) + 3·(8000 + 1), not counting the input layer's weights.
    let expected = 8000 * 2 + 8000 * 8001 + 3 * 8001;
    assert!(err.to_string().contains(&expected.to_string()), "{err}");
    // Just under the limit is accepted.
    let v = edited(|v| {
        v["layers"][0]["units"] = json!(1000);
        v["layers"][1] = json!({"units": 1000, "activation": "relu"});
    });
    assert!(Config::from_json(&v.to_string()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Loss and task

#[test]
fn softmax_output_with_binary_cross_entropy_is_refused() {
    let v = edited(|v| {
        v["loss"] = json!("binary_cross_entropy");
        v.as_object_mut().unwrap().remove("task");
    });
    invalid(
        &v,
        "loss",
        &[
            "binary_cross_entropy needs sigmoid",
            "layers[2].activation is softmax",
        ],
    );
}

#[test]
fn cross_entropy_without_softmax_output_is_refused() {
    let v = edited(|v| v["layers"][2]["activation"] = json!("sigmoid"));
    invalid(
        &v,
        "loss",
        &[
            "cross_entropy needs a softmax output layer",
            "layers[2].activation is sigmoid",
        ],
    );
    // A softmax that covers only part of the output layer is not enough.
    let v = edited(|v| v["layers"][2]["activation"] = json!(["softmax", "softmax", "identity"]));
    invalid(
        &v,
        "loss",
        &[
            "cross_entropy needs a softmax",
            "a mix of softmax, identity",
        ],
    );
}

#[test]
fn regression_task_with_cross_entropy_is_refused() {
    let v = edited(|v| v["task"] = json!("regression"));
    invalid(
        &v,
        "task",
        &["regression trains with the mse loss, not cross_entropy"],
    );
    let v = edited(|v| {
        v["task"] = json!("regression");
        v["loss"] = json!("binary_cross_entropy");
        v["layers"][2]["activation"] = json!("sigmoid");
    });
    invalid(&v, "task", &["not binary_cross_entropy"]);
}

// ---------------------------------------------------------------------------------------------
// Optimizer

#[test]
fn zero_or_negative_learning_rate_is_refused() {
    for lr in [0.0, -0.01] {
        let v = edited(|v| v["optimizer"]["lr"] = json!(lr));
        invalid(
            &v,
            "optimizer.lr",
            &["greater than 0", &format!("found {lr}")],
        );
    }
}

#[test]
fn momentum_of_one_or_more_is_refused() {
    for (name, m) in [
        ("momentum", 1.0),
        ("nag", 1.5),
        ("rmsprop", 1.0),
        ("momentum", -0.1),
    ] {
        let v = edited(|v| v["optimizer"] = json!({"name": name, "momentum": m}));
        invalid(&v, "optimizer.momentum", &["[0, 1)", &format!("found {m}")]);
    }
    let v = edited(|v| v["optimizer"] = json!({"name": "momentum", "momentum": 0.99}));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn betas_out_of_range_are_refused() {
    for b in [1.0, -0.1, 2.0] {
        let v = edited(|v| v["optimizer"]["beta1"] = json!(b));
        invalid(&v, "optimizer.beta1", &["[0, 1)", &format!("found {b}")]);
        let v = edited(|v| v["optimizer"]["beta2"] = json!(b));
        invalid(&v, "optimizer.beta2", &["[0, 1)"]);
        let v = edited(|v| v["optimizer"] = json!({"name": "rmsprop", "beta": b}));
        invalid(&v, "optimizer.beta", &["[0, 1)"]);
    }
    // 0 is allowed (no averaging), as in PyTorch.
    let v = edited(|v| v["optimizer"]["beta1"] = json!(0.0));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn zero_or_negative_eps_is_refused() {
    for eps in [0.0, -1e-8] {
        let v = edited(|v| v["optimizer"]["eps"] = json!(eps));
        invalid(&v, "optimizer.eps", &["greater than 0"]);
    }
}

#[test]
fn negative_weight_decay_is_refused() {
    let v = edited(|v| v["optimizer"]["weight_decay"] = json!(-0.01));
    invalid(&v, "optimizer.weight_decay", &["≥ 0", "found -0.01"]);
    let v = edited(|v| v["optimizer"]["weight_decay"] = json!(0.0));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn optimizer_field_that_does_not_apply_is_refused() {
    let v = edited(|v| v["optimizer"] = json!({"name": "sgd", "lr": 0.1, "beta1": 0.9}));
    invalid(
        &v,
        "optimizer.beta1",
        &[
            "applies only with optimizer adam or adamw, not sgd",
            "lr, weight_decay",
        ],
    );
    let v = edited(|v| v["optimizer"]["momentum"] = json!(0.9));
    invalid(
        &v,
        "optimizer.momentum",
        &["not adam", "beta1, beta2, eps, weight_decay"],
    );
    let v = edited(|v| v["optimizer"] = json!({"name": "rmsprop", "beta2": 0.9}));
    invalid(&v, "optimizer.beta2", &["not rmsprop"]);
    let v = edited(|v| v["optimizer"] = json!({"name": "nag", "eps": 1e-8}));
    invalid(&v, "optimizer.eps", &["not nag"]);
    // A stray field is reported even when its value would be out of range.
    let v = edited(|v| v["optimizer"] = json!({"name": "sgd", "momentum": 5.0}));
    invalid(&v, "optimizer.momentum", &["not sgd"]);
}

// ---------------------------------------------------------------------------------------------
// Regularization

#[test]
fn l1_or_l2_without_lambda_is_refused() {
    for kind in ["l1", "l2"] {
        let v = edited(|v| v["regularization"] = json!({ "kind": kind }));
        invalid(
            &v,
            "regularization.lambda",
            &["is required with kind l1 or l2"],
        );
    }
}

#[test]
fn lambda_with_kind_none_is_refused() {
    let v = edited(|v| v["regularization"] = json!({"kind": "none", "lambda": 0.01}));
    invalid(
        &v,
        "regularization.lambda",
        &["applies only with kind l1 or l2"],
    );
    // kind defaults to none.
    let v = edited(|v| v["regularization"] = json!({"lambda": 0.01}));
    invalid(&v, "regularization.lambda", &["not none"]);
}

#[test]
fn negative_lambda_is_refused() {
    let v = edited(|v| v["regularization"]["lambda"] = json!(-0.001));
    invalid(&v, "regularization.lambda", &["≥ 0", "found -0.001"]);
}

// ---------------------------------------------------------------------------------------------
// Clipping

#[test]
fn clip_value_missing_or_not_positive_is_refused() {
    let v = edited(|v| v["clip"] = json!({"kind": "value"}));
    invalid(&v, "clip.value", &["is required with kind value"]);
    for value in [0.0, -1.0] {
        let v = edited(|v| v["clip"]["value"] = json!(value));
        invalid(
            &v,
            "clip.value",
            &["greater than 0", &format!("found {value}")],
        );
    }
}

#[test]
fn clip_max_norm_missing_or_not_positive_is_refused() {
    let v = edited(|v| v["clip"] = json!({"kind": "norm"}));
    invalid(&v, "clip.max_norm", &["is required with kind norm"]);
    let v = edited(|v| v["clip"] = json!({"kind": "norm", "max_norm": 0.0}));
    invalid(&v, "clip.max_norm", &["greater than 0"]);
}

#[test]
fn max_norm_with_kind_value_is_refused() {
    let v = edited(|v| v["clip"]["max_norm"] = json!(1.0));
    invalid(
        &v,
        "clip.max_norm",
        &["applies only with kind norm, not value"],
    );
    let v = edited(|v| v["clip"] = json!({"kind": "norm", "max_norm": 1.0, "value": 1.0}));
    invalid(
        &v,
        "clip.value",
        &["applies only with kind value, not norm"],
    );
    let v = edited(|v| v["clip"] = json!({"value": 1.0}));
    invalid(&v, "clip.value", &["not none"]);
}

// ---------------------------------------------------------------------------------------------
// Schedule

#[test]
fn zero_batch_size_is_refused() {
    let v = edited(|v| v["batch_size"] = json!(0));
    invalid(&v, "batch_size", &["at least 1", "found 0"]);
}

#[test]
fn zero_epochs_are_refused() {
    let v = edited(|v| v["epochs"] = json!(0));
    invalid(&v, "epochs", &["at least 1", "found 0"]);
}

#[test]
fn validation_split_outside_zero_to_one_is_refused() {
    for split in [1.0, 1.5, -0.1] {
        let v = edited(|v| v["validation_split"] = json!(split));
        invalid(
            &v,
            "validation_split",
            &["[0, 1)", &format!("found {split}")],
        );
    }
    let v = edited(|v| v["test_split"] = json!(1.0));
    invalid(&v, "test_split", &["[0, 1)"]);
    // Each share is fine alone but together they leave nothing to train on.
    let v = edited(|v| {
        v["validation_split"] = json!(0.5);
        v["test_split"] = json!(0.5);
    });
    invalid(
        &v,
        "validation_split",
        &["validation_split + test_split", "found 1"],
    );
    let v = edited(|v| v["validation_split"] = json!(0.0));
    assert!(Config::from_json(&v.to_string()).is_ok());
}
