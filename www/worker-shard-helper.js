// A helper worker of a run shared among page workers (./worker-shards.js spawns it): holds a
// replica of the run, made from the same data, config and checkpoint, and per batch computes its
// shards, hands them over, takes the others' and applies the batch as the run's worker does, so
// the replicas stay byte-identical.
//
// Messages from the run's worker:
//   {type: 'setup', pkgUrl, source, task, config, model?, history?, optimizer?, index, count,
//    shared?: {control, grads, results, error} (SharedArrayBuffers)}   answered by 'ready' or
//    'error'. With `shared` the helper then waits on its control words (./shard-replica.js) and
//    answers no more messages; without it:
//   {type: 'batch'}                 begin the next batch, compute this helper's shards and answer
//                                   {type: 'shards', shards: [{s, grads: Float32Array, result}]}
//   {type: 'others', shards}        the batch's other shards: apply the batch
// Any failure is answered by {type: 'error', message} (and, with shared memory, recorded there).

import { loadSource } from './worker-data.js';
import {
  computeRun, packShards, readShared, reportShared, sharedArea, shardsOf, unpackShards, views, waitFor, writeShared,
} from './shard-replica.js';

const me = { trainer: null, memory: null, index: 0, count: 1, area: null, k: 0 };

async function setup(msg) {
  const wasm = await import(msg.pkgUrl);
  const exports = await wasm.default();
  me.memory = exports.memory;
  const data = loadSource(wasm, msg.source, msg.task);
  try {
    me.trainer = new wasm.Trainer(msg.config, data, msg.model ?? undefined);
  } finally {
    data.free(); // the trainer holds its own copy
  }
  if (msg.history) me.trainer.resume(msg.history, msg.optimizer ?? undefined);
  me.index = msg.index;
  me.count = msg.count;
  if (msg.shared) me.area = sharedArea(msg.count - 1, me.trainer.batch_shards(), me.trainer.param_count(), msg.shared);
}

/** Applies the batch; a divergence is the run's worker's to report (it diverges alike). */
function apply(k) {
  try {
    me.trainer.apply_batch(k);
  } catch (e) {
    if (e?.kind !== 'train') throw e;
  }
}

/** With shared memory: every batch the run's worker announces, until it says -1. */
function sharedLoop() {
  const a = me.area;
  const h = me.index - 1;
  for (let g = 1; ; g++) {
    if (waitFor(a, a.SEQ, g, Infinity) < 0) return;
    const k = me.trainer.next_batch();
    const mine = shardsOf(me.index, me.count, k);
    computeRun(me.trainer, mine);
    const v = views(me.trainer, me.memory, k);
    writeShared(a, v, mine);
    Atomics.store(a.control, a.WROTE + h, g);
    Atomics.notify(a.control, a.WROTE + h);
    if (waitFor(a, a.ALL, g, Infinity) < 0) return;
    readShared(a, v, k, mine);
    apply(k);
    Atomics.store(a.control, a.DONE + h, g);
    Atomics.notify(a.control, a.DONE + h);
  }
}

const handlers = {
  async setup(msg) {
    await setup(msg);
    self.postMessage({ type: 'ready' });
    if (me.area) sharedLoop();
  },
  batch() {
    me.k = me.trainer.next_batch();
    const mine = shardsOf(me.index, me.count, me.k);
    computeRun(me.trainer, mine);
    const shards = packShards(views(me.trainer, me.memory, me.k), mine);
    self.postMessage({ type: 'shards', shards }, shards.map((x) => x.grads.buffer));
  },
  others(msg) {
    unpackShards(views(me.trainer, me.memory, me.k), msg.shards);
    apply(me.k);
  },
};

self.onmessage = async (e) => {
  const msg = e.data ?? {};
  try {
    if (!Object.hasOwn(handlers, msg.type)) throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
    await handlers[msg.type](msg);
  } catch (err) {
    const message = `helper worker ${me.index}: ${err?.message ?? err}`;
    if (me.area) reportShared(me.area, message);
    self.postMessage({ type: 'error', message });
  }
};
