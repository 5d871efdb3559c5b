//! ONNX export: the file decodes (prost) as an opset-17 model with the documented signature, the
//! graph has the expected structure (standardisation, a Gemm per layer, per-kind gathers for
//! mixed layers), the metadata says what the outputs are, and an f64 reading of the graph by the
//! operator specs computes what the engine computes. onnxruntime itself runs the exported files
//! in tests/e2e/onnx.test.mjs.

// Real is f32, or f64 with the `f64` feature: the casts are needed in one build or the other.
#![allow(clippy::unnecessary_cast)]

#[path = "common/models.rs"]
mod models;
#[path = "common/onnx_eval.rs"]
mod onnx_eval;

use mlp_lab::config::Task;
use mlp_lab::model_io::Model;
use mlp_lab::nn::activation::LEAKY_SLOPE;
use mlp_lab::nn::Activation::{self, *};
use mlp_lab::nn::Loss;
use mlp_lab::onnx::proto::{
    data_type, DimensionValue, GraphProto, ModelProto, NodeProto, ValueInfoProto,
};
use mlp_lab::onnx::{export, IR_VERSION, OPSET};
use models::{classifier, engine_outputs, random_model, rows};
use prost::Message;
use std::collections::{HashMap, HashSet};

fn decoded(model: &Model) -> ModelProto {
    ModelProto::decode(export(model).as_slice()).expect("the export decodes")
}

fn graph(model: &Model) -> GraphProto {
    decoded(model).graph.expect("a graph")
}

fn ops(g: &GraphProto) -> Vec<&str> {
    g.node.iter().map(|n| n.op_type.as_str()).collect()
}

fn node<'a>(g: &'a GraphProto, output: &str) -> &'a NodeProto {
    g.node
        .iter()
        .find(|n| n.output == [output])
        .unwrap_or_else(|| panic!("no node writes {output}"))
}

fn ints(g: &GraphProto, name: &str) -> Vec<i64> {
    let t = g.initializer.iter().find(|t| t.name == name).unwrap();
    assert_eq!(t.data_type, data_type::INT64);
    let bytes = t.raw_data.chunks_exact(8);
    bytes
        .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

fn floats(g: &GraphProto, name: &str) -> (Vec<i64>, Vec<f32>) {
    let t = g.initializer.iter().find(|t| t.name == name).unwrap();
    assert_eq!(t.data_type, data_type::FLOAT);
    let bytes = t.raw_data.chunks_exact(4);
    let v = bytes
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    (t.dims.clone(), v)
}

/// `[dim_param or dim_value, …]` of a graph input or output, and its element type.
fn signature(v: &ValueInfoProto) -> (i32, Vec<String>) {
    let t = v.r#type.as_ref().unwrap().tensor_type.as_ref().unwrap();
    let dims = t
        .shape
        .as_ref()
        .unwrap()
        .dim
        .iter()
        .map(|d| match &d.value {
            Some(DimensionValue::DimParam(p)) => p.clone(),
            Some(DimensionValue::DimValue(v)) => v.to_string(),
            None => "?".into(),
        });
    (t.elem_type, dims.collect())
}

fn metadata(model: &Model) -> HashMap<String, String> {
    let props = decoded(model).metadata_props.into_iter();
    props.map(|p| (p.key, p.value)).collect()
}

#[test]
fn the_file_is_an_opset_17_model_from_raw_features_to_output_activations() {
    let model = random_model(1, 5, &[vec![Tanh; 4], vec![Softmax; 3]], true);
    let bytes = export(&model);
    let m = ModelProto::decode(bytes.as_slice()).unwrap();
    assert_eq!((m.ir_version, IR_VERSION, OPSET), (8, 8, 17));
    assert_eq!(m.opset_import.len(), 1);
    assert_eq!(
        (m.opset_import[0].domain.as_str(), m.opset_import[0].version),
        ("", 17)
    );
    assert_eq!(m.producer_name, "mlp-lab");
    let g = m.graph.as_ref().unwrap();
    assert_eq!(g.input.len(), 1);
    assert_eq!(g.output.len(), 1);
    assert_eq!(
        (g.input[0].name.as_str(), g.output[0].name.as_str()),
        ("input", "output")
    );
    assert_eq!(
        signature(&g.input[0]),
        (data_type::FLOAT, vec!["N".into(), "5".into()])
    );
    assert_eq!(
        signature(&g.output[0]),
        (data_type::FLOAT, vec!["N".into(), "3".into()])
    );
    // prost writes what it reads: nothing was lost in the round trip.
    assert_eq!(m.encode_to_vec(), bytes);
}

#[test]
fn a_uniform_network_is_a_gemm_and_an_activation_per_layer() {
    let model = random_model(
        2,
        3,
        &[vec![Tanh; 4], vec![Relu; 4], vec![Softmax; 2]],
        false,
    );
    let g = graph(&model);
    assert_eq!(ops(&g), ["Gemm", "Tanh", "Gemm", "Relu", "Gemm", "Softmax"]);
    let gemm = node(&g, "layers.0.z");
    assert_eq!(gemm.input, ["input", "layers.0.weight", "layers.0.bias"]);
    let trans_b = gemm.attribute.iter().find(|a| a.name == "transB").unwrap();
    assert_eq!(trans_b.i, Some(1));
    let softmax = node(&g, "output");
    assert_eq!(softmax.input, ["layers.2.z"]);
    assert_eq!(softmax.attribute[0].i, Some(-1));
    // An identity output layer is its Gemm alone.
    let regression = random_model(2, 3, &[vec![Sigmoid; 4], vec![Identity; 2]], false);
    let g = graph(&regression);
    assert_eq!(ops(&g), ["Gemm", "Sigmoid", "Gemm"]);
    assert_eq!(node(&g, "output").op_type, "Gemm");
}

#[test]
fn standardisation_subtracts_the_mean_then_divides_by_the_deviation() {
    let model = random_model(3, 4, &[vec![Identity]], true);
    let g = graph(&model);
    assert_eq!(ops(&g), ["Sub", "Div", "Gemm"]);
    assert_eq!(g.node[0].input, ["input", "input_scaling.mean"]);
    assert_eq!(
        g.node[1].input,
        ["input_scaling.centered", "input_scaling.std"]
    );
    assert_eq!(g.node[2].input[0], "input_scaling.out");
    let s = model.input_scaling.as_ref().unwrap();
    assert_eq!(floats(&g, "input_scaling.mean"), (vec![4], s.mean.clone()));
    assert_eq!(floats(&g, "input_scaling.std"), (vec![4], s.std.clone()));
}

#[test]
fn weights_and_biases_are_stored_exactly_in_the_torch_linear_layout() {
    let model = random_model(4, 3, &[vec![Relu; 5], vec![Identity; 2]], false);
    let g = graph(&model);
    for (l, layer) in model.network.layers.iter().enumerate() {
        let (dims, w) = floats(&g, &format!("layers.{l}.weight"));
        assert_eq!(dims, [layer.units() as i64, layer.inputs() as i64]);
        for j in 0..layer.units() {
            for k in 0..layer.inputs() {
                assert_eq!(w[j * layer.inputs() + k], layer.weights[(j, k)] as f32);
            }
        }
        let (dims, b) = floats(&g, &format!("layers.{l}.bias"));
        assert_eq!(dims, [layer.units() as i64]);
        assert_eq!(b, layer.bias.iter().map(|v| *v as f32).collect::<Vec<_>>());
    }
}

#[test]
fn a_mixed_layer_gathers_each_kind_and_restores_the_unit_order() {
    let acts = vec![Relu, Softmax, Tanh, Softmax, Relu];
    let model = random_model(5, 2, &[acts, vec![Identity]], false);
    let g = graph(&model);
    assert_eq!(ints(&g, "layers.0.relu.units"), [0, 4]);
    assert_eq!(ints(&g, "layers.0.softmax.units"), [1, 3]);
    assert_eq!(ints(&g, "layers.0.tanh.units"), [2]);
    // One softmax over both softmax units, as the engine normalises them together.
    let softmax: Vec<_> = g.node.iter().filter(|n| n.op_type == "Softmax").collect();
    assert_eq!(softmax.len(), 1);
    assert_eq!(softmax[0].input, ["layers.0.softmax.z"]);
    let concat = node(&g, "layers.0.grouped");
    assert_eq!(
        concat.input,
        ["layers.0.relu.a", "layers.0.softmax.a", "layers.0.tanh.a"]
    );
    // Grouped order is units 0, 4, 1, 3, 2; unit j sits at position unit_order[j].
    assert_eq!(ints(&g, "layers.0.unit_order"), [0, 2, 4, 3, 1]);
    assert_eq!(
        node(&g, "layers.0.a").input,
        ["layers.0.grouped", "layers.0.unit_order"]
    );
}

#[test]
fn a_mixed_layer_already_in_kind_order_needs_no_reordering() {
    let model = random_model(6, 2, &[vec![Identity, Identity, LeakyRelu]], false);
    let g = graph(&model);
    assert_eq!(ops(&g), ["Gemm", "Gather", "Gather", "LeakyRelu", "Concat"]);
    // An identity part is its gather alone.
    assert_eq!(
        node(&g, "output").input,
        ["layers.0.identity.z", "layers.0.leaky_relu.a"]
    );
    let alpha = node(&g, "layers.0.leaky_relu.a").attribute[0].clone();
    assert_eq!(
        (alpha.name.as_str(), alpha.f),
        ("alpha", Some(LEAKY_SLOPE as f32))
    );
}

#[test]
fn every_node_reads_tensors_defined_before_it_and_writes_a_new_name() {
    let model = random_model(
        7,
        3,
        &[vec![Softmax, Relu, Sigmoid, Softmax], vec![Sigmoid]],
        true,
    );
    let g = graph(&model);
    let mut defined: HashSet<&str> = g.initializer.iter().map(|t| t.name.as_str()).collect();
    defined.insert("input");
    for n in &g.node {
        for i in &n.input {
            assert!(
                defined.contains(i.as_str()),
                "{} reads {i} before it exists",
                n.name
            );
        }
        assert!(
            defined.insert(&n.output[0]),
            "{} is written twice",
            n.output[0]
        );
    }
    assert!(defined.contains("output"));
    let names: HashSet<&str> = g.node.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names.len(), g.node.len(), "node names are unique");
}

#[test]
fn metadata_says_the_task_loss_classes_and_what_each_output_column_is() {
    let mut model = classifier(
        random_model(8, 2, &[vec![Softmax; 3]], false),
        Task::Multiclass,
        &["cat", "dog", "emu"],
    );
    model.loss = Some(Loss::CrossEntropy);
    model.feature_names = vec!["x".into(), "y".into()];
    model.target = Some("animal".into());
    let m = metadata(&model);
    assert_eq!(m["task"], "multiclass");
    assert_eq!(m["loss"], "cross_entropy");
    assert_eq!(m["class_names"], r#"["cat","dog","emu"]"#);
    assert_eq!(m["output_columns"], r#"["p_cat","p_dog","p_emu"]"#);
    assert_eq!(m["feature_names"], r#"["x","y"]"#);
    assert_eq!(m["target"], "animal");

    let binary = classifier(
        random_model(8, 2, &[vec![Sigmoid]], false),
        Task::Binary,
        &["no", "yes"],
    );
    let m = metadata(&binary);
    assert_eq!(m["class_names"], r#"["no","yes"]"#);
    assert_eq!(m["output_columns"], r#"["p_yes"]"#);

    let regression = random_model(8, 2, &[vec![Identity; 2]], false);
    let m = metadata(&regression);
    assert_eq!(m["task"], "regression");
    assert_eq!(m["output_columns"], r#"["prediction_0","prediction_1"]"#);
    for key in ["class_names", "loss", "feature_names", "target"] {
        assert!(!m.contains_key(key), "{key} written for a model without it");
    }
}

/// Read by the operator specs in f64, the graph gives the engine's f32 outputs to
/// 1e-5·max(|a|, |b|) + 1e-6: the engine rounds every product and sum to f32 (eps 1.2e-7), so
/// an output that is a small difference of O(1) terms carries ~1e-7 absolute error whatever its
/// size. A wiring fault (a wrong unit order, a softmax over the wrong units) is off by O(0.1).
#[test]
fn the_graph_computes_what_the_engine_computes_for_every_activation_and_task() {
    let every: Vec<Activation> = Activation::ALL.to_vec();
    let partial = vec![
        Sigmoid, Softmax, Identity, Softmax, Tanh, Softmax, LeakyRelu, Relu,
    ];
    let cases: Vec<(Task, Vec<Vec<Activation>>)> = vec![
        (
            Task::Regression,
            vec![every.clone(), vec![Identity, Softmax, Tanh, Softmax]],
        ),
        (
            Task::Multiclass,
            vec![partial.clone(), vec![Tanh; 5], vec![Softmax; 3]],
        ),
        (
            Task::Binary,
            vec![vec![LeakyRelu; 6], partial, vec![Sigmoid]],
        ),
        (
            Task::Regression,
            vec![vec![Softmax; 4], vec![Relu; 4], vec![Identity]],
        ),
    ];
    for (i, (task, layers)) in cases.into_iter().enumerate() {
        for scaling in [false, true] {
            let mut model = random_model(20 + i as u64, 4, &layers, scaling);
            model.task = Some(task);
            let data = rows(i as u64, 300, 4);
            let engine = engine_outputs(&model, &data);
            let graph = onnx_eval::run(&decoded(&model), &data, 300);
            for r in 0..300 {
                for (j, e) in engine.row(r).iter().enumerate() {
                    let (a, b) = (*e as f64, graph[r * engine.ncols() + j]);
                    let tol = 1e-5 * a.abs().max(b.abs()) + 1e-6;
                    assert!(
                        (a - b).abs() <= tol,
                        "case {i} {task:?} row {r} unit {j}: {a} vs {b}"
                    );
                }
            }
        }
    }
}
