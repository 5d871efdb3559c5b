// mlp-lab: train a multilayer perceptron in a Web Worker and take the model anywhere (model
// JSON, ONNX, predictions). Every method talks to the package's own worker (worker.js), which
// runs the engine (engine/, WebAssembly); the types and their documentation are in index.d.ts.

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** An engine error as an `Error` with its `kind`, `field`, `detail`, `line` and `column`. */
export class MlpLabError extends Error {
  constructor(info) {
    super(info.message);
    this.name = 'MlpLabError';
    for (const key of ['kind', 'field', 'detail', 'line', 'column']) {
      if (info[key] !== undefined) this[key] = info[key];
    }
  }
}

class Channel {
  constructor(url) {
    this.worker = new Worker(url, { type: 'module' });
    this.pending = new Map();
    this.next = 0;
    this.worker.onmessage = ({ data }) => {
      const waiting = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (data.error) waiting?.reject(new MlpLabError(data.error));
      else waiting?.resolve(data);
    };
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.fail(`the mlp-lab worker failed: ${event.message || 'it could not load (is worker.js served?)'}`);
    };
  }

  ask(type, message = {}, transfer = []) {
    if (!this.worker) return Promise.reject(new MlpLabError({ kind: 'request', message: 'this trainer was closed' }));
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...message }, transfer);
    });
  }

  fail(message) {
    for (const waiting of this.pending.values()) waiting.reject(new MlpLabError({ kind: 'worker', message }));
    this.pending.clear();
    this.close();
  }

  close() {
    this.worker?.terminate();
    this.worker = null;
  }
}

/** The data as the worker takes it: CSV text/bytes, or features flattened to a Float32Array. */
function dataMessage(data) {
  if (!data || typeof data !== 'object') throw new MlpLabError({ kind: 'request', message: 'data must be {features, targets} or {csv}' });
  const name = data.name ?? 'data';
  if (data.csv !== undefined) return [{ name, csv: data.csv, target: data.target ?? '' }, []];
  const { features, targets } = data;
  if (!features || !targets) throw new MlpLabError({ kind: 'request', message: 'data must have features and targets (or csv)' });
  const [flat, d] = flatten(features, data.d, 'features');
  const flatTargets = Array.isArray(targets[0]) || ArrayBuffer.isView(targets[0])
    ? Array.from(flatten(targets, undefined, 'targets')[0]) : Array.from(targets);
  return [{ name, features: flat, d, targets: flatTargets }, [flat.buffer]];
}

/** Rows (arrays of numbers) or a flat typed array with `d` per row → a new Float32Array and d. */
function flatten(rows, d, what) {
  if (ArrayBuffer.isView(rows)) {
    if (!(d > 0)) throw new MlpLabError({ kind: 'request', message: `${what}: a flat array needs d (the features per row)` });
    return [Float32Array.from(rows), d];
  }
  if (!Array.isArray(rows) || rows.length === 0) throw new MlpLabError({ kind: 'request', message: `${what} must be a non-empty array of rows` });
  const width = rows[0].length;
  const flat = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (!row || row.length !== width) {
      throw new MlpLabError({ kind: 'request', field: `${what}[${i}]`, message: `${what}[${i}] has ${row?.length ?? 0} values but row 0 has ${width}` });
    }
    flat.set(row, i * width);
  });
  return [flat, width];
}

/** A training run in its own worker (see index.d.ts). */
export class Trainer {
  constructor(channel, sizes) {
    this.channel = channel;
    this.sizes = sizes;
  }

  async *epochs() {
    for (;;) {
      const { record, done } = await this.channel.ask('epoch');
      if (record) yield record;
      if (done || !record) return;
    }
  }

  async evaluate(split = 'train') {
    return (await this.channel.ask('evaluate', { split })).metrics;
  }

  async predict(rows, d) {
    const [features] = flatten(rows, d, 'rows');
    const { table } = await this.channel.ask('predict', { features }, [features.buffer]);
    const width = table.n ? table.numbers.length / table.n : 0;
    const values = Array.from({ length: table.n }, (_, r) => Array.from(table.numbers.subarray(r * width, (r + 1) * width)));
    return { columns: table.columns, labels: table.labels ?? null, values };
  }

  async toJSON() {
    return (await this.channel.ask('json')).json;
  }

  async toONNX() {
    return (await this.channel.ask('onnx')).bytes;
  }

  close() {
    this.channel.close();
  }
}

/** Validates the config, loads the data in a new worker and builds the network. */
export async function createTrainer(config, data, { workerUrl = WORKER_URL } = {}) {
  const [message, transfer] = dataMessage(data);
  const channel = new Channel(workerUrl);
  try {
    const { sizes } = await channel.ask('create', { config, data: message }, transfer);
    return new Trainer(channel, sizes);
  } catch (e) {
    channel.close();
    throw e;
  }
}

/** The engine's schema (every config field, its type, range and default), as a parsed object. */
export async function schema({ workerUrl = WORKER_URL } = {}) {
  const channel = new Channel(workerUrl);
  try {
    return JSON.parse((await channel.ask('schema')).schema);
  } finally {
    channel.close();
  }
}
