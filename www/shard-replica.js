// What every worker of a run shared among page workers does with its replica of the run (a
// Trainer of www/pkg-shards/, src/wasm/shards.rs): computes its run of a batch's shards into
// the trainer's gradient buffers, copies shards between those buffers and transferred
// ArrayBuffers, and waits on the control words of a shared area (./shard-parts.js). Used by
// ./worker-shards.js (the run's worker), ./worker-shard-helper.js (the helpers) and
// ./shard-parts.js.

/** Numbers per shard result: rows, summed loss, correct rows (src/wasm/shards.rs). */
export const RESULT_LEN = 3;

/**
 * The shards worker `t` of `n` computes out of `k`: a contiguous run (any split gives the same
 * numbers: the batch's gradient is always the fold of all shards in order). Workers beyond the
 * shard count get none.
 */
export function shardsOf(t, n, k) {
  const used = Math.min(n, k);
  if (t >= used) return [0, 0];
  return [Math.floor((t * k) / used), Math.floor(((t + 1) * k) / used)];
}

/** Views of a trainer's buffers in wasm memory (made again each batch: memory may have grown). */
export function views(trainer, memory, k) {
  const p = trainer.param_count();
  const grads = [];
  for (let s = 0; s < k; s++) grads.push(new Float32Array(memory.buffer, trainer.shard_grads_ptr(s), p));
  const results = new Float64Array(memory.buffer, trainer.shard_results_ptr(), k * RESULT_LEN);
  return { grads, results };
}

/** Computes shards [from, to) of the current batch (after next_batch). */
export function computeRun(trainer, [from, to]) {
  for (let s = from; s < to; s++) trainer.compute_shard(s);
}

/**
 * Blocks until control word `i` of a shared area holds `want` (or more), or a helper reports an
 * error; throws then,
 * or after `limitMs` without the word changing (a worker that stopped answering).
 */
export function waitFor(area, i, want, limitMs = 120_000) {
  const t0 = performance.now();
  for (;;) {
    const now = Atomics.load(area.control, i);
    if (now >= want || now < 0) return now;
    if (Atomics.load(area.control, area.ERROR) !== 0) throw new Error(sharedError(area));
    Atomics.wait(area.control, i, now, 250);
    if (performance.now() - t0 > limitMs) throw new Error('a helper worker of this run stopped answering');
  }
}

/** Records a helper's error for the run's worker (which may be blocked waiting). */
export function reportShared(area, message) {
  const bytes = new TextEncoder().encode(String(message).slice(0, 500));
  area.error.set(bytes.subarray(0, area.error.length - 4), 4);
  new DataView(area.buffers.error).setUint32(0, Math.min(bytes.length, area.error.length - 4));
  Atomics.store(area.control, area.ERROR, 1);
  for (let i = 0; i < area.control.length; i++) Atomics.notify(area.control, i);
}

function sharedError(area) {
  const n = new DataView(area.buffers.error).getUint32(0);
  return new TextDecoder().decode(area.error.slice(4, 4 + n)) || 'a helper worker failed';
}

/** Shards [from, to) of a trainer's buffers as fresh ArrayBuffers (to transfer) and their results. */
export function packShards(v, [from, to]) {
  const shards = [];
  for (let s = from; s < to; s++) {
    shards.push({ s, grads: v.grads[s].slice(), result: Array.from(v.results.subarray(s * RESULT_LEN, (s + 1) * RESULT_LEN)) });
  }
  return shards;
}

/** Copies packed shards into a trainer's buffers. */
export function unpackShards(v, shards) {
  for (const { s, grads, result } of shards) {
    v.grads[s].set(grads);
    v.results.set(result, s * RESULT_LEN);
  }
}
