//! A small builder for an ONNX graph: nodes in order, initializers, and the `[N, d] → [N, k]`
//! float32 signature every exported model has.

use super::proto::{
    attribute_type, data_type, AttributeProto, Dimension, DimensionValue, GraphProto, NodeProto,
    TensorProto, TensorShapeProto, TensorTypeProto, TypeProto, ValueInfoProto,
};
use super::{INPUT, OUTPUT};

#[derive(Default)]
pub struct Graph {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
}

impl Graph {
    /// A float32 initializer of shape `dims` (values in row-major order); returns its name.
    pub fn floats(
        &mut self,
        name: &str,
        dims: &[usize],
        values: impl Iterator<Item = f32>,
    ) -> String {
        let raw_data = values.flat_map(f32::to_le_bytes).collect();
        self.initializer(name, dims, data_type::FLOAT, raw_data)
    }

    /// A 1-D int64 initializer (unit indices for Gather); returns its name.
    pub fn ints(&mut self, name: &str, values: &[i64]) -> String {
        let raw_data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.initializer(name, &[values.len()], data_type::INT64, raw_data)
    }

    fn initializer(&mut self, name: &str, dims: &[usize], ty: i32, raw_data: Vec<u8>) -> String {
        self.initializers.push(TensorProto {
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: ty,
            name: name.to_string(),
            raw_data,
        });
        name.to_string()
    }

    /// Appends a node of the default domain writing `output`; returns `output`. Nodes are
    /// added in an order where every input already exists, as ONNX requires.
    pub fn node(
        &mut self,
        op: &str,
        inputs: &[&str],
        output: &str,
        attribute: Vec<AttributeProto>,
    ) -> String {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.to_string()],
            name: format!("{op}:{output}"),
            op_type: op.to_string(),
            attribute,
        });
        output.to_string()
    }

    /// The graph with `input` `[N, d]` and `output` `[N, k]`, N symbolic.
    pub fn into_proto(self, d: usize, k: usize) -> GraphProto {
        GraphProto {
            node: self.nodes,
            name: "mlp".into(),
            initializer: self.initializers,
            doc_string: String::new(),
            input: vec![float_matrix(INPUT, d)],
            output: vec![float_matrix(OUTPUT, k)],
        }
    }
}

fn float_matrix(name: &str, columns: usize) -> ValueInfoProto {
    let dim = |value| Dimension { value: Some(value) };
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: data_type::FLOAT,
                shape: Some(TensorShapeProto {
                    dim: vec![
                        dim(DimensionValue::DimParam("N".into())),
                        dim(DimensionValue::DimValue(columns as i64)),
                    ],
                }),
            }),
        }),
    }
}

pub fn int_attr(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f: None,
        i: Some(value),
        r#type: attribute_type::INT,
    }
}

pub fn float_attr(name: &str, value: f32) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f: Some(value),
        i: None,
        r#type: attribute_type::FLOAT,
    }
}
