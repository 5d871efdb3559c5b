// The worker's data sources: a 'load-data' source (see ./protocol.js) parsed by the engine into
// a wasm DataSet. Every format is the engine's to read; this only unpacks the message.

function u8(buf, what) {
  if (buf instanceof Uint8Array) return buf;
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw Object.assign(new Error(`${what} must be an ArrayBuffer`), { kind: 'data' });
}

const opt = (v, f) => (v === undefined || v === null ? undefined : f(v));

/** A load-data source (see ./protocol.js) as a wasm DataSet; `task` re-reads a CSV's target as it needs. */
export function loadSource(wasm, source, task) {
  if (!source || typeof source !== 'object') {
    throw Object.assign(new Error('load-data needs a source object'), { kind: 'data' });
  }
  const name = source.name ?? source.kind;
  switch (source.kind) {
    case 'toy':
      return wasm.DataSet.toy(source.name ?? 'spirals', source.n ?? 1000, source.noise ?? 0.1, source.seed ?? 42);
    case 'csv':
      return wasm.DataSet.from_csv(name, source.text, source.target ?? '', task ?? source.task ?? undefined);
    case 'idx':
      return wasm.DataSet.from_idx(name, u8(source.images, 'images'), u8(source.labels, 'labels'),
        opt(source.test_images, (b) => u8(b, 'test_images')), opt(source.test_labels, (b) => u8(b, 'test_labels')),
        source.class_names);
    case 'cifar':
      return wasm.DataSet.from_cifar(name, source.batches, source.test_batches, source.meta ?? undefined);
    case 'prepared':
      return prepared(wasm, source);
    default:
      throw Object.assign(new Error(`unknown data source kind ${JSON.stringify(source.kind)}; ` +
        'expected prepared, csv, idx, cifar or toy'), { kind: 'data' });
  }
}

/** A prepared set, or with `target` one of its feature columns regressed from the others. */
function prepared(wasm, source) {
  const file = source.file ?? source.name;
  const data = wasm.DataSet.from_prepared(file, u8(source.train, 'train'), opt(source.test, (b) => u8(b, 'test')),
    source.manifest ?? undefined);
  if (!source.target) return data;
  try {
    return data.feature_as_target(source.target, source.name);
  } finally {
    data.free();
  }
}
