// Trial workers: each is the page's own training worker (../worker.js, protocol in
// ../protocol.js) on the sweep build of the engine (?engine=sweep: www/pkg-sweep/, the build
// with TrialRun, which the main thread's coordinator has loaded already), with the sweep's data
// loaded once, running one trial at a time as the engine's TrialRun (the CLI's metric, failure
// messages, stop rule and record). Every epoch with a metric
// goes to the coordinator and its decision back to the worker (ASHA may stop the trial); what
// comes back is the engine's trial record plus the slim per-epoch history and, for
// classification, the confusion matrix.

import { WorkerClient } from '../worker-client.js';

/** A training worker posts progress every ~150 ms; this long without a word means it is gone. */
const SILENT_MS = 60_000;
const WATCH_MS = 5_000;

const HISTORY_KEYS = ['epoch', 'train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'val_mse', 'val_mae', 'val_r2', 'lr', 'seconds'];

export function slimEpoch(record) {
  const out = {};
  for (const k of HISTORY_KEYS) if (record[k] !== undefined && record[k] !== null) out[k] = record[k];
  return out;
}

/** A split's metrics without the per-class detail (the store keeps one matrix, separately). */
function headline(m) {
  if (!m) return null;
  const out = {};
  for (const k of ['loss', 'accuracy', 'mse', 'mae', 'r2']) if (typeof m[k] === 'number') out[k] = m[k];
  return out;
}

export class TrialWorker {
  /** makeSource() gives {source, transfer} for load-data (a fresh copy per worker). */
  constructor(index, makeSource) {
    this.index = index;
    this.makeSource = makeSource;
    this.job = null;
    this.client = new WorkerClient({ prefix: 'w' });
    this.broken = null;
    this.spawn();
    // A worker can die without an 'error' event (the browser ends it under memory pressure):
    // a trial that hears nothing for SILENT_MS is ended as a crash and run again on a new worker.
    this.watch = setInterval(() => {
      if (this.job && !this.paused && performance.now() - this.lastHeard > SILENT_MS) {
        this.onCrash(`trial worker ${this.index + 1} stopped answering for ${SILENT_MS / 1000} s`);
      }
    }, WATCH_MS);
  }

  /** A fresh worker with the data loaded (again, after a crash). */
  spawn() {
    this.broken = null;
    this.lastHeard = performance.now();
    this.worker = this.client.attach(new Worker(new URL('../worker.js?engine=sweep', import.meta.url), { type: 'module' }), (m) => this.onMessage(m));
    this.worker.addEventListener('error', (e) => this.onCrash(`worker ${this.index + 1} failed: ${e.message || 'worker.js did not load'}`));
    this.loaded = this.load();
    this.loaded.catch(() => {}); // awaited (and reported) by the next run
  }

  async load() {
    await this.request({ type: 'init' }, 'ready');
    const { source, transfer } = this.makeSource();
    const reply = await this.request({ type: 'load-data', source }, 'data-loaded', transfer);
    this.summary = reply.summary;
    return reply.summary;
  }

  request(message, replyType, transfer = []) {
    return this.client.request(message, replyType, transfer);
  }

  onCrash(message) {
    this.broken = message;
    this.client.rejectAll(new Error(message));
    if (this.job) this.end({ failure: message }, true);
  }

  onMessage(m) {
    this.lastHeard = performance.now();
    if (this.client.settle(m)) return;
    const job = this.job;
    if (m.type === 'error' && m.where === 'worker') {
      this.onCrash(m.message);
      return;
    }
    if (!job) return;
    switch (m.type) {
      case 'started':
        job.started = true;
        break;
      case 'progress':
        job.onProgress?.(m);
        break;
      case 'epoch':
        this.onEpoch(job, m);
        break;
      case 'done':
        this.end({ record: m.trial, done: m });
        break;
      case 'stopped':
        this.end({ failure: 'the trial was stopped' });
        break;
      case 'error':
        // Before 'started' the trial could not begin. After it, a divergence error is followed
        // by 'done', which ends the trial; any other failure around a slice is not, so a ping
        // (answered after anything already posted) ends the trial if 'done' did not come first.
        if (!job.started) this.end({ failure: m.message });
        else {
          job.error = job.error ?? m.message;
          this.request({ type: 'ping' }, 'pong').then(() => {
            if (this.job === job) this.end({ failure: job.error });
          }, () => {});
        }
        break;
      default:
        break;
    }
  }

  /** An epoch of the trial: kept in its history and, with a metric, judged by the coordinator. */
  onEpoch(job, { record, value }) {
    job.history.push(slimEpoch(record));
    if (value === null || job.stopped) return; // after a stop the later epochs are not the trial's
    job.onEpoch?.(record, value);
    const decision = job.decide(record.epoch, value);
    if (decision === 'stop') job.stopped = true;
    this.worker.postMessage({ type: 'trial-decision', epoch: record.epoch, decision });
  }

  /**
   * Trains plan.config as trial plan.id; ctx = {metric, decide(epoch, value) → 'continue'|'stop',
   * failed(message) → a failed trial record, onEpoch?, onProgress?}.
   * Resolves with {record, history, valMetrics, testMetrics, confusion}; never rejects.
   */
  async run(plan, ctx) {
    if (plan.error) return { record: ctx.failed(plan.error), history: [] };
    let outcome;
    // A worker that crashes or goes silent is replaced and the trial run once more from the
    // start; a second crash fails the trial with the reason.
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (this.broken && !this.closed) {
        this.worker.terminate();
        this.spawn();
      }
      try {
        await this.loaded;
      } catch (e) {
        return { record: ctx.failed(`data: ${e.message}`), history: [] };
      }
      outcome = await new Promise((resolve) => {
        this.job = { ...ctx, plan, history: [], started: false, stopped: false, resolve };
        this.lastHeard = performance.now();
        const trial = { id: plan.id, params: plan.params, metric: ctx.metric };
        this.worker.postMessage({ type: 'start', config: plan.config, trial });
        // Paused while this trial waited for its data: it starts paused too.
        if (this.paused) this.worker.postMessage({ type: 'pause' });
      });
      if (!outcome.crashed || this.closed) break;
      console.warn(`sweep trial ${plan.id}: ${outcome.failure}; ${attempt === 1 ? 'running it again on a new worker' : 'giving up'}`);
    }
    return this.result(outcome, ctx);
  }

  /** The trial's outcome as the runner stores it. */
  result({ job, record, done, failure }, ctx) {
    if (!record) return { record: ctx.failed(failure), history: job.history };
    // The confusion matrix comes with the split's metrics (test when the set has one).
    const failed = record.status === 'failed';
    const source = failed ? null : (done?.test_metrics?.confusion_matrix ? ['test', done.test_metrics] : done?.val_metrics?.confusion_matrix ? ['val', done.val_metrics] : null);
    const confusion = source ? { split: source[0], matrix: source[1].confusion_matrix, class_names: this.summary?.class_names ?? [] } : null;
    return {
      record,
      history: job.history.slice(0, record.epochs),
      valMetrics: headline(done?.val_metrics),
      testMetrics: headline(done?.test_metrics),
      confusion,
    };
  }

  /** Ends the current trial: with the engine's record (and 'done'), or a failure the worker gave no record for. */
  end(outcome, crashed = false) {
    const job = this.job;
    if (!job) return;
    this.job = null;
    job.resolve({ job, crashed, ...outcome });
  }

  pause() {
    this.paused = true;
    if (this.job) this.worker.postMessage({ type: 'pause' });
  }

  resume() {
    this.paused = false;
    if (this.job) this.worker.postMessage({ type: 'resume' });
  }

  terminate() {
    this.closed = true;
    clearInterval(this.watch);
    this.worker.terminate();
    this.onCrash('the sweep was closed');
  }
}
