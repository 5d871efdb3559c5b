// A batch on page workers sharing memory, each owning a part of the parameters (the trainer's
// `split_parts`, src/train/trainer/parts.rs): every worker computes its run of the batch's
// shards and copies them to the shared area; after a barrier it folds all shards over its part
// only and steps the optimiser on its part only; it writes its part's new weights and norm-block
// sums; after a second barrier it copies the other parts' weights in and finishes the batch. So
// the optimiser's step and the fold are shared out too, and the only per-batch copies are the
// shards out, the other shards' values over one's part in, and the weights. At an epoch's last
// batch the helpers also hand their part's final gradient and optimiser state to the run's
// worker, which records the epoch and takes checkpoints. Used by ./worker-shards.js (the run's
// worker, index 0) and ./worker-shard-helper.js (helpers 1 … N−1).

import { RESULT_LEN, computeRun, shardsOf, views, waitFor } from './shard-replica.js';

/** Numbers per worker in the timing area (milliseconds per phase, and batches). */
const PHASES = ['compute', 'copyOut', 'wait', 'copyIn', 'apply', 'swap', 'finish'];
export const STAT_LEN = PHASES.length + 1;

/** The most optimiser state buffers per parameter (Adam's two moments, RMSprop's two). */
const STATE_BUFFERS = 2;

/**
 * The shared area of a run on `count` workers: control words (SEQ: the batch being trained,
 * -1 to end; ERROR; then each worker's phase, the last barrier it reached), one gradient slot
 * per shard and their results, the new weights, the norm blocks' sums, the epoch area (per part:
 * its final gradient, then its optimiser state, up to STATE_BUFFERS numbers a parameter, whose
 * length goes to `stateLens`) and each worker's timings.
 */
export function partsArea({ count, shards, params, blocks }, buffers) {
  const b = buffers ?? {
    control: new SharedArrayBuffer(4 * (2 + count)),
    grads: new SharedArrayBuffer(4 * shards * params),
    results: new SharedArrayBuffer(8 * shards * RESULT_LEN),
    weights: new SharedArrayBuffer(4 * params),
    blocks: new SharedArrayBuffer(8 * blocks),
    epoch: new SharedArrayBuffer(4 * (1 + STATE_BUFFERS) * params),
    stateLens: new SharedArrayBuffer(4 * count),
    stats: new SharedArrayBuffer(8 * STAT_LEN * count),
    error: new SharedArrayBuffer(2048),
  };
  return {
    buffers: b,
    control: new Int32Array(b.control),
    grads: new Float32Array(b.grads),
    results: new Float64Array(b.results),
    weights: new Float32Array(b.weights),
    blocks: new Float64Array(b.blocks),
    epoch: new Float32Array(b.epoch),
    stateLens: new Int32Array(b.stateLens),
    stats: new Float64Array(b.stats),
    error: new Uint8Array(b.error),
    params,
    count,
    SEQ: 0,
    ERROR: 1,
    PHASE: 2,
  };
}

/** The sizes partsArea needs for `trainer` (split already) on `count` workers. */
export function areaSizes(trainer, count) {
  const blocks = trainer.part_blocks();
  return { count, shards: trainer.batch_shards(), params: trainer.param_count(), blocks: blocks[blocks.length - 1] };
}

/** A worker's side of a run in parts: its trainer (split), wasm memory, index and the area. */
export class PartWorker {
  constructor({ trainer, memory, index, area }) {
    this.trainer = trainer;
    this.memory = memory;
    this.me = index;
    this.area = area;
    this.bounds = Array.from(trainer.part_bounds());
    this.blockBounds = Array.from(trainer.part_blocks());
    this.lens = Array.from(trainer.param_lens());
    this.normFirst = trainer.needs_norm_first();
    this.ms = new Float64Array(area.buffers.stats, 8 * STAT_LEN * index, STAT_LEN);
  }

  /** Trains batch `g` (its `k` shards begun by next_batch); true when it ended an epoch. */
  batch(k, g) {
    const { trainer: t, area: a, me, ms } = this;
    const [lo, hi] = [this.bounds[me], this.bounds[me + 1]];
    const mine = shardsOf(me, a.count, k);
    // The run's worker adds its shards up as it goes (the fold's prefix) and hands over one
    // buffer, `first`; the others hand over each of theirs.
    const first = Math.max(0, shardsOf(0, a.count, k)[1] - 1);
    let t0 = performance.now();
    computeRun(t, mine);
    if (me === 0 && first > 0) t.fold_prefix(0, first + 1);
    const v = views(t, this.memory, k);
    t0 = this.lap(0, t0);
    writeShards(a, v, me === 0 ? [0, first + 1] : mine, first, lo, hi);
    t0 = this.lap(1, t0);
    this.barrier(3 * g - 2);
    t0 = this.lap(2, t0);
    readShards(a, v, k, mine, first, lo, hi);
    t0 = this.lap(3, t0);
    t.fold_part(k, first);
    const blocks = () => new Float64Array(this.memory.buffer, t.norm_blocks_ptr(), this.blockBounds.at(-1));
    if (this.normFirst) {
      t0 = this.lap(4, t0);
      this.swapBlocks(blocks(), 3 * g - 1);
      t0 = this.lap(2, t0);
    }
    t.step_part();
    const ends = t.batch_ends_epoch();
    t0 = this.lap(4, t0);
    copyFlat(this.tensors(), a.weights, lo, hi, true);
    if (!this.normFirst) this.publishBlocks(blocks());
    if (ends && me > 0) this.handOver(lo, hi);
    t0 = this.lap(5, t0);
    this.barrier(3 * g);
    t0 = this.lap(2, t0);
    // views made again: handOver's and takeOver's calls may grow wasm memory, which empties
    // older views (silently: they read and take nothing)
    const tensors = this.tensors();
    for (let p = 0; p < a.count; p++) if (p !== me) copyFlat(tensors, a.weights, this.bounds[p], this.bounds[p + 1], false);
    if (!this.normFirst) this.readBlocks(blocks());
    if (ends && me === 0) this.takeOver();
    t0 = this.lap(5, t0);
    const ended = t.finish_part();
    this.lap(6, t0);
    ms[STAT_LEN - 1]++;
    return ended;
  }

  lap(phase, t0) {
    const now = performance.now();
    this.ms[phase] += now - t0;
    return now;
  }

  /** This worker's blocks: [first, end). */
  myBlocks() {
    return [this.blockBounds[this.me], this.blockBounds[this.me + 1]];
  }

  /** Views of the trainer's weight tensors (made again each batch: memory may have grown). */
  tensors() {
    const ptrs = this.trainer.param_ptrs();
    return this.lens.map((n, i) => new Float32Array(this.memory.buffer, ptrs[i], n));
  }

  /** Publishes this part's block sums, waits for everyone's (barrier `phase`), reads them. */
  swapBlocks(local, phase) {
    this.publishBlocks(local);
    this.barrier(phase);
    this.readBlocks(local);
  }

  publishBlocks(local) {
    const [b0, b1] = this.myBlocks();
    this.area.blocks.set(local.subarray(b0, b1), b0);
  }

  /** Copies the other parts' block sums in. */
  readBlocks(local) {
    const [b0, b1] = this.myBlocks();
    const shared = this.area.blocks;
    local.set(shared.subarray(0, b0), 0);
    local.set(shared.subarray(b1), b1);
  }

  /** A helper at an epoch's end: its part's final gradient and optimiser state. */
  handOver(lo, hi) {
    const t = this.trainer;
    const grads = new Float32Array(this.memory.buffer, t.batch_grads_ptr(), t.param_count());
    const at = (1 + STATE_BUFFERS) * lo;
    this.area.epoch.set(grads.subarray(lo, hi), at);
    const state = t.part_state(this.me);
    this.area.epoch.set(state, at + (hi - lo));
    this.area.stateLens[this.me] = state.length;
  }

  /** The run's worker at an epoch's end: every helper's part of the gradient and state. */
  takeOver() {
    const t = this.trainer;
    for (let p = 1; p < this.area.count; p++) {
      const [lo, hi] = [this.bounds[p], this.bounds[p + 1]];
      if (hi === lo) continue;
      const at = (1 + STATE_BUFFERS) * lo;
      const grads = new Float32Array(this.memory.buffer, t.batch_grads_ptr(), t.param_count());
      grads.set(this.area.epoch.subarray(at, at + (hi - lo)), lo);
      const n = this.area.stateLens[p];
      t.set_part_state(p, this.area.epoch.subarray(at + (hi - lo), at + (hi - lo) + n));
    }
  }

  /** Reaches barrier `phase` and waits until every other worker has. */
  barrier(phase) {
    const a = this.area;
    Atomics.store(a.control, a.PHASE + this.me, phase);
    Atomics.notify(a.control, a.PHASE + this.me);
    for (let p = 0; p < a.count; p++) {
      if (p !== this.me) spinThenWait(a, a.PHASE + p, phase, this.me === 0 ? undefined : Infinity);
    }
  }
}

/**
 * Milliseconds a worker spins at a barrier before it blocks: a worker about to arrive is seen at
 * once instead of after Atomics.wait's wake-up. Longer spins (2 ms) measured slower on the busy
 * 2-core box: a spinning worker holds a core the other worker needs.
 */
const SPIN_MS = 0.05;

/**
 * Waits for control word `i` to reach `want`: first a spin of up to SPIN_MS, then waitFor's
 * blocking wait.
 */
function spinThenWait(area, i, want, limitMs) {
  const end = performance.now() + SPIN_MS;
  do {
    const now = Atomics.load(area.control, i);
    if (now >= want || now < 0) return now;
  } while (performance.now() < end);
  return waitFor(area, i, want, limitMs);
}

/**
 * Copies the results of shards [from, to) into the shared slots, and the buffers from `first`
 * on outside [lo, hi) (the other workers' parts: this worker folds its own in place).
 */
function writeShards(area, v, [from, to], first, lo, hi) {
  const p = area.params;
  for (let s = Math.max(from, first); s < to; s++) {
    area.grads.set(v.grads[s].subarray(0, lo), s * p);
    area.grads.set(v.grads[s].subarray(hi), s * p + hi);
  }
  area.results.set(v.results.subarray(from * RESULT_LEN, to * RESULT_LEN), from * RESULT_LEN);
}

/**
 * Copies every other shard's result, and the other workers' buffers from `first` on over
 * [lo, hi), from the shared slots.
 */
function readShards(area, v, k, [from, to], first, lo, hi) {
  const p = area.params;
  for (let s = 0; s < k; s++) {
    if (s >= from && s < to) continue;
    v.results.set(area.results.subarray(s * RESULT_LEN, (s + 1) * RESULT_LEN), s * RESULT_LEN);
    if (s >= first) v.grads[s].set(area.grads.subarray(s * p + lo, s * p + hi), lo);
  }
}

/** Copies the flat range [lo, hi) between weight tensors (in flat order) and a flat array. */
function copyFlat(tensors, flat, lo, hi, toFlat) {
  let at = 0;
  for (const w of tensors) {
    const [a, b] = [Math.max(lo, at), Math.min(hi, at + w.length)];
    if (a < b) {
      if (toFlat) flat.set(w.subarray(a - at, b - at), a);
      else w.set(flat.subarray(a, b), a - at);
    }
    at += w.length;
    if (at >= hi) break;
  }
}

/** Each worker's milliseconds per batch in each phase (from the timing area). */
export function phaseTimes(area) {
  return Array.from({ length: area.count }, (_, w) => {
    const s = area.stats.subarray(w * STAT_LEN, (w + 1) * STAT_LEN);
    const batches = s[STAT_LEN - 1];
    return Object.fromEntries([...PHASES.map((name, i) => [name, batches ? s[i] / batches : 0]), ['batches', batches]]);
  });
}
