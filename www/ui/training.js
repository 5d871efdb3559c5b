// The run panel: start / pause / resume / stop, the progress bar, plain-number readouts, the
// config problems and the list of finished runs.
import { el, replace, fmt, pct, duration } from './dom.js';
import { taskOf } from '../schema.js';

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
    // three columns, so the table fits the run panel at 1280 px: what ran (data, network,
    // optimiser; epochs and time below), its result, and the button that reuses its config
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: 'Run' }),
      el('th', { scope: 'col', class: 'num', text: 'Result' }),
      el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: 'Config' })))),
    runsBody);

  replace(root,
    el('div', { class: 'controls' }, start, pause, resume, stop, state),
    el('div', { class: 'progress-row' }, bar, barText),
    grid,
    errors,
    message,
    // a narrow screen scrolls the table sideways instead of widening the page
    el('div', { class: 'table-scroll', testid: 'runs-scroll' }, runsTable));

  const show = (key, value) => { if (readouts[key]) readouts[key].textContent = value; };
  const classification = () => taskOf(app.run.config ?? app.config) !== 'regression';

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
    keepFocus();
  };
  // A keyboard user's button that just became disabled (Start once running, Pause once paused)
  // hands the focus to the control that does the next thing, instead of dropping it on the page.
  let focused = null;
  for (const b of [start, pause, resume, stop]) b.addEventListener('focus', () => { focused = b; });
  const keepFocus = () => {
    if (app.run.status === 'starting' || !focused?.disabled || (document.activeElement !== document.body && document.activeElement !== focused)) return;
    const next = [pause, resume, stop, start].find((b) => !b.disabled);
    if (next) next.focus();
  };

  // The engine's progress: `epoch` epochs completed, `batch` batches into the next one.
  const fraction = (p) => {
    const per = p.batches_per_epoch || 1;
    const total = (p.epochs || 1) * per;
    return { total, done: Math.min(total, Math.max(0, p.epoch * per + (p.batch || 0))) };
  };
  const showBar = (p, suffix = '') => {
    const { total, done } = fraction(p);
    bar.max = total;
    bar.value = done;
    barText.textContent = `${Math.floor((100 * done) / total)}%${suffix}`;
  };

  let frame = 0;
  const scheduleProgress = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const p = app.run.progress;
      // paused: the last slice's progress may arrive just before 'paused'
      if (!p || !['running', 'starting', 'paused'].includes(app.run.status)) return;
      showBar(p);
      // while training, the epoch under way (1 during the first); once over, the epochs done
      show('epoch', String(p.epoch < p.epochs ? p.epoch + 1 : p.epochs));
      epochOf.textContent = `of ${p.epochs}`;
      if (Number.isFinite(p.train_loss)) show('trainLoss', fmt(p.train_loss));
      show('eps', Number.isFinite(p.examples_per_second) ? String(Math.round(p.examples_per_second)) : '–');
      show('eta', duration(p.eta_seconds));
    });
  };

  const showRecord = (r) => {
    // while training the readout is the epoch under way (from progress), not the last one done
    if (!app.active) show('epoch', String(r.epoch));
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
        `; ${s.batches_per_epoch} batches per epoch` +
        (s.workers > 1 ? `, each shared among ${s.workers} workers.` : '.');
    }
    if (run.status === 'paused') message.textContent = 'Paused. Resume continues from the same batch.';
    if (run.status === 'stopped') {
      message.textContent = 'Stopped. The model keeps the weights it had; evaluating on the test split…';
      message.className = 'run-message';
      // nothing is left to run: no time left, no speed; the bar says where it stopped
      show('eta', '–');
      show('eps', '–');
      if (run.progress) showBar(run.progress, ' (stopped)');
      const last = run.history[run.history.length - 1];
      show('epoch', last ? String(last.epoch) : '0');
    }
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
  const testText = (t) => (t ? (t.accuracy !== undefined ? ` Test accuracy ${pct(t.accuracy)}.` : ` Test R² ${fmt(t.r2)}.`) : '');
  app.on('done', (m) => {
    const run = app.run;
    const last = run.history[run.history.length - 1];
    if (last) showRecord(last);
    showTest(m.test_metrics); // examples/s stays: the speed the run finished at
    const seconds = app.runSeconds();
    if (m.error) {
      // diverged: the run failed; the metrics are those of the last finite weights
      show('eta', '–');
      if (run.progress) showBar(run.progress, ' (failed)');
      const n = run.history.length;
      message.textContent = `Failed after ${duration(seconds)}: ${m.error}` +
        (m.test_metrics ? ` On the weights kept (the end of epoch ${n}):${testText(m.test_metrics)}` : '');
      message.className = 'run-message bad';
    } else {
      bar.value = bar.max;
      barText.textContent = '100%';
      show('eta', '0 s');
      message.textContent = `Done in ${duration(seconds)}.${testText(m.test_metrics)}`;
      message.className = 'run-message';
    }
    addRun(run, m.test_metrics, seconds);
  });
  app.on('worker:stopped', async () => {
    const run = app.run;
    if (run.testMetrics) return;
    const seconds = app.runSeconds();
    try {
      const reply = await app.request({ type: 'evaluate', split: 'test' }, 'evaluation');
      run.testMetrics = reply.metrics;
      addRun(run, reply.metrics, seconds);
      if (run !== app.run) return;
      showTest(reply.metrics);
      message.textContent = 'Stopped. Test metrics are for the weights at the moment it stopped.';
    } catch (e) {
      if (run === app.run) message.textContent = `Stopped. (${e.message})`;
    }
  });

  const addRun = (r, metrics, seconds) => {
    const cfg = r.config || {};
    const net = Array.isArray(cfg.layers) ? cfg.layers.map((l) => l.units).join('-') : '?';
    const result = metrics?.accuracy !== undefined ? pct(metrics.accuracy) : metrics?.r2 !== undefined ? `R² ${fmt(metrics.r2, 3)}` : '–';
    const config = structuredClone(cfg);
    const epochs = r.history.length;
    runsBody.prepend(el('tr', {},
      el('td', {},
        el('div', { text: `${r.dataName || ''} · ${net} · ${cfg.optimizer?.name ?? ''} ${cfg.optimizer?.lr ?? ''}` }),
        el('div', { class: 'run-meta', text: `${epochs} epoch${epochs === 1 ? '' : 's'} · ${duration(seconds)}` })),
      el('td', { class: 'num', text: result }),
      el('td', {}, el('button', {
        type: 'button', class: 'small', text: 'Use config',
        onclick: () => app.setConfig(() => structuredClone(config), { render: true }),
      }))));
    runsTable.hidden = false;
  };

  setVisibility();
  updateButtons();
}
