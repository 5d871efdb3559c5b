//! Model JSON as `mlp-lab eval --model` and the page's "load model" read it: parse and every
//! check run on load; a model that loads must write back to the same model, predict, and export
//! to ONNX with one Gemm per layer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_lab::model_io::Model;
use mlp_lab::Matrix;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let model = match Model::from_json(text) {
        Ok(m) => m,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let again = Model::from_json(&model.to_json()).expect("a written model loads");
    assert_eq!(again, model, "to_json ∘ from_json is not the identity");

    let net = &model.network;
    let rows = 3;
    let mut x = Matrix::zeros(rows, net.input);
    for r in 0..rows {
        let mut row: Vec<f32> = (0..net.input)
            .map(|i| (i + r) as f32 * 0.25 - 1.0)
            .collect();
        if let Some(s) = &model.input_scaling {
            s.apply_row(&mut row);
        }
        for (i, v) in row.into_iter().enumerate() {
            x[(r, i)] = v;
        }
    }
    let out = net.predict(&x, 2);
    assert_eq!(out.shape(), (rows, net.output_units()));

    let onnx = mlp_lab::onnx::model_proto(&model);
    let graph = onnx.graph.expect("an exported model has a graph");
    let gemms = graph.node.iter().filter(|n| n.op_type == "Gemm").count();
    assert_eq!(gemms, net.layers.len());
    assert!(!mlp_lab::onnx::export(&model).is_empty());
});
