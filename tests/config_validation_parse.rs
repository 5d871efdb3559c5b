//! A good config and what follows from it (the issue's example, the derived task, PyTorch's
//! optimiser defaults, the JSON round trip, `problems` against `validate`), and every parse
//! error of `Config::parse_json`/`from_json`: unknown names and fields, wrong types and broken
//! JSON, each naming the field (`ConfigError::field()`) and what is wrong.

#[path = "common/config_errors.rs"]
mod config_errors;

use config_errors::*;
use mlp_lab::config::{ActivationSpec, Config, ConfigError, Task};
use mlp_lab::nn::{Activation, Init, Loss};
use mlp_lab::optim::{Clip, OptimizerKind};
use serde_json::{json, Value};

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
