// A helper worker of a run shared among page workers (./worker-shards.js spawns it): holds a
// replica of the run, made from the same data, config and checkpoint, and per batch computes its
// shards, hands them over, takes the others' and applies the batch as the run's worker does, so
// the replicas stay byte-identical.
//
// Messages from the run's worker:
//   {type: 'setup', pkgUrl, source, task, config, model?, history?, optimizer?, index, count,
//    shared?: the SharedArrayBuffers of ./shard-parts.js partsArea}   answered by 'ready' or
//    'error'. With `shared` the helper steps its part of the parameters (./shard-parts.js),
//    waits on the control words and answers no more messages; without it:
//   {type: 'batch'}                 begin the next batch, compute this helper's shards and answer
//                                   {type: 'shards', shards: [{s, grads: Float32Array, result}]}
//   {type: 'others', shards}        the batch's other shards: apply the batch
// Any failure is answered by {type: 'error', message} (and, with shared memory, recorded there).

import { loadSource } from './worker-data.js';
import { computeRun, packShards, reportShared, shardsOf, unpackShards, views, waitFor } from './shard-replica.js';
import { PartWorker, areaSizes, partsArea } from './shard-parts.js';

const me = { trainer: null, memory: null, index: 0, count: 1, area: null, part: null, k: 0 };

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
  if (msg.shared) {
    me.trainer.split_parts(msg.count, msg.index);
    me.area = partsArea(areaSizes(me.trainer, msg.count), msg.shared);
    me.part = new PartWorker({ trainer: me.trainer, memory: me.memory, index: msg.index, area: me.area });
  }
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
  for (let g = 1; ; g++) {
    if (waitFor(a, a.SEQ, g, Infinity) < 0) return;
    const k = me.trainer.next_batch();
    try {
      me.part.batch(k, g);
    } catch (e) {
      if (e?.kind !== 'train') throw e; // a divergence is the run's worker's to report (it diverges alike)
    }
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
