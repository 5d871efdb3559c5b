// Trial workers: each is the page's own training worker (../worker.js, protocol in
// ../protocol.js) with the sweep's data loaded once, running one trial at a time. A trial's
// epochs go to the coordinator as they finish (ASHA may stop it); what comes back is the CLI's
// trial record plus the slim per-epoch history and, for classification, the confusion matrix.

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
    this.waiters = new Map();
    this.nextId = 1;
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
    this.worker = new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (e) => this.onMessage(e.data));
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
    const id = `w${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { replyType, resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  onCrash(message) {
    this.broken = message;
    for (const w of this.waiters.values()) w.reject(new Error(message));
    this.waiters.clear();
    if (this.job) this.end('failed', message, null, true);
  }

  onMessage(m) {
    this.lastHeard = performance.now();
    if (m.id !== undefined && this.waiters.has(m.id)) {
      const w = this.waiters.get(m.id);
      this.waiters.delete(m.id);
      if (m.type === 'error') w.reject(new Error(m.message));
      else w.resolve(m);
      return;
    }
    const job = this.job;
    if (m.type === 'error' && m.where === 'worker') {
      this.onCrash(m.message);
      return;
    }
    if (!job) return;
    switch (m.type) {
      case 'started':
        job.started = true;
        job.epochsTotal = m.epochs;
        break;
      case 'progress':
        job.onProgress?.(m);
        break;
      case 'epoch':
        this.onEpoch(job, m.record);
        break;
      case 'done':
        if (job.ending) this.end(job.ending.status, job.ending.message, m);
        else if (m.error) this.end('failed', m.error, m);
        else this.end('completed', null, m);
        break;
      case 'stopped':
        if (job.ending) this.end(job.ending.status, job.ending.message);
        else this.end('failed', 'the trial was stopped');
        break;
      case 'error':
        // Before 'started' the trial could not begin. After it, a divergence error is followed
        // by 'done', which ends the trial; any other failure around a slice is not, so a ping
        // (answered after anything already posted) ends the trial if 'done' did not come first.
        if (!job.started) this.end('failed', m.message);
        else {
          job.error = job.error ?? m.message;
          this.request({ type: 'ping' }, 'pong').then(() => {
            if (this.job === job) this.end('failed', job.error);
          }, () => {});
        }
        break;
      default:
        break;
    }
  }

  onEpoch(job, record) {
    if (job.ending) return; // epochs trained after ASHA's stop are not the trial's
    job.history.push(slimEpoch(record));
    const raw = record[job.metric];
    const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    job.curve.push(value);
    if (value === null) {
      const what = raw === undefined || raw === null ? 'is not available' : `became ${raw}`;
      const hint = raw === undefined && job.metric.startsWith('val_') ? ' (the trial has no validation set)' : '';
      job.ending = { status: 'failed', message: `${job.metric} ${what} at epoch ${record.epoch}${hint}` };
      this.worker.postMessage({ type: 'stop' });
      return;
    }
    job.value = value;
    job.onEpoch?.(record, value);
    const decision = job.decide(record.epoch, value);
    if (decision === 'stop' && record.epoch < (job.epochsTotal ?? Infinity)) {
      job.ending = { status: 'stopped_early', message: null };
      this.worker.postMessage({ type: 'stop' });
    }
  }

  /**
   * Trains plan.config; ctx = {metric, decide(epoch, value) → 'continue'|'stop', onEpoch?, onProgress?}.
   * Resolves with {record, history, valMetrics, testMetrics, confusion}; never rejects.
   */
  async run(plan, ctx) {
    const started = performance.now();
    const base = { id: plan.id, params: plan.params };
    if (plan.error) {
      return { record: { ...base, metric: null, status: 'failed', epochs: 0, seconds: 0, message: plan.error, curve: [] }, history: [] };
    }
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
        return { record: { ...base, metric: null, status: 'failed', epochs: 0, seconds: 0, message: `data: ${e.message}`, curve: [] }, history: [] };
      }
      outcome = await new Promise((resolve) => {
        this.job = { ...ctx, plan, curve: [], history: [], value: null, started: false, ending: null, resolve };
        this.lastHeard = performance.now();
        this.worker.postMessage({ type: 'start', config: plan.config });
        // Paused while this trial waited for its data: it starts paused too.
        if (this.paused) this.worker.postMessage({ type: 'pause' });
      });
      if (!outcome.crashed || this.closed) break;
      console.warn(`sweep trial ${plan.id}: ${outcome.message}; ${attempt === 1 ? 'running it again on a new worker' : 'giving up'}`);
    }
    const job = outcome.job;
    const failed = outcome.status === 'failed';
    const record = {
      ...base,
      metric: failed ? null : job.value,
      status: outcome.status,
      epochs: job.curve.length,
      seconds: Math.round(performance.now() - started) / 1000,
      curve: job.curve,
    };
    if (outcome.message) record.message = outcome.message;
    // The confusion matrix comes with the split's metrics (test when the set has one).
    const done = outcome.done;
    const source = failed ? null : (done?.test_metrics?.confusion_matrix ? ['test', done.test_metrics] : done?.val_metrics?.confusion_matrix ? ['val', done.val_metrics] : null);
    const confusion = source ? { split: source[0], matrix: source[1].confusion_matrix, class_names: this.summary?.class_names ?? [] } : null;
    return {
      record,
      history: job.history,
      valMetrics: headline(done?.val_metrics),
      testMetrics: headline(done?.test_metrics),
      confusion,
    };
  }

  end(status, message, done = null, crashed = false) {
    const job = this.job;
    if (!job) return;
    this.job = null;
    job.resolve({ job, status, message, done, crashed });
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
