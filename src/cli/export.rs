//! `mlp-lab export`: a saved model in another format (ONNX).

use super::args::{ExportArgs, ExportFormat};
use super::files::{read_text, write_bytes_atomically};
use crate::model_io::Model;

pub fn run(args: ExportArgs) -> Result<(), String> {
    let model = Model::from_json(&read_text(&args.model, "model")?)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    let bytes = match args.format {
        ExportFormat::Onnx => crate::onnx::export(&model),
    };
    write_bytes_atomically(&args.out, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes, ONNX opset {}): input `{}` float32 [N, {}] → output `{}` [N, {}]",
        args.out.display(),
        bytes.len(),
        crate::onnx::OPSET,
        crate::onnx::INPUT,
        model.network.input,
        crate::onnx::OUTPUT,
        model.network.output_units()
    );
    Ok(())
}
