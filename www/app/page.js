// The page's views wired to the App: the engine status line, the workspace sections, every
// panel, the sweeps and reports, run tracking and recovery, and the link in the address bar.
import { decodeRun } from '../hash.js';
import { createDataPanel } from '../ui/data.js';
import { createDesignerPanel } from '../ui/designer.js';
import { createOptimizerPanel } from '../ui/optimizer.js';
import { createRunPanel } from '../ui/training.js';
import { createViewsPanel } from '../ui/views.js';
import { createTryPanel } from '../ui/try.js';
import { createFilesPanel } from '../ui/files.js';
import { createSweepPanel } from '../ui/sweep.js';
import { createReportPanel } from '../ui/report.js';
import { SweepManager } from '../sweep/manager.js';
import { createAlerts } from '../ui/alerts.js';
import { createTracker } from '../tracker.js';
import { createRecovery } from '../recovery.js';
import { createRunsPanel } from '../ui/runs.js';
import { createComparePanel } from '../ui/compare.js';
import { createWorkspace, emptyViews, SECTIONS } from '../ui/workspace.js';
import { createGraphPanel } from '../ui/graph.js';
import { createInspectorPanel } from '../ui/inspector.js';

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

/** Builds the page's panels around `app` and loads the linked (or default) run. */
export async function wirePage(app) {
  const panel = (id) => document.querySelector(`#${id} .panel-body`);

  const engine = document.querySelector('[data-testid=engine-status]');
  app.attachWorker(new Worker(new URL('../worker.js', import.meta.url), { type: 'module' }));
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
