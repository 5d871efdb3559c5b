// One run trained across N page workers (issue 14): the run's worker holds the run (a Trainer of
// www/pkg-shards/) and spawns N−1 helper workers (./worker-shard-helper.js, nested dedicated
// workers), each holding a replica made from the same data, config and checkpoint. Per batch
// every worker computes its run of the batch's fixed shards (src/train/shard.rs) and the shards'
// gradients are exchanged; the fold is always in shard order and the optimiser updates each
// parameter on its own, so the replicas stay byte-identical, and the weights are the same for any
// number of workers (the shards are set by the batch size, never by the worker count).
//
// Exchange: where the page is cross-origin isolated, SharedArrayBuffers (./shard-parts.js): the
// workers each own a part of the parameters, fold all shards over it and step the optimiser on
// it alone, and swap the new weights; barriers are control words and Atomics.wait, so a batch
// never leaves the run's worker's task. Otherwise ArrayBuffers transferred by postMessage (the
// run's worker awaits its helpers; slices then interleave with messages), and every worker
// applies the whole batch. Both train the same bytes (src/train/trainer/parts.rs).

import { computeRun, packShards, shardsOf, unpackShards, views } from './shard-replica.js';
import { PartWorker, areaSizes, partsArea, phaseTimes } from './shard-parts.js';

/** The most workers a run uses by default (a page's other work needs a core too). */
export const DEFAULT_MAX_WORKERS = 4;
/** The most workers a run may ask for. */
export const MAX_WORKERS = 8;
/**
 * Below this many floating-point operations of shard work per worker and batch (≈ 6 × rows ×
 * parameters), a batch is not worth sharing: exchanging its gradients costs more (README,
 * "Threads, shards and kernels").
 */
export const MIN_FLOPS_PER_WORKER = 16e6;

/**
 * The workers a run of `trainer` uses when `asked` for: no more than a batch has shards, and 1
 * when sharing would not help.
 */
export function workersFor(trainer, asked) {
  const n = Math.min(Math.max(1, Math.floor(asked) || 1), trainer.batch_shards(), MAX_WORKERS);
  if (n <= 1) return 1;
  const { train_n: rows, batches_per_epoch: batches } = trainer.sizes();
  const perWorker = (6 * (rows / batches) * trainer.param_count()) / n;
  return perWorker >= MIN_FLOPS_PER_WORKER ? n : 1;
}

/**
 * Whether the workers can share memory: a cross-origin isolated page in a browser that has
 * SharedArrayBuffer (WebKitGTK's MiniBrowser is isolated but has none).
 */
export function sharedMemory() {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** A helper worker and its messages in arrival order. */
class Helper {
  constructor(url) {
    this.worker = new Worker(url, { type: 'module' });
    this.queue = [];
    this.waiting = null;
    this.failure = null;
    this.worker.onmessage = (e) => this.arrive(e.data);
    this.worker.onerror = (e) => this.fail(`a helper worker failed to load: ${e.message ?? 'error'}`);
  }

  arrive(msg) {
    if (msg?.type === 'error') return this.fail(msg.message);
    if (this.waiting) {
      this.waiting.ok(msg);
      this.waiting = null;
    } else this.queue.push(msg);
  }

  fail(message) {
    this.failure ??= new Error(message);
    this.waiting?.no(this.failure);
    this.waiting = null;
  }

  /** The next message (of `type`). */
  async next(type) {
    if (this.failure) throw this.failure;
    const msg = this.queue.length > 0 ? this.queue.shift() : await new Promise((ok, no) => { this.waiting = { ok, no }; });
    if (msg.type !== type) throw new Error(`a helper worker answered ${msg.type} where ${type} was due`);
    return msg;
  }
}

export class ShardTeam {
  /**
   * Starts `count − 1` helpers for `trainer` (already built and resumed from `setup`: {source,
   * task, config, model?, history?, optimizer?}, which the helpers build their replicas from)
   * and resolves once they are ready. `memory` is the trainer's wasm memory; `pkgUrl` the
   * package the helpers load (the trainer's).
   */
  static async create({ trainer, memory, count, setup, pkgUrl, shared = sharedMemory() }) {
    const team = new ShardTeam(trainer, memory, count);
    const url = new URL('./worker-shard-helper.js', import.meta.url);
    team.helpers = Array.from({ length: count - 1 }, () => new Helper(url));
    if (shared) {
      trainer.split_parts(count, 0);
      team.area = partsArea(areaSizes(trainer, count));
      team.part = new PartWorker({ trainer, memory, index: 0, area: team.area });
    }
    try {
      team.helpers.forEach((h, i) => h.worker.postMessage({
        type: 'setup', pkgUrl: String(pkgUrl), ...setup, index: i + 1, count, shared: team.area?.buffers,
      }));
      await Promise.all(team.helpers.map((h) => h.next('ready')));
    } catch (e) {
      team.close();
      throw e;
    }
    return team;
  }

  constructor(trainer, memory, count) {
    this.trainer = trainer;
    this.memory = memory;
    this.count = count;
    this.helpers = [];
    this.area = null;
    this.part = null; // the run's worker's side of the parts protocol (shared memory)
    this.batch = 0; // batches announced to the helpers (shared memory)
    this.closed = false;
  }

  /** Each worker's milliseconds per batch in each phase (shared memory; for the bench). */
  phases() {
    return this.area ? phaseTimes(this.area) : null;
  }

  /** 'shared' or 'transfer'. */
  get exchange() {
    return this.area ? 'shared' : 'transfer';
  }

  /**
   * Trains up to `n` batches on every worker; resolves to the number of epochs they finished.
   * With shared memory the work is done before this returns (a resolved promise).
   */
  step(n) {
    return this.area ? Promise.resolve(this.stepShared(n)) : this.stepTransfer(n);
  }

  stepShared(n) {
    const a = this.area;
    let finished = 0;
    for (let b = 0; b < n; b++) {
      const k = this.trainer.next_batch();
      if (k === 0) break;
      const g = ++this.batch;
      Atomics.store(a.control, a.SEQ, g);
      Atomics.notify(a.control, a.SEQ);
      if (this.part.batch(k, g)) finished++;
    }
    return finished;
  }

  async stepTransfer(n) {
    let finished = 0;
    for (let b = 0; b < n && !this.closed; b++) {
      const k = this.trainer.next_batch();
      if (k === 0) break;
      this.helpers.forEach((h) => h.worker.postMessage({ type: 'batch' }));
      const mine = shardsOf(0, this.count, k);
      computeRun(this.trainer, mine);
      const theirs = await Promise.all(this.helpers.map((h) => h.next('shards')));
      if (this.closed) break; // the run ended meanwhile; its trainer may be gone
      const v = views(this.trainer, this.memory, k);
      theirs.forEach((m) => unpackShards(v, m.shards));
      const all = [packShards(v, mine), ...theirs.map((m) => m.shards)];
      const copy = this.helpers.length > 1;
      this.helpers.forEach((h, i) => {
        // helper i gets every run but its own; a buffer sent to several helpers is copied
        let shards = all.filter((_, j) => j !== i + 1).flat();
        if (copy) shards = shards.map((x) => ({ ...x, grads: x.grads.slice() }));
        h.worker.postMessage({ type: 'others', shards }, shards.map((x) => x.grads.buffer));
      });
      if (this.trainer.apply_batch(k)) finished++;
    }
    return finished;
  }

  /** Ends the helpers (they hold nothing the run needs). */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.area) {
      Atomics.store(this.area.control, this.area.SEQ, -1);
      Atomics.notify(this.area.control, this.area.SEQ);
    }
    this.helpers.forEach((h) => {
      h.worker.terminate();
      h.fail('the run ended'); // a slice awaiting its helpers gives up
    });
    this.helpers = [];
  }
}
