// The run panel: start / pause / resume / stop, the progress bar, plain-number readouts, the
// config problems and the list of finished runs.
import { el, replace, fmt, pct, duration } from './dom.js';

export function createRunPanel(app, root) {
  const start = el('button', { type: 'button', class: 'primary', text: 'Start', testid: 'start', onclick: () => app.start() });
  const pause = el('button', { type: 'button', text: 'Pause', testid: 'pause', disabled: true, onclick: () => app.post({ type: 'pause' }) });
  const resume = el('button', { type: 'button', text: 'Resume', testid: 'resume', disabled: true, onclick: () => app.post({ type: 'resume' }) });
  const stop = el('button', { type: 'button', text: 'Stop', testid: 'stop', disabled: true, onclick: () => app.post({ type: 'stop' }) });
  const state = el('span', { class: 'muted', testid: 'run-state', role: 'status', 'aria-live': 'polite', text: 'idle' });
  const bar = el('progress', { max: 1, value: 0, testid: 'progress', 'aria-label': 'Training progress' });
  const barText = el('span', { class: 'small-text', testid: 'progress-text', text: '' });

  const readouts = {};
  const readout = (key, label, testid) => {
    const v = el('span', { class: 'v', testid, text: '–' });
    readouts[key] = v;
    return el('div', { class: 'readout', dataset: { key } }, el('span', { class: 'k', text: label }), v);
  };
  const epochOf = el('span', { class: 'k', text: 'of –' });
  const grid = el('div', { class: 'readouts' },
    el('div', { class: 'readout' }, el('span', { class: 'k', text: 'Epoch' }),
      (readouts.epoch = el('span', { class: 'v', testid: 'epoch', text: '–' })), ' ', epochOf),
    readout('trainLoss', 'Train loss', 'train-loss'),
    readout('valLoss', 'Validation loss', 'val-loss'),
    readout('valAccuracy', 'Validation accuracy', 'val-accuracy'),
    readout('testAccuracy', 'Test accuracy', 'test-accuracy'),
    readout('valR2', 'Validation R²', 'val-r2'),
    readout('testR2', 'Test R²', 'test-r2'),
    readout('testMse', 'Test MSE', 'test-mse'),
    readout('eps', 'Examples / s', 'examples-per-second'),
    readout('eta', 'Time left', 'eta'));
  const errors = el('div', { class: 'config-error', testid: 'config-error', role: 'alert' });
  const message = el('p', { class: 'run-message', testid: 'run-message', role: 'status', 'aria-live': 'polite' });
  const runsBody = el('tbody');
  const runsTable = el('table', { class: 'runs', testid: 'runs', hidden: true },
    el('caption', { class: 'visually-hidden', text: 'Finished runs' }),
    el('thead', {}, el('tr', {}, ['Data', 'Network', 'Optimizer', 'Epochs', 'Result', 'Time', ''].map((t) => el('th', { scope: 'col', text: t })))),
    runsBody);

  replace(root,
    el('div', { class: 'controls' }, start, pause, resume, stop, state),
    el('div', { class: 'progress-row' }, bar, barText),
    grid,
    errors,
    message,
    runsTable);

  const show = (key, value) => { if (readouts[key]) readouts[key].textContent = value; };
  const classification = () => (app.run.config?.task ?? app.config?.task ?? taskFromLoss(app.config?.loss)) !== 'regression';

  const setVisibility = () => {
    const cls = classification();
    for (const k of ['valAccuracy', 'testAccuracy']) readouts[k].parentElement.hidden = !cls;
    for (const k of ['valR2', 'testR2', 'testMse']) readouts[k].parentElement.hidden = cls;
  };

  const updateButtons = () => {
    const s = app.run.status;
    const active = s === 'running' || s === 'starting' || s === 'paused';
    const blocked = app.problemsFresh && app.problems.length > 0;
    start.disabled = active || !app.ready || !app.summary || blocked;
    start.title = blocked ? 'Fix the configuration problems first' : !app.summary ? 'Load a data set first' : '';
    pause.disabled = s !== 'running';
    resume.disabled = s !== 'paused';
    stop.disabled = !active;
    state.textContent = s === 'idle' ? (blocked ? 'configuration has problems' : 'idle') : s;
  };

  let frame = 0;
  const scheduleProgress = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const p = app.run.progress;
      if (!p || !['running', 'starting'].includes(app.run.status)) return;
      const total = (p.epochs || 1) * (p.batches_per_epoch || 1);
      const doneBatches = Math.max(0, (p.epoch - 1)) * (p.batches_per_epoch || 1) + (p.batch || 0);
      bar.max = total;
      bar.value = Math.min(total, doneBatches);
      barText.textContent = `${Math.round((100 * doneBatches) / total)}%`;
      show('epoch', String(p.epoch));
      epochOf.textContent = `of ${p.epochs}`;
      if (Number.isFinite(p.train_loss)) show('trainLoss', fmt(p.train_loss));
      show('eps', Number.isFinite(p.examples_per_second) ? String(Math.round(p.examples_per_second)) : '–');
      show('eta', duration(p.eta_seconds));
    });
  };

  const showRecord = (r) => {
    show('epoch', String(r.epoch));
    show('trainLoss', fmt(r.train_loss));
    show('valLoss', fmt(r.val_loss));
    if (r.val_accuracy !== undefined && r.val_accuracy !== null) show('valAccuracy', pct(r.val_accuracy));
    if (r.val_r2 !== undefined && r.val_r2 !== null) show('valR2', fmt(r.val_r2));
  };

  const showTest = (metrics) => {
    if (!metrics) return;
    if (metrics.accuracy !== undefined) show('testAccuracy', pct(metrics.accuracy));
    if (metrics.r2 !== undefined) {
      show('testR2', fmt(metrics.r2));
      show('testMse', fmt(metrics.mse));
    }
  };

  const clearReadouts = (epochs) => {
    for (const k of Object.keys(readouts)) show(k, '–');
    epochOf.textContent = `of ${epochs ?? '–'}`;
    bar.value = 0;
    barText.textContent = '';
  };
  app.on('run-reset', () => {
    clearReadouts(app.config?.epochs);
    message.textContent = 'Starting…';
    message.className = 'run-message';
    setVisibility();
  });
  // New data: the last run's numbers are not about it (the run itself is in the Runs panel).
  app.on('run-cleared', (previous) => {
    clearReadouts(app.config?.epochs);
    setVisibility();
    updateButtons();
    if (previous?.stopReason && previous.status === 'stopped') {
      const n = previous.history.length;
      message.textContent = `The run on ${previous.dataName || 'the previous data'} was stopped after ${n} epoch${n === 1 ? '' : 's'} because ${previous.stopReason}; it is saved, with its weights, in the Runs panel.`;
      message.className = 'run-message';
    }
  });
  app.on('run-status', (run) => {
    updateButtons();
    if (run.status === 'running' && run.started && message.textContent === 'Starting…') {
      const s = run.started;
      const n = (v) => Number(v).toLocaleString('en-US');
      message.textContent = `Training on ${n(s.train_n)} examples` +
        (s.val_n ? `, validating on ${n(s.val_n)}` : '') + (s.test_n ? `, testing on ${n(s.test_n)}` : '') +
        `; ${s.batches_per_epoch} batches per epoch.`;
    }
    if (run.status === 'paused') message.textContent = 'Paused. Resume continues from the same batch.';
    if (run.status === 'stopped') message.textContent = 'Stopped. The model keeps the weights it had; evaluating on the test split…';
  });
  app.on('progress', scheduleProgress);
  app.on('epoch', showRecord);
  app.on('problems', updateButtons);
  app.on('config-changed', () => { updateButtons(); if (app.run.status === 'idle') setVisibility(); });
  app.on('ready', updateButtons);
  app.on('data-loaded', updateButtons);
  app.on('data-cleared', updateButtons);
  app.on('run-message', ({ text, bad }) => {
    message.textContent = text;
    message.className = `run-message${bad ? ' bad' : ''}`;
  });
  app.on('done', (m) => {
    const last = app.run.history[app.run.history.length - 1];
    if (last) showRecord(last);
    bar.value = bar.max;
    barText.textContent = '100%';
    show('eta', '0 s');
    showTest(m.test_metrics);
    const seconds = (performance.now() - (app.run.startedAt || performance.now())) / 1000;
    message.textContent = m.test_metrics
      ? `Done in ${duration(seconds)}.` + (m.test_metrics.accuracy !== undefined ? ` Test accuracy ${pct(m.test_metrics.accuracy)}.` : ` Test R² ${fmt(m.test_metrics.r2)}.`)
      : `Done in ${duration(seconds)}.`;
    addRun(m.test_metrics);
  });
  app.on('worker:stopped', async () => {
    if (app.run.testMetrics) return;
    try {
      const reply = await app.request({ type: 'evaluate', split: 'test' }, 'evaluation');
      app.run.testMetrics = reply.metrics;
      showTest(reply.metrics);
      message.textContent = 'Stopped. Test metrics are for the weights at the moment it stopped.';
      addRun(reply.metrics);
    } catch (e) {
      message.textContent = `Stopped. (${e.message})`;
    }
  });

  const addRun = (metrics) => {
    const r = app.run;
    const cfg = r.config || {};
    const net = Array.isArray(cfg.layers) ? cfg.layers.map((l) => l.units).join('-') : '?';
    const result = metrics?.accuracy !== undefined ? pct(metrics.accuracy) : metrics?.r2 !== undefined ? `R² ${fmt(metrics.r2, 3)}` : '–';
    const seconds = (performance.now() - (r.startedAt || performance.now())) / 1000;
    const config = structuredClone(cfg);
    runsBody.prepend(el('tr', {},
      el('td', { text: r.dataName || '' }),
      el('td', { text: net }),
      el('td', { text: `${cfg.optimizer?.name ?? ''} ${cfg.optimizer?.lr ?? ''}` }),
      el('td', { class: 'num', text: String(r.history.length) }),
      el('td', { class: 'num', text: result }),
      el('td', { class: 'num', text: duration(seconds) }),
      el('td', {}, el('button', {
        type: 'button', class: 'small', text: 'Use config',
        onclick: () => app.setConfig(() => structuredClone(config), { render: true }),
      }))));
    runsTable.hidden = false;
  };

  setVisibility();
  updateButtons();
}

function taskFromLoss(loss) {
  return loss === 'mse' ? 'regression' : loss === 'binary_cross_entropy' ? 'binary' : 'multiclass';
}
