// Crash and reload recovery. The page notices when the training worker dies (an 'error' event,
// an engine panic, or silence: no message for `heartbeatMs` while training and no answer to a
// ping within `pingMs`), says so, starts a fresh worker and offers to continue the run from its
// last saved epoch. After a reload, runs the closed page left unfinished are offered the same way.
//
// Continuing means: load the run's data and config, build a trainer from the checkpoint's weights
// and tell it the epochs already done (the worker's 'start' with `history`); the optimizer's
// moments restart from zero, which the page says.

import { duration } from './ui/dom.js';
import { workersSetting } from './ui/workers.js';

const CHECK_EVERY_MS = 500;

export function createRecovery(app, tracker, alerts, { heartbeatMs = 20_000, pingMs = 5_000 } = {}) {
  const recovery = { heartbeatMs, pingMs, crashes: 0, resume, restartWorker };
  let lastSeen = performance.now();
  let pingSent = 0;
  let lastCsv = null;
  const active = () => ['starting', 'running', 'paused'].includes(app.run.status);
  const seen = () => { lastSeen = performance.now(); };

  // The data of the last CSV the user loaded, to load it again into a fresh worker (a prepared or
  // toy set is fetched or generated again from its name instead).
  const post = app.post.bind(app);
  app.post = (message, transfer) => {
    if (message?.type === 'load-data' && message.source?.kind === 'csv' && typeof message.source.text === 'string') lastCsv = message.source;
    post(message, transfer);
  };

  function watch(worker) {
    worker.addEventListener('message', seen);
    worker.addEventListener('error', (e) => {
      if (worker === app.worker && app.ready && active()) crashed(e.message || 'an uncaught error in the worker');
    });
  }
  watch(app.worker);
  app.on('worker:error', (m) => {
    if (m.where === 'worker' && app.ready && m.kind === 'crash' && active()) crashed(m.message);
  });
  // A hidden or frozen tab gets its messages late; silence while hidden is not a crash.
  document.addEventListener('visibilitychange', seen);
  document.addEventListener('resume', seen);

  // While running or paused (a paused worker is silent but answers pings at once); not while
  // starting: building a trainer on a large set may take a while in one piece.
  setInterval(() => {
    if (!['running', 'paused'].includes(app.run.status) || document.visibilityState === 'hidden') {
      pingSent = 0;
      return;
    }
    const now = performance.now();
    if (pingSent && lastSeen >= pingSent) pingSent = 0;
    if (!pingSent && now - lastSeen > recovery.heartbeatMs) {
      pingSent = now;
      app.post({ type: 'ping' });
    } else if (pingSent && now - pingSent > recovery.pingMs) {
      crashed(`no word from it for ${duration((now - lastSeen) / 1000)}`);
    }
  }, CHECK_EVERY_MS);

  async function crashed(reason) {
    pingSent = 0;
    recovery.crashes += 1;
    const record = await tracker.interrupt(reason);
    app.setStatus('failed');
    await restartWorker();
    const k = record?.modelEpoch ?? 0;
    const text = `The training worker stopped unexpectedly (${reason}); ` +
      (record ? `your run is saved up to epoch ${k}.` : 'no run was being saved.');
    app.emit('run-message', { text, bad: true });
    alerts.show('crash', {
      testid: 'worker-crash',
      text,
      note: record ? resumeNote(record) : undefined,
      actions: record ? [{ label: `Restart from epoch ${k}`, testid: 'restart-run', primary: true, onclick: () => resume(record.id).catch(report) }] : [],
    });
  }

  /** Replaces the worker with a fresh one and loads the current data into it. */
  async function restartWorker() {
    const old = app.worker;
    try {
      old.terminate();
    } catch {
      // already gone
    }
    app.client.rejectAll(new Error('the training worker stopped'));
    app.forgetLoads();
    app.ready = false;
    app.summary = null;
    const worker = app.attachWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
    watch(worker);
    const ready = new Promise((resolve) => app.once('ready', resolve));
    app.post({ type: 'init' });
    await ready;
    // The same data again: the crashed run's readouts and curves stay on screen.
    await loadData(app.dataRef, { keepRun: true }).catch((e) => app.emit('run-message', { text: e.message, bad: true }));
  }

  async function loadData(ref, { keepRun = false } = {}) {
    if (ref?.name === 'custom') {
      if (lastCsv && (!ref.file || lastCsv.name === ref.file.replace(/\.(csv|txt|tsv)(\.gz)?$/i, ''))) {
        if (await app.loadData(lastCsv, [], app.newDataChoice())) app.setDataRef(ref);
        return;
      }
      throw new Error(`This run trained on your own file${ref.file ? ` “${ref.file}”` : ''}: load the same file in panel 1 (Data), then resume it from the Runs panel.`);
    }
    await app.dataPanel.restore(ref, { keepRun });
  }

  /** Continues the saved run `id` after its last checkpoint. */
  async function resume(id) {
    if (['starting', 'running', 'paused'].includes(app.run.status)) {
      app.emit('run-message', { text: 'Stop the current run before resuming another one.', bad: true });
      return;
    }
    const record = await tracker.full(id);
    const k = record.modelEpoch;
    if (k > 0 && !record.model) throw new Error(`run “${record.name}” has no saved weights for epoch ${k}`);
    const sameData = app.summary && JSON.stringify(record.data) === JSON.stringify(app.dataRef);
    if (!sameData) await loadData(record.data);
    if (!app.summary) throw new Error(`the data of run “${record.name}” could not be loaded`);
    app.setConfig(() => structuredClone(record.config), { render: true });
    const problems = await app.validated();
    if (problems.length > 0) {
      app.emit('run-message', { text: 'The saved config has problems with this data (listed below).', bad: true });
      return;
    }
    const history = record.history.slice(0, k);
    tracker.prepareResume(record, k);
    app.run = app.newRun('starting', {
      history: history.slice(), config: structuredClone(record.config), dataName: record.dataName, resumeOf: record.id, resumedFrom: k,
    });
    app.emit('run-reset', app.run);
    app.emit('run-status', app.run);
    const message = { type: 'start', config: record.config, coalesce_epochs: true, workers: workersSetting() };
    if (k > 0) Object.assign(message, { model: record.model, history: { epochs: history } });
    if (k > 0 && record.optimizer) message.optimizer = record.optimizer;
    seen();
    app.post(message);
    alerts.clear('crash');
    alerts.clear('interrupted');
  }

  app.on('worker:started', (m) => {
    if (!app.run.resumeOf) return;
    // The views redraw the saved epochs once the new trainer can answer their requests.
    if (app.run.history.length) app.emit('epoch', app.run.history[app.run.history.length - 1]);
    app.emit('run-message', {
      text: `Resumed from epoch ${m.resumed_from} of ${m.epochs} with the weights ` +
        (m.optimizer_restored ? 'and optimizer state saved after it.' : 'saved after it (optimizer state restarts).'),
    });
  });

  // After a reload: offer the newest interrupted runs.
  const waiting = tracker.resumable().slice(0, 3);
  if (waiting.length) {
    const [first] = waiting;
    alerts.show('interrupted', {
      testid: 'interrupted-runs',
      text: waiting.length === 1
        ? `Run “${first.name}” did not finish (${first.error ?? 'interrupted'}); it is saved up to epoch ${first.modelEpoch} of ${first.epochs}.`
        : `${waiting.length} runs did not finish; the newest, “${first.name}”, is saved up to epoch ${first.modelEpoch} of ${first.epochs}. The others can be resumed from the Runs panel.`,
      note: resumeNote(first),
      actions: [{ label: `Resume from epoch ${first.modelEpoch}`, testid: 'resume-run', primary: true, onclick: () => resume(first.id).catch(report) }],
    });
  }

  function resumeNote(record) {
    return record.optimizer || record.hasOptimizer
      ? 'It continues from the weights and optimizer state saved after that epoch, as if never interrupted.'
      : 'It continues from the weights saved after that epoch; the optimizer state restarts.';
  }

  function report(e) {
    app.emit('run-message', { text: e.message, bad: true });
  }
  recovery.report = report;
  return recovery;
}
