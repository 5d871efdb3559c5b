// Taking a model elsewhere, off the page's thread: ONNX bytes and the predictions table of a CSV
// file, from a model's JSON, by the export build of the engine (www/pkg-export/). The page starts
// this worker the first time its user asks, so the trainer's worker never loads the ONNX writer.
//
//   {id, type: 'onnx', json}                          → {id, bytes: Uint8Array}
//   {id, type: 'predict-csv', json, name, bytes, preview} → {id, table: {columns, n, labels,
//                                                           numbers, preview, csv}}
//   any failure                                       → {id, error: {message, kind, field,
//                                                           detail, line, column}}
import init, { import_model, model_onnx, model_predict_csv } from './pkg-export/mlp_lab.js';

const ready = init();

const answers = {
  onnx(model) {
    const bytes = model_onnx(model);
    return [{ bytes }, [bytes.buffer]];
  },
  'predict-csv'(model, msg) {
    const table = model_predict_csv(model, msg.name, msg.bytes, msg.preview ?? 20);
    return [{ table }, [table.numbers.buffer]];
  },
};

self.onmessage = async ({ data: msg }) => {
  try {
    await ready;
    const answer = answers[msg.type];
    if (!answer) throw Object.assign(new Error(`unknown request ${msg.type}`), { kind: 'request' });
    const model = import_model(msg.json);
    try {
      const [reply, transfer] = answer(model, msg);
      self.postMessage({ id: msg.id, ...reply }, transfer);
    } finally {
      model.free();
    }
  } catch (e) {
    const { message, kind, field, detail, line, column } = e ?? {};
    self.postMessage({ id: msg.id, error: { message: String(message ?? e), kind, field, detail, line, column } });
  }
};
