//! A reference evaluator, in f64, for the ONNX operators an exported model uses, written from the
//! operator specs (https://onnx.ai/onnx/operators/), so `cargo test` checks what an exported
//! graph computes without onnxruntime (the node test runs onnxruntime itself).

#![allow(dead_code)]

use mlp_lab::onnx::proto::{data_type, AttributeProto, ModelProto, NodeProto, TensorProto};
use std::collections::HashMap;

/// A row-major `rows × cols` f64 matrix (1-D tensors are one row), or int64 indices.
#[derive(Clone, Debug)]
enum Value {
    F(usize, usize, Vec<f64>),
    I(Vec<i64>),
}

/// The graph's `output` for `n` rows of `input` (row-major).
pub fn run(model: &ModelProto, input: &[f32], n: usize) -> Vec<f64> {
    let graph = model.graph.as_ref().expect("a graph");
    let mut env: HashMap<String, Value> = graph
        .initializer
        .iter()
        .map(|t| (t.name.clone(), tensor(t)))
        .collect();
    let d = input.len() / n;
    let x = input.iter().map(|v| f64::from(*v)).collect();
    env.insert("input".into(), Value::F(n, d, x));
    for node in &graph.node {
        let out = eval(node, &env);
        env.insert(node.output[0].clone(), out);
    }
    match env.remove("output") {
        Some(Value::F(_, _, v)) => v,
        other => panic!("no float output: {other:?}"),
    }
}

fn tensor(t: &TensorProto) -> Value {
    let (rows, cols) = match t.dims.as_slice() {
        [c] => (1, *c as usize),
        [r, c] => (*r as usize, *c as usize),
        dims => panic!("{}: unexpected dims {dims:?}", t.name),
    };
    match t.data_type {
        data_type::FLOAT => {
            let v: Vec<f64> = t
                .raw_data
                .chunks_exact(4)
                .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap())))
                .collect();
            assert_eq!(v.len(), rows * cols, "{}: raw_data length", t.name);
            Value::F(rows, cols, v)
        }
        data_type::INT64 => Value::I(
            t.raw_data
                .chunks_exact(8)
                .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
                .collect(),
        ),
        other => panic!("{}: data type {other}", t.name),
    }
}

fn attr<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn float(env: &HashMap<String, Value>, name: &str) -> (usize, usize, Vec<f64>) {
    match env.get(name) {
        Some(Value::F(r, c, v)) => (*r, *c, v.clone()),
        other => panic!("{name}: expected a float tensor, found {other:?}"),
    }
}

fn eval(node: &NodeProto, env: &HashMap<String, Value>) -> Value {
    let (r, c, x) = float(env, &node.input[0]);
    let map = |f: &dyn Fn(f64) -> f64| Value::F(r, c, x.iter().map(|v| f(*v)).collect());
    match node.op_type.as_str() {
        "Sub" | "Div" => {
            let (_, _, b) = float(env, &node.input[1]);
            let sub = node.op_type == "Sub";
            let v = x
                .iter()
                .enumerate()
                .map(|(i, a)| if sub { a - b[i % c] } else { a / b[i % c] })
                .collect();
            Value::F(r, c, v)
        }
        "Gemm" => {
            assert_eq!(attr(node, "transB").and_then(|a| a.i), Some(1));
            let (units, k, w) = float(env, &node.input[1]);
            let (_, _, b) = float(env, &node.input[2]);
            assert_eq!(k, c, "Gemm inner dimensions");
            let mut v = vec![0.0; r * units];
            for i in 0..r {
                for j in 0..units {
                    let dot: f64 = (0..k).map(|t| x[i * k + t] * w[j * k + t]).sum();
                    v[i * units + j] = dot + b[j];
                }
            }
            Value::F(r, units, v)
        }
        "Gather" => {
            assert_eq!(attr(node, "axis").and_then(|a| a.i), Some(1));
            let Some(Value::I(idx)) = env.get(&node.input[1]) else {
                panic!("Gather indices")
            };
            let v = (0..r)
                .flat_map(|i| idx.iter().map(move |&j| (i, j as usize)))
                .map(|(i, j)| x[i * c + j])
                .collect();
            Value::F(r, idx.len(), v)
        }
        "Concat" => {
            assert_eq!(attr(node, "axis").and_then(|a| a.i), Some(1));
            let parts: Vec<_> = node.input.iter().map(|n| float(env, n)).collect();
            let width: usize = parts.iter().map(|p| p.1).sum();
            let v = (0..r)
                .flat_map(|i| {
                    parts
                        .iter()
                        .flat_map(move |p| p.2[i * p.1..(i + 1) * p.1].to_vec())
                })
                .collect();
            Value::F(r, width, v)
        }
        "Identity" => map(&|v| v),
        "Sigmoid" => map(&|v| 1.0 / (1.0 + (-v).exp())),
        "Tanh" => map(&f64::tanh),
        "Relu" => map(&|v| v.max(0.0)),
        "LeakyRelu" => {
            let alpha = f64::from(attr(node, "alpha").and_then(|a| a.f).expect("alpha"));
            map(&|v| if v < 0.0 { alpha * v } else { v })
        }
        "Softmax" => {
            assert_eq!(attr(node, "axis").and_then(|a| a.i), Some(-1));
            let mut v = x.clone();
            for row in v.chunks_mut(c) {
                let max = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                row.iter_mut().for_each(|e| *e = (*e - max).exp());
                let sum: f64 = row.iter().sum();
                row.iter_mut().for_each(|e| *e /= sum);
            }
            Value::F(r, c, v)
        }
        op => panic!("operator {op} is not one the exporter should use"),
    }
}
