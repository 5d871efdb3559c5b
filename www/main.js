// Wires the page: one worker that owns the engine, one config object (exactly the engine's
// Config JSON) edited by the panels, and the live views fed by the worker's messages.

import { decodeRun, writeRun } from './hash.js';
import { createDataPanel } from './ui/data.js';
import { createDesignerPanel } from './ui/designer.js';
import { createOptimizerPanel } from './ui/optimizer.js';
import { createRunPanel } from './ui/training.js';
import { workersSetting } from './ui/workers.js';
import { createViewsPanel } from './ui/views.js';
import { createTryPanel } from './ui/try.js';
import { createFilesPanel } from './ui/files.js';
import { showProblems, plainProblem } from './ui/problems.js';
import { histogramsOf } from './run-histograms.js';
import { freshRun, keepEpochs, trainingSeconds } from './run-state.js';
import { createSweepPanel } from './ui/sweep.js';
import { createReportPanel } from './ui/report.js';
import { SweepManager } from './sweep/manager.js';
import { createAlerts } from './ui/alerts.js';
import { createTracker } from './tracker.js';
import { createRecovery } from './recovery.js';
import { createRunsPanel } from './ui/runs.js';
import { setSchema } from './schema.js';
import { createComparePanel } from './ui/compare.js';
import { WorkerClient } from './worker-client.js';
import { createWorkspace, emptyViews, SECTIONS } from './ui/workspace.js';
import { createGraphPanel } from './ui/graph.js';
import { createInspectorPanel } from './ui/inspector.js';

const VALIDATE_DELAY_MS = 120;
const REQUEST_TIMEOUT_MS = 60_000;
const ACTIVE = ['starting', 'running', 'paused'];

class App {
  constructor() {
    this.config = null;
    /** What data the run uses, as it goes in the link: {name, ...generator parameters}. */
    this.dataRef = null;
    /** The worker's data-loaded summary. */
    this.summary = null;
    this.problems = [];
    this.problemsFresh = false;
    this.ready = false;
    this.run = freshRun('idle');
    this.runs = [];
    this.presets = [];
    this.listeners = new Map();
    /** The one client of the training worker (requests and their answers). */
    this.client = new WorkerClient({ prefix: 'p', timeoutMs: REQUEST_TIMEOUT_MS });
    /** The number of the user's latest choice of data, and the loads posted and not yet answered. */
    this.dataGen = 0;
    this.loads = [];
    this.validateSeq = 0;
    this.validateSent = [];
    this.validateTimer = 0;
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  emit(type, payload) {
    for (const fn of this.listeners.get(type) || []) {
      try {
        fn(payload);
      } catch (e) {
        console.error(`while handling ${type}:`, e);
      }
    }
  }

  post(message, transfer = []) {
    this.client.post(message, transfer);
  }

  /** Sends a message and resolves with its reply of `replyType` (a WorkerError when it fails). */
  request(message, replyType, transfer = []) {
    return this.client.request(message, replyType, transfer);
  }

  /** The training worker; a new one (after a crash) is spoken to from then on. */
  get worker() {
    return this.client.worker;
  }

  attachWorker(worker) {
    return this.client.attach(worker, (m) => this.onWorkerMessage(m));
  }

  /**
   * The user chose other data: answers to loads asked for before this arrive stale and are
   * dropped, and what the page held is no longer what was asked for, so nothing can start until
   * the new choice loads (a run started meanwhile would train on the old data under the new name).
   */
  newDataChoice() {
    this.dataGen += 1;
    if (this.summary) {
      this.summary = null;
      this.problemsFresh = false;
      this.emit('data-cleared');
    }
    return this.dataGen;
  }

  /**
   * Posts load-data for the choice `gen` (the latest unless given). Resolves true when the worker
   * took the data and the user made no other choice since; a choice already overtaken posts nothing.
   */
  loadData(source, transfer = [], gen = this.dataGen) {
    if (gen !== this.dataGen) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.loads.push({ gen, resolve });
      this.post({ type: 'load-data', source }, transfer);
    });
  }

  /**
   * The worker answers load-data in order, so an answer is the oldest load's. False when that load
   * is stale: the page shows the data of the user's latest choice only, never an earlier one that
   * finished after it (nor, when the latest is "no data yet", any at all).
   */
  answeredLoad(ok) {
    const load = this.loads.shift();
    const current = !load || load.gen === this.dataGen;
    load?.resolve(ok && current);
    return current;
  }

  /** A new worker answers none of the old one's loads. */
  forgetLoads() {
    for (const load of this.loads.splice(0)) load.resolve(false);
  }

  id() {
    return this.client.id();
  }

  /**
   * Changes the config. `mutate` edits it in place (or returns a replacement). With `render`, the
   * config panels redraw themselves (structure changed); otherwise the editing control already
   * shows the new value.
   */
  setConfig(mutate, { render = false } = {}) {
    const out = mutate(this.config);
    if (out !== undefined) this.config = out;
    this.problemsFresh = false;
    this.emit('config-changed', { render });
    this.saveHash();
    this.scheduleValidate();
  }

  setDataRef(ref) {
    this.dataRef = ref;
    this.saveHash();
  }

  saveHash() {
    if (this.config) writeRun({ data: this.dataRef, config: this.config });
  }

  scheduleValidate() {
    clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => this.validate(), VALIDATE_DELAY_MS);
  }

  validate() {
    clearTimeout(this.validateTimer);
    if (!this.ready || !this.config) return;
    this.validateSeq += 1;
    this.validateSent.push(this.validateSeq);
    // the worker judges the config against its data only when the page shows that data
    this.post({ type: 'validate', config: this.config, with_data: this.summary !== null });
  }

  /** Resolves once the worker has judged the current config. */
  validated() {
    if (this.problemsFresh) return Promise.resolve(this.problems);
    return new Promise((resolve) => {
      const done = () => resolve(this.problems);
      this.once('problems', done);
      this.validate();
    });
  }

  once(type, fn) {
    const wrap = (payload) => {
      this.listeners.set(type, (this.listeners.get(type) || []).filter((f) => f !== wrap));
      fn(payload);
    };
    this.on(type, wrap);
  }

  onProblems(problems) {
    const seq = this.validateSent.shift();
    if (seq !== this.validateSeq) return; // an answer to an older config
    this.problems = (problems || []).map(plainProblem);
    this.problemsFresh = true;
    showProblems(this.problems);
    this.emit('problems', this.problems);
  }

  setStatus(status, extra = {}) {
    Object.assign(this.run, extra, { status });
    this.emit('run-status', this.run);
  }

  async start() {
    if (this.run.status === 'running' || this.run.status === 'starting' || this.run.status === 'paused') return;
    if (!this.summary) {
      this.emit('run-message', { text: 'Load a data set first (panel 1).', bad: true });
      return;
    }
    const problems = await this.validated();
    if (problems.length > 0) {
      this.emit('run-message', { text: 'Fix the problems listed below before training.', bad: true });
      return;
    }
    this.run = freshRun('starting');
    this.run.config = structuredClone(this.config);
    this.run.dataName = this.summary.name;
    this.emit('run-reset', this.run);
    this.emit('run-status', this.run);
    const message = { type: 'start', config: this.config, coalesce_epochs: true, workers: workersSetting() };
    if (this.startModel) {
      message.model = this.startModel;
    }
    this.post(message);
  }

  /** A run object as the page keeps it ({status, history, histograms: {kept}, …}). */
  newRun(status, fields = {}) {
    const run = Object.assign(freshRun(status), fields);
    run.histograms = histogramsOf(run.history);
    return run;
  }

  /** Whether a run is starting, training or paused. */
  get active() {
    return ACTIVE.includes(this.run.status);
  }

  /**
   * Stops the run in progress, if any; resolves once it has ended (true when there was one).
   * `reason` goes in the run's record ('stopped: the data set changed').
   */
  stopRun(reason) {
    if (!this.active) return Promise.resolve(false);
    if (reason) this.run.stopReason = reason;
    return new Promise((resolve) => {
      const check = () => {
        if (this.active) this.once('run-status', check);
        else resolve(true);
      };
      this.once('run-status', check);
      this.post({ type: 'stop' });
    });
  }

  /** Forgets the last run's readouts and curves (new data was loaded); its record stays saved. */
  clearRun() {
    if (this.active) return;
    const previous = this.run;
    this.run = freshRun('idle');
    this.emit('run-cleared', previous);
    this.emit('run-status', this.run);
  }

  /** Seconds the run has been training (paused time left out). */
  runSeconds(now = performance.now()) {
    return trainingSeconds(this.run, now);
  }

  /** Finished epochs from the worker: kept in the history, histograms where the engine keeps them. */
  addEpochs(records, histogramEpochs = null) {
    if (!records?.length) return;
    keepEpochs(this.run, records, histogramEpochs);
    this.emit('epoch', records[records.length - 1]);
    this.emit('epochs', records);
  }

  onWorkerMessage(m) {
    switch (m.type) {
      case 'ready':
        // The engine's tables, before any panel hears 'ready' and builds its forms from them.
        setSchema(m.schema);
        this.ready = true;
        this.emit('ready', m);
        this.validate();
        break;
      case 'config-problems':
        this.onProblems(m.problems);
        break;
      case 'data-loaded':
        // A stale answer: the worker now holds data the page does not show, and the page holds
        // none (newDataChoice emptied it) until the latest choice loads.
        if (!this.answeredLoad(true)) break;
        this.summary = m.summary;
        this.problemsFresh = false;
        this.emit('data-loaded', m.summary);
        this.scheduleValidate();
        break;
      case 'started':
        this.setStatus('running', { started: m, startedAt: performance.now() });
        break;
      case 'progress':
        this.run.progress = m;
        this.emit('progress', m);
        break;
      case 'epoch':
        this.addEpochs([m.record]);
        break;
      case 'epochs':
        this.addEpochs(m.records, m.histogram_epochs);
        break;
      case 'paused':
        this.run.pausedAt = performance.now();
        this.setStatus('paused');
        break;
      case 'resumed':
        if (this.run.pausedAt !== null) this.run.pausedMs += performance.now() - this.run.pausedAt;
        this.run.pausedAt = null;
        this.setStatus('running');
        break;
      case 'stopped':
        this.run.endedAt = performance.now();
        if (this.run.status !== 'done') this.setStatus('stopped');
        this.emit('run-finished', this.run);
        break;
      case 'done':
        // A coalesced run's 'done' has no history: the page holds every epoch already.
        if (m.history) {
          this.run.history = m.history.epochs || m.history;
          this.run.histograms = histogramsOf(this.run.history);
        }
        // the epoch whose weights the model holds (early stopping may keep an earlier one)
        this.run.keptEpoch = m.kept_epoch ?? null;
        this.run.stoppedAt = m.stopped_at ?? null;
        this.run.testMetrics = m.test_metrics || null;
        this.run.valMetrics = m.val_metrics || null;
        this.run.error = m.error ?? null;
        this.run.endedAt = performance.now();
        // A diverged run ends with 'done' too, carrying the error: it failed, it is not done.
        this.setStatus(m.error ? 'failed' : 'done');
        this.emit('done', m);
        this.emit('run-finished', this.run);
        break;
      case 'error':
        this.onError(m);
        break;
      default:
        break;
    }
    if (m.type !== 'error') this.client.settle(m);
    this.emit(`worker:${m.type}`, m);
  }

  onError(m) {
    if (m.request === 'load-data' && !this.answeredLoad(false)) return; // the user has moved on from that data
    const active = this.active;
    const refused = this.run.status === 'starting' && m.request === 'start';
    // An error while a run is starting belongs to the run, not to some pending request.
    if (!(this.run.status === 'starting' && ['config', 'train'].includes(m.where)) && !refused && this.client.settle(m)) return;
    console.warn('worker error', m);
    // Problems the config causes come with the field at fault and the message without it.
    if (m.where === 'config') {
      this.problems = [{ field: m.field || '', message: m.field ? m.detail ?? m.message : m.message }];
      showProblems(this.problems);
      if (this.run.status === 'starting') this.setStatus('idle');
      this.emit('run-message', { text: 'The engine refused to start: see the problem below.', bad: true });
    } else if (refused && m.where !== 'worker') {
      // The data (or the model to start from) does not fit the config: nothing started.
      // the worker names the config field the data does not fit (the engine's target check)
      this.problems = [{ field: m.field || '', message: m.message }];
      showProblems(this.problems);
      this.setStatus('idle');
      this.emit('run-message', { text: `The engine refused to start: ${m.message}`, bad: true });
    } else if (m.where === 'data') {
      this.emit('data-error', m);
    } else if (m.where === 'model') {
      this.emit('model-error', m);
    } else {
      if (active) this.setStatus('failed');
      this.emit('run-message', { text: m.message, bad: true });
    }
  }
}

async function loadPresets() {
  try {
    const res = await fetch('presets/index.json');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const index = await res.json();
    return index.presets || [];
  } catch (e) {
    console.warn('presets could not be loaded', e);
    return [];
  }
}

async function main() {
  const app = new App();
  window.mlpLab = app; // handy from the console (the e2e test reads only its config)
  const panel = (id) => document.querySelector(`#${id} .panel-body`);

  const engine = document.querySelector('[data-testid=engine-status]');
  app.attachWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
  app.worker.addEventListener('error', (e) => {
    if (app.ready) return; // a worker that dies after starting is recovery.js's to report
    engine.textContent = `The engine could not start: ${e.message || 'worker.js failed to load'}. Build it with \`make wasm\`.`;
    engine.className = 'engine bad';
    app.emit('engine-failed', e);
  });
  app.on('ready', (m) => {
    engine.textContent = `Engine ready${m.simd ? ' (WebAssembly SIMD)' : ''}`;
    engine.className = 'engine ok';
  });
  app.on('worker:error', (m) => {
    if (m.where === 'worker' && !app.ready) {
      engine.textContent = `The engine could not start: ${m.message}`;
      engine.className = 'engine bad';
    }
  });

  app.workspace = createWorkspace(app, {
    tablist: document.querySelector('[role=tablist]'),
    sections: Object.fromEntries(SECTIONS.map((s) => [s, document.getElementById(`section-${s}`)])),
  });
  app.presets = await loadPresets();

  const { run, error } = decodeRun(location.hash);
  const dataPanel = createDataPanel(app, panel('data-panel'));
  createDesignerPanel(app, panel('designer-panel'));
  createOptimizerPanel(app, panel('optimizer-panel'));
  createRunPanel(app, panel('run-panel'));
  createViewsPanel(app, panel('views-panel'));
  emptyViews(app, document.getElementById('views-panel'));
  createTryPanel(app, panel('try-panel'));
  createFilesPanel(app, panel('files-panel'));
  app.graph = createGraphPanel(app, panel('graph-panel'));
  createInspectorPanel(app, panel('inspector-panel'), app.graph);
  // Sweeps and reports run in their own workers; unfinished ones resume from IndexedDB.
  const sweeps = new SweepManager();
  app.sweeps = sweeps;
  createSweepPanel(app, panel('sweep-panel'), sweeps);
  const reports = createReportPanel(app, panel('report-panel'), sweeps);
  reports.restore().then(() => sweeps.resumeFromStore()).catch((e) => {
    console.warn('sweeps could not be restored', e);
    app.emit('run-message', { text: `Saved sweeps could not be read: ${e.message}`, bad: true });
  });

  app.post({ type: 'init' });

  if (run) {
    app.config = run.config;
    app.emit('config-changed', { render: true });
    await dataPanel.restore(run.data);
  } else {
    await dataPanel.choose('mnist', { applyPreset: true });
    if (error) app.emit('run-message', { text: `${error}; showing the MNIST preset instead.`, bad: true });
  }
  app.saveHash();
  app.scheduleValidate();

  // Run tracking (IndexedDB) and crash/reload recovery; `app.runsReady` resolves once they listen.
  app.dataPanel = dataPanel;
  const alerts = createAlerts(document.getElementById('run-alerts'));
  app.runsReady = createTracker(app, alerts).then((tracker) => {
    app.tracker = tracker;
    app.recovery = createRecovery(app, tracker, alerts);
    const compare = createComparePanel(app, panel('compare-panel'));
    createRunsPanel(app, panel('runs-panel'), { tracker, recovery: app.recovery, compare });
  });
  await app.runsReady;

  window.addEventListener('hashchange', async () => {
    const next = decodeRun(location.hash);
    if (!next.run) {
      // A bad link pasted into an open page: say so, as a fresh load does; the page keeps its settings.
      if (next.error) app.emit('run-message', { text: `${next.error}; the page keeps its current settings.`, bad: true });
      return;
    }
    if (JSON.stringify(next.run.config) === JSON.stringify(app.config) && JSON.stringify(next.run.data) === JSON.stringify(app.dataRef)) return;
    app.setConfig(() => next.run.config, { render: true });
    await dataPanel.restore(next.run.data);
  });
}

main().catch((e) => {
  console.error(e);
  const engine = document.querySelector('[data-testid=engine-status]');
  if (engine) {
    engine.textContent = `The page failed to start: ${e.message}`;
    engine.className = 'engine bad';
  }
});
