// The package's worker: one training run of the engine (./engine/, the wasm build with ONNX
// export), off the page's thread. index.js speaks to it; every request is {id, type, ...} and
// every answer {id, ...reply} or {id, error: {message, kind, field, detail, line, column}}.
import init, {
  Trainer, config_task, array_data_set, csv_data_set, model_onnx, model_predictions, schema,
} from './engine/mlp_lab.js';

const ready = init();
let trainer = null;

function dataSet(data, config) {
  if (data.csv !== undefined) return csv_data_set(data.name, data.csv, data.target ?? '', config_task(config) ?? undefined);
  const task = config_task(config) ?? (typeof data.targets[0] === 'string' ? 'multiclass' : 'regression');
  return array_data_set(data.name, data.features, data.d, data.targets, task);
}

function run() {
  if (!trainer) throw Object.assign(new Error('this trainer was closed'), { kind: 'request' });
  return trainer;
}

const requests = {
  schema: () => ({ schema: schema() }),
  create({ config, data }) {
    const set = dataSet(data, config);
    try {
      trainer?.free();
      trainer = new Trainer(config, set);
    } finally {
      set.free();
    }
    return { sizes: trainer.sizes() };
  },
  // Trains the rest of the current epoch: its record, or none when the run has ended.
  epoch() {
    const t = run();
    if (t.done) return { record: null, done: true };
    // From an epoch's start, one epoch's batches end exactly at the next (as the engine's run does).
    const progress = t.step(t.sizes().batches_per_epoch);
    const record = progress.finished.at(-1) ?? null;
    // The histograms stay in the worker: the package's records are the epoch's scalars.
    if (record) {
      delete record.weight_histograms;
      delete record.grad_histograms;
    }
    return { record, done: progress.done };
  },
  evaluate: ({ split }) => ({ metrics: run().evaluate(split) }),
  predict({ features }) {
    const model = run().model();
    try {
      return { table: model_predictions(model, features) };
    } finally {
      model.free();
    }
  },
  json: () => ({ json: run().export_model() }),
  onnx() {
    const model = run().model();
    try {
      return { bytes: model_onnx(model) };
    } finally {
      model.free();
    }
  },
};

self.onmessage = async ({ data: msg }) => {
  try {
    await ready;
    const handle = requests[msg.type];
    if (!handle) throw Object.assign(new Error(`unknown request ${msg.type}`), { kind: 'request' });
    self.postMessage({ id: msg.id, ...handle(msg) });
  } catch (e) {
    const { message, kind, field, detail, line, column } = e ?? {};
    self.postMessage({ id: msg.id, error: { message: String(message ?? e), kind, field, detail, line, column } });
  }
};
