// One sweep in the page: the Rust coordinator (SweepCoordinator, the CLI's sampler and ASHA)
// on the main thread, N trial workers (each trial the engine's TrialRun), and the IndexedDB
// store. Every finished trial is written to the store before the coordinator records it; a
// sweep rebuilt from the store (a reload) hands out exactly the trials that were not finished.
// The coordinator is in its own build (www/pkg-sweep/), as is TrialRun: the trial workers load
// it too (worker.js?engine=sweep), so the page's trainer (www/pkg/) carries neither.
import init, { SweepCoordinator, failed_trial as failedTrial } from '../pkg-sweep/mlp_lab.js';
import { TrialWorker } from './pool.js';
import { sourceFor } from './data-source.js';
import * as store from './store.js';

export const MAX_DEFAULT_WORKERS = 4;

let wasmReady = null;
function ensureWasm() {
  if (!wasmReady) wasmReady = init().catch((e) => {
    wasmReady = null;
    throw new Error(`cannot load the engine for the sweep coordinator (build it with make wasm): ${e.message}`);
  });
  return wasmReady;
}

export function defaultWorkers() {
  return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, navigator.hardwareConcurrency || 1));
}

/** Parses and validates a spec with the engine; throws the engine's message (field first). */
export async function checkSpec(specText) {
  await ensureWasm();
  const c = makeCoordinator(specText, []);
  const info = c.spec();
  c.free();
  return info;
}

/**
 * What the engine finds wrong with a spec, as {kind, field, detail, message} (field: its JSON
 * path, absent when the text is not JSON), or null when the spec is valid.
 */
export async function specProblem(specText) {
  await ensureWasm();
  try {
    new SweepCoordinator(specText, []).free();
    return null;
  } catch (e) {
    return { kind: e?.kind, field: e?.field, detail: e?.detail, message: e?.message ?? String(e) };
  }
}

function makeCoordinator(specText, records) {
  try {
    return new SweepCoordinator(specText, records);
  } catch (e) {
    throw new Error(e?.kind === 'spec' ? `spec: ${e.message}` : e.message);
  }
}

export class SweepRunner {
  /** row: the store's sweep row; trials: its finished trials from the store. */
  constructor(row, trials) {
    this.row = row;
    this.trials = new Map(trials.map((t) => [t.id, t]));
    this.listeners = new Set();
    this.running = new Map(); // trial id → {params, worker, epoch, epochs, value}
    this.paused = row.status === 'paused';
    this.closed = false;
    this.activeMs = 0;
    this.resumedAt = null;
    this.ranHere = 0;
    this.waiters = [];
  }

  static async open(row) {
    await ensureWasm();
    const trials = await store.trialsOf(row.id);
    const runner = new SweepRunner(row, trials);
    runner.coordinator = makeCoordinator(row.spec, trials.map((t) => t.record));
    runner.info = runner.coordinator.spec();
    return runner;
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(type, payload = {}) {
    for (const fn of this.listeners) {
      try {
        fn(type, payload, this);
      } catch (e) {
        console.error(`sweep listener (${type}):`, e);
      }
    }
  }

  get total() { return this.coordinator.total; }
  get finishedCount() { return this.trials.size; }
  best() { return this.coordinator.best(); }

  /** Trials per minute of this page's running time, and the estimated seconds left. */
  pace() {
    const ms = this.activeMs + (this.resumedAt !== null ? performance.now() - this.resumedAt : 0);
    const perMinute = ms > 0 && this.ranHere > 0 ? this.ranHere / (ms / 60000) : null;
    const left = this.total - this.finishedCount;
    return { perMinute, etaSeconds: perMinute ? (left / perMinute) * 60 : null, activeSeconds: ms / 1000 };
  }

  /** Runs the remaining trials; resolves when the sweep is done (or closed). */
  async run() {
    if (this.coordinator.remaining === 0) return this.complete();
    const n = Math.max(1, Math.min(this.row.workers || 1, this.coordinator.remaining));
    let makeSource;
    try {
      makeSource = await sourceFor(this.row.dataRef);
    } catch (e) {
      await this.setStatus('failed', e.message);
      this.emit('failed', { message: e.message });
      return;
    }
    this.workers = Array.from({ length: n }, (_, i) => new TrialWorker(i, makeSource));
    if (!this.paused) this.resumedAt = performance.now();
    await this.setStatus(this.paused ? 'paused' : 'running');
    await Promise.all(this.workers.map((w) => this.loop(w)));
    if (!this.closed) await this.complete();
  }

  async loop(worker) {
    for (;;) {
      while (this.paused && !this.closed) await new Promise((r) => this.waiters.push(r));
      if (this.closed) return;
      const plan = this.coordinator.next_trial();
      if (!plan) return;
      const started = Date.now();
      const live = { params: plan.params, worker: worker.index, epoch: 0, epochs: plan.config?.epochs ?? 0, value: null };
      this.running.set(plan.id, live);
      this.emit('trial-started', { id: plan.id, ...live });
      const result = await worker.run(plan, {
        metric: this.info.metric,
        decide: (epoch, value) => this.coordinator.report(plan.id, epoch, value),
        failed: (message) => failedTrial(plan.id, plan.params, message),
        onEpoch: (record, value) => {
          live.epoch = record.epoch;
          live.value = value;
          this.emit('trial-epoch', { id: plan.id, ...live });
        },
      });
      this.running.delete(plan.id);
      if (this.closed) return; // closing the page's sweep is not the trial failing
      const trial = { sweep: this.row.id, id: plan.id, started, ...result };
      try {
        await store.putTrial(trial);
      } catch (e) {
        // Without the store a reload would lose it: say so, and keep the sweep going in memory.
        this.emit('warning', { message: `trial ${plan.id} could not be saved: ${e.message}` });
      }
      this.coordinator.finish(result.record);
      this.trials.set(plan.id, trial);
      this.ranHere += 1;
      this.emit('trial-finished', { trial });
    }
  }

  async complete() {
    if (this.resumedAt !== null) {
      this.activeMs += performance.now() - this.resumedAt;
      this.resumedAt = null;
    }
    for (const w of this.workers || []) w.terminate();
    this.workers = [];
    await this.setStatus('done');
    this.emit('done', { summary: this.coordinator.summary() });
  }

  async setStatus(status, message) {
    this.row = { ...this.row, status, message: message ?? undefined };
    try {
      await store.putSweep(this.row);
    } catch (e) {
      this.emit('warning', { message: e.message });
    }
    this.emit('status', { status, message });
  }

  async pause() {
    if (this.paused || this.row.status === 'done') return;
    this.paused = true;
    if (this.resumedAt !== null) {
      this.activeMs += performance.now() - this.resumedAt;
      this.resumedAt = null;
    }
    for (const w of this.workers || []) w.pause();
    await this.setStatus('paused');
  }

  async resume() {
    if (!this.paused) return;
    this.paused = false;
    this.resumedAt = performance.now();
    for (const w of this.workers || []) w.resume();
    const waiting = this.waiters.splice(0);
    for (const r of waiting) r();
    await this.setStatus('running');
  }

  /** Stops everything without touching the store (the sweep stays resumable). */
  close() {
    this.closed = true;
    for (const r of this.waiters.splice(0)) r();
    for (const w of this.workers || []) w.terminate();
    this.workers = [];
  }
}

/** Validates the spec and stores a new sweep; returns its row. */
export async function createSweep({ spec, dataRef, workers, kind = 'sweep', report, title }) {
  const info = await checkSpec(spec);
  const row = {
    id: store.newSweepId(), kind, report, title: title || `${info.method} sweep of ${info.total} trials`,
    spec, dataRef, workers, status: 'running', created: Date.now(),
  };
  await store.putSweep(row);
  return row;
}
