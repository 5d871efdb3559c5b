//! ONNX export: a saved model as an ONNX graph (opset 17) that computes what the engine does.
//!
//! The graph takes `input`, float32 `[N, d]` raw features, standardises them as the engine does
//! (`(x − mean) / std`, a Sub then a Div: the same two f32 roundings), runs each layer as a Gemm
//! and its activations, and gives `output`, `[N, k]`, the output layer's activations. A layer with
//! mixed per-unit activations is exported exactly: the units of each kind are gathered, the kind's
//! op applied (softmax over all of a layer's softmax units together, wherever they sit, as the
//! engine normalises them), and the parts concatenated and gathered back into unit order.
//! Class names, task and loss go in the model's `metadata_props`.

mod graph;
pub mod proto;

use crate::model_io::Model;
use crate::nn::{Activation, Dense};
use crate::predict::{model_task, output_columns};
use graph::{float_attr, int_attr, Graph};
use prost::Message;
use proto::{ModelProto, OperatorSetIdProto, StringStringEntryProto};

/// The operator set the graph is written for, and the IR version released with it (ONNX 1.12).
pub const OPSET: i64 = 17;
pub const IR_VERSION: i64 = 8;
pub const INPUT: &str = "input";
pub const OUTPUT: &str = "output";

/// The model as the bytes of an `.onnx` file.
pub fn export(model: &Model) -> Vec<u8> {
    model_proto(model).encode_to_vec()
}

/// The model as an ONNX `ModelProto`.
pub fn model_proto(model: &Model) -> ModelProto {
    ModelProto {
        ir_version: IR_VERSION,
        producer_name: "mlp-lab".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        domain: String::new(),
        model_version: 1,
        doc_string: "A multilayer perceptron trained with MLP Lab: raw features in, the output \
                     layer's activations out."
            .into(),
        graph: Some(build_graph(model)),
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: OPSET,
        }],
        metadata_props: metadata(model)
            .into_iter()
            .map(|(key, value)| StringStringEntryProto { key, value })
            .collect(),
    }
}

/// `task`, `loss`, `class_names` (a JSON array), `output_columns` (what each output column is,
/// as `mlp-lab predict` names them), and `feature_names` / `target` when the model has them.
fn metadata(model: &Model) -> Vec<(String, String)> {
    let json = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
    let task = model_task(model);
    let mut out = vec![("task".to_string(), task.name().to_string())];
    if let Some(loss) = model.loss {
        out.push(("loss".into(), loss.name().into()));
    }
    if task.is_classification() {
        let names = crate::predict::class_names(model);
        out.push(("class_names".into(), json(&names)));
    }
    out.push(("output_columns".into(), json(&output_columns(model))));
    if !model.feature_names.is_empty() {
        out.push(("feature_names".into(), json(&model.feature_names)));
    }
    if let Some(target) = &model.target {
        out.push(("target".into(), target.clone()));
    }
    out
}

fn build_graph(model: &Model) -> proto::GraphProto {
    let net = &model.network;
    let mut g = Graph::default();
    let mut x = INPUT.to_string();
    if let Some(s) = &model.input_scaling {
        let mean = g.floats("input_scaling.mean", &[net.input], s.mean.iter().copied());
        let std = g.floats("input_scaling.std", &[net.input], s.std.iter().copied());
        let centered = g.node("Sub", &[&x, &mean], "input_scaling.centered", vec![]);
        x = g.node("Div", &[&centered, &std], "input_scaling.out", vec![]);
    }
    let last = net.layers.len() - 1;
    for (l, layer) in net.layers.iter().enumerate() {
        let out = match l == last {
            true => OUTPUT.to_string(),
            false => format!("layers.{l}.a"),
        };
        x = dense(&mut g, l, layer, &x, &out);
    }
    g.into_proto(net.input, net.output_units())
}

/// One layer: z = x·Wᵀ + b (a Gemm with W in the `torch.nn.Linear` layout), then its activations.
#[allow(clippy::unnecessary_cast)] // Real is f32, or f64 with the `f64` feature
fn dense(g: &mut Graph, l: usize, layer: &Dense, x: &str, out: &str) -> String {
    let w = layer.weights.transpose(); // column-major, so its slice is W row by row
    let w = g.floats(
        &format!("layers.{l}.weight"),
        &[layer.units(), layer.inputs()],
        w.as_slice().iter().map(|v| *v as f32),
    );
    let b = g.floats(
        &format!("layers.{l}.bias"),
        &[layer.units()],
        layer.bias.iter().map(|v| *v as f32),
    );
    let uniform = layer.uniform_activation();
    let z = match uniform {
        Some(Activation::Identity) => out.to_string(),
        _ => format!("layers.{l}.z"),
    };
    g.node("Gemm", &[x, &w, &b], &z, vec![int_attr("transB", 1)]);
    match uniform {
        Some(Activation::Identity) => z,
        Some(a) => activation(g, a, &z, out),
        None => mixed(g, l, layer, &z, out),
    }
}

/// The units of each activation kind gathered, activated, concatenated, and put back in order.
fn mixed(g: &mut Graph, l: usize, layer: &Dense, z: &str, out: &str) -> String {
    let acts = layer.activations();
    let mut kinds: Vec<Activation> = Vec::new();
    for a in &acts {
        if !kinds.contains(a) {
            kinds.push(*a);
        }
    }
    let mut order: Vec<i64> = Vec::with_capacity(acts.len());
    let mut parts = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let units: Vec<i64> = (0..acts.len())
            .filter(|&j| acts[j] == kind)
            .map(|j| j as i64)
            .collect();
        let at = format!("layers.{l}.{}", kind.name());
        let idx = g.ints(&format!("{at}.units"), &units);
        let part = g.node("Gather", &[z, &idx], &format!("{at}.z"), vec![axis(1)]);
        parts.push(match kind {
            Activation::Identity => part,
            _ => activation(g, kind, &part, &format!("{at}.a")),
        });
        order.extend(units);
    }
    let in_order = order.iter().enumerate().all(|(i, &j)| i as i64 == j);
    let grouped = match in_order {
        true => out.to_string(),
        false => format!("layers.{l}.grouped"),
    };
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    g.node("Concat", &parts, &grouped, vec![axis(1)]);
    if in_order {
        return grouped;
    }
    // Where each unit landed in the grouped order.
    let mut position = vec![0i64; order.len()];
    for (pos, &j) in order.iter().enumerate() {
        position[j as usize] = pos as i64;
    }
    let idx = g.ints(&format!("layers.{l}.unit_order"), &position);
    g.node("Gather", &[&grouped, &idx], out, vec![axis(1)])
}

#[allow(clippy::unnecessary_cast)] // LEAKY_SLOPE is a Real
fn activation(g: &mut Graph, a: Activation, x: &str, out: &str) -> String {
    let (op, attrs) = match a {
        Activation::Identity => ("Identity", vec![]),
        Activation::Sigmoid => ("Sigmoid", vec![]),
        Activation::Tanh => ("Tanh", vec![]),
        Activation::Relu => ("Relu", vec![]),
        Activation::LeakyRelu => (
            "LeakyRelu",
            vec![float_attr(
                "alpha",
                crate::nn::activation::LEAKY_SLOPE as f32,
            )],
        ),
        Activation::Softmax => ("Softmax", vec![axis(-1)]),
    };
    g.node(op, &[x], out, attrs)
}

fn axis(v: i64) -> proto::AttributeProto {
    int_attr("axis", v)
}
