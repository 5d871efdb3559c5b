#!/usr/bin/env python3
"""Checks ONNX files written by `mlp-lab export` with the `onnx` package's own checker.

    python scripts/check-onnx.py M.onnx [M2.onnx ...]

For each file: `onnx.checker.check_model(full_check=True)` (the spec's structural rules plus
strict shape inference), the opset and IR version, the signature (`input` float32 [N, d] →
`output` float32 [N, k]) and the metadata keys the exporter writes. Prints one line per file and
exits 1 on the first problem. Exits 3 when the `onnx` package is missing, so a caller (the node
test tests/e2e/onnx.test.mjs) can skip rather than fail; it needs `pip install onnx` in the
Python it is run with.
"""

import json
import sys

try:
    import onnx
except ImportError:
    print("check-onnx: the python package `onnx` is not installed", file=sys.stderr)
    sys.exit(3)


def dims(value_info):
    shape = value_info.type.tensor_type.shape
    return [d.dim_param or d.dim_value for d in shape.dim]


def check(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opsets = {o.domain: o.version for o in model.opset_import}
    assert opsets == {"": 17}, f"opset imports {opsets}"
    assert model.ir_version == 8, f"IR version {model.ir_version}"
    graph = model.graph
    assert [i.name for i in graph.input] == ["input"], "one input named `input`"
    assert [o.name for o in graph.output] == ["output"], "one output named `output`"
    for v in (graph.input[0], graph.output[0]):
        assert v.type.tensor_type.elem_type == onnx.TensorProto.FLOAT, f"{v.name} is not float32"
        assert dims(v)[0] == "N", f"{v.name}: first dimension {dims(v)[0]!r} is not symbolic N"
    meta = {p.key: p.value for p in model.metadata_props}
    assert meta.get("task") in ("regression", "binary", "multiclass"), f"task {meta.get('task')!r}"
    columns = json.loads(meta["output_columns"])
    assert len(columns) == dims(graph.output[0])[1], "one output column name per output"
    if meta["task"] != "regression":
        json.loads(meta["class_names"])
    # Shape inference must carry [N, k] through to the output.
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    assert dims(inferred.graph.output[0]) == dims(graph.output[0])
    return f"{path}: ok ({len(graph.node)} nodes, {meta['task']}, output {dims(graph.output[0])})"


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in paths:
        try:
            print(check(path))
        except Exception as e:  # the checker raises its own ValidationError, asserts AssertionError
            print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
