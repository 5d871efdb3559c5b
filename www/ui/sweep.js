// The Sweeps panel: a spec editor (the same JSON `mlp-lab sweep --spec` reads), the number of
// trial workers (the spec's `workers` when it has one, else the box; at most MAX_PAGE_WORKERS),
// start / pause / resume, progress with trials per minute and ETA, the best so far, a live table
// of trials, and three views of the finished ones: parallel coordinates, parameter importance
// and the metric against each parameter.
import { el, field, replace, fmt, pct, duration, download } from './dom.js';
import { parseJsonText } from '../json-text.js';
import { draw as drawCurves } from '../charts/curves.js';
import { draw as drawParallel } from '../charts/parallel.js';
import { draw as drawImportance } from '../charts/importance.js';
import { draw as drawScatter } from '../charts/param-scatter.js';
import { defaultWorkers } from '../sweep/runner.js';
import { columns, importance, scored } from '../sweep/analysis.js';
import { defaultOf, names, taskOf, schema } from '../schema.js';
import { attachBuilder } from '../sweep/builder-panel.js';

/** The most trial workers the page runs at once (the engine allows a spec up to 1024). */
export const MAX_PAGE_WORKERS = 16;

/**
 * A random sweep around the page's network, as a starting point to edit: the learning rate from
 * a tenth to ten times the config's (its optimizer's default when it sets none), the batch size
 * halved and doubled, the hidden units from a quarter to twice the first hidden layer's; each
 * kept inside the range the engine's schema gives the parameter, and only parameters the schema
 * lists. The metric, ASHA's rungs and the spec's seed are the schema's names and defaults.
 */
export function specFromPage(config, dataset) {
  const base = structuredClone(config || {});
  if (!(base.validation_split > 0)) base.validation_split = 0.2;
  const regression = taskOf(base) === 'regression';
  const parameters = {};
  const lr = base.optimizer?.lr ?? defaultOf('optimizer.lr', base);
  if (lr > 0) put(parameters, 'optimizer.lr', { min: Number((lr / 10).toPrecision(6)), max: Number((lr * 10).toPrecision(6)), scale: 'log' });
  const batch = base.batch_size ?? defaultOf('batch_size');
  if (batch > 0) put(parameters, 'batch_size', { values: [Math.round(batch / 2), batch, batch * 2] });
  const units = (base.layers?.length ?? 0) > 1 ? base.layers[0].units : null;
  if (units > 0) put(parameters, 'hidden_units', { min: Math.round(units / 4), max: units * 2, type: 'int', scale: 'log' });
  const metrics = names('metrics');
  const metric = [regression ? 'val_loss' : 'val_accuracy', ...metrics].find((m) => metrics.includes(m));
  const spec = { method: names('sweep_methods').includes('random') ? 'random' : names('sweep_methods')[0], metric, max_trials: 12, seed: sweepDefault('seed') ?? 0, dataset, base, parameters };
  const epochs = base.epochs ?? defaultOf('epochs');
  const rungs = sweepDefault('early_termination.reduction_factor');
  const first = Math.max(sweepDefault('early_termination.min_epochs') ?? 1, Math.floor(epochs / rungs ** 2));
  if (names('early_terminations').includes('asha') && first * rungs <= epochs) {
    spec.early_termination = { kind: 'asha', min_epochs: first, reduction_factor: rungs };
  }
  return JSON.stringify(spec, null, 2);
}

/** The sweep parameter `path`'s schema entry, when the engine has one. */
function sweepParameter(path) {
  return schema()?.sweep?.parameters?.find((p) => p.path === path);
}

function sweepDefault(path) {
  return schema()?.sweep?.fields?.find((f) => f.path === path)?.default;
}

/**
 * Adds the domain for a parameter the schema lists, its bounds kept inside the schema's range
 * (whole numbers for an integer parameter, distinct values for a list).
 */
function put(parameters, path, domain) {
  const p = sweepParameter(path);
  if (!p) return;
  const step = p.type === 'integer' ? 1 : 0;
  const lo = p.min ? p.min.value + (p.min.open ? Number.EPSILON : 0) : -Infinity;
  const hi = p.max ? p.max.value - (p.max.open ? Number.EPSILON : 0) : Infinity;
  const fit = (v) => {
    const x = Math.min(hi, Math.max(lo, v));
    return step ? Math.max(Math.ceil(lo), Math.min(Math.floor(hi), Math.round(x))) : x;
  };
  const d = { ...domain };
  if (d.values) d.values = [...new Set(d.values.map(fit))];
  if (d.min !== undefined) d.min = fit(d.min);
  if (d.max !== undefined) d.max = fit(d.max);
  if ((d.values && d.values.length > 1) || (d.max !== undefined && d.max > d.min)) parameters[path] = d;
}

function metricText(metric, v) {
  if (!Number.isFinite(v)) return '–';
  return /accuracy/.test(metric) ? pct(v) : fmt(v, 5);
}

function paramsText(params) {
  return Object.entries(params || {}).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`).join(', ');
}

export function createSweepPanel(app, root, manager) {
  const specBox = el('textarea', { class: 'sweep-spec', rows: 14, spellcheck: false, testid: 'sweep-spec' });
  // Until the user edits it, the spec follows the page's network and data set.
  let edited = false;
  specBox.addEventListener('input', () => { edited = true; });
  // The form over the spec (www/sweep/builder-panel.js): the text stays the spec the sweep runs.
  const builderBox = el('div', { class: 'sweep-builder-box' });
  const builder = attachBuilder(builderBox, specBox, { onEdit: () => { edited = true; } });
  const setSpec = (text) => {
    specBox.value = text;
    builder.fromText();
  };
  // The starting spec takes its parameters' ranges from the schema, so it waits for the engine.
  const follow = () => {
    if (!edited && !shown && app.config && schema()) setSpec(specFromPage(app.config, app.dataRef?.name));
  };
  app.on('ready', () => {
    builder.build(schema());
    follow();
  });
  app.on('config-changed', follow);
  app.on('data-loaded', follow);
  const fromPage = el('button', {
    type: 'button', text: 'Spec from the page’s network', testid: 'sweep-spec-from-page',
    onclick: () => {
      setSpec(specFromPage(app.config, app.dataRef?.name));
      edited = false;
    },
  });
  const workers = el('input', { type: 'number', min: 1, max: MAX_PAGE_WORKERS, step: 1, value: defaultWorkers(), testid: 'sweep-workers' });
  const start = el('button', { type: 'button', class: 'primary', text: 'Start sweep', testid: 'sweep-start' });
  const pause = el('button', { type: 'button', text: 'Pause', testid: 'sweep-pause', disabled: true });
  const resume = el('button', { type: 'button', text: 'Resume', testid: 'sweep-resume', disabled: true });
  // The CLI resumes from the same two files: mlp-lab sweep --spec spec.json --out DIR (with
  // trials.jsonl in DIR).
  const saveSpec = el('button', {
    type: 'button', text: 'Download spec.json', testid: 'sweep-download-spec',
    onclick: () => download('spec.json', shown ? shown.row.spec : specBox.value),
  });
  const saveTrials = el('button', {
    type: 'button', text: 'Download trials.jsonl', testid: 'sweep-download-trials', disabled: true,
    onclick: () => {
      if (!shown) return;
      const lines = [...shown.trials.values()].sort((a, b) => a.id - b.id).map((t) => JSON.stringify(t.record));
      download('trials.jsonl', lines.length ? `${lines.join('\n')}\n` : '', 'application/x-ndjson');
    },
  });
  const message = el('p', { class: 'sweep-message', role: 'status', testid: 'sweep-message' });
  const status = el('p', { class: 'sweep-status', testid: 'sweep-status', text: 'No sweep yet.' });
  const progress = el('progress', { max: 1, value: 0, testid: 'sweep-progress' });
  const best = el('p', { class: 'sweep-best', testid: 'sweep-best' });
  const chartOf = (testid, cls, label) => el('canvas', { class: cls, testid, role: 'img', 'aria-label': label });
  const bestChart = chartOf('sweep-best-chart', 'chart', 'Best metric so far against finished trials (the trials table lists the values)');
  const tableBody = el('tbody');
  const table = el('table', { class: 'sweep-table', testid: 'sweep-table' },
    el('thead', {}, el('tr', {}, ['trial', 'status', 'metric', 'epochs', 'seconds', 'params'].map((h) => el('th', { text: h })))),
    tableBody);
  const parallel = chartOf('sweep-parallel', 'chart tall', 'Parallel coordinates of the trials (the trials table lists them)');
  const importanceCanvas = chartOf('sweep-importance', 'chart', 'Parameter importance');
  const scatter = chartOf('sweep-scatter', 'chart tall', 'Metric against each parameter (the trials table lists them)');

  const results = el('div', { class: 'sweep-results', hidden: true });
  replace(root,
    el('p', { class: 'hint', text: 'A sweep trains many configurations of the page’s network in parallel workers. The spec is the JSON `mlp-lab sweep --spec` reads; the same spec gives the same trials here and on the command line. ' +
      `The spec’s "workers", when given, sets the trial workers (at most ${MAX_PAGE_WORKERS} here); otherwise the Trial workers box does. A reload resumes a running sweep.` }),
    builderBox,
    field('Sweep spec (JSON)', specBox, { wide: true }),
    el('div', { class: 'row' }, fromPage, field('Trial workers', workers), start, pause, resume, saveSpec, saveTrials),
    message,
    el('div', { class: 'sweep-progress' }, progress, status),
    best,
    // until a sweep runs, no empty chart boxes: the status line says "No sweep yet."
    results);
  results.append(
    el('h3', { text: 'Best so far' }), bestChart,
    el('h3', { text: 'Trials' }), el('div', { class: 'sweep-table-wrap' }, table),
    el('h3', { text: 'Parallel coordinates (colour: metric, blue is best)' }), parallel,
    el('h3', { text: 'Parameter importance (random forest; Spearman ρ / Pearson r, η for choices)' }), importanceCanvas,
    el('h3', { text: 'Metric against each parameter' }), scatter);

  let shown = null; // the runner on screen (and the results shown once there is one)
  let frame = 0;
  const say = (text, bad = false) => {
    message.textContent = text;
    message.classList.toggle('bad', bad);
  };

  start.addEventListener('click', async () => {
    if (!specBox.value.trim()) setSpec(specFromPage(app.config, app.dataRef?.name));
    let spec;
    try {
      spec = parseJsonText(specBox.value);
    } catch (e) {
      say(`The spec is not valid JSON: ${e.message}`, true);
      return;
    }
    // The spec's workers wins over the box (as on the command line, where only --workers beats
    // it), capped as the box is; a bad value is left for the engine to refuse by name.
    let n = Math.round(Number(workers.value));
    let note = '';
    if (Number.isInteger(spec?.workers) && spec.workers >= 1 && spec.workers <= 1024) {
      n = Math.min(spec.workers, MAX_PAGE_WORKERS);
      workers.value = String(n);
      if (spec.workers > MAX_PAGE_WORKERS) note = ` The spec asks for ${spec.workers} workers; the page runs at most ${MAX_PAGE_WORKERS}.`;
    } else if (!(n >= 1 && n <= MAX_PAGE_WORKERS)) {
      say(`Trial workers must be a whole number from 1 to ${MAX_PAGE_WORKERS}, found “${workers.value}”.`, true);
      return;
    }
    const dataset = spec.dataset || app.dataRef?.name;
    const dataRef = dataset === app.dataRef?.name ? structuredClone(app.dataRef) : { name: dataset };
    try {
      await manager.add({ spec: specBox.value, dataRef, workers: n, kind: 'sweep' });
      say((manager.current ? 'Queued: it starts when the sweep now running ends.' : 'Starting…') + note);
    } catch (e) {
      say(e.message, true);
    }
  });
  pause.addEventListener('click', () => shown?.pause());
  resume.addEventListener('click', () => shown?.resume());

  const schedule = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  };

  function render() {
    const r = shown;
    if (!r) return;
    const metric = r.info.metric;
    const done = r.row.status === 'done';
    pause.disabled = done || r.paused || r.closed;
    resume.disabled = done || !r.paused;
    saveTrials.disabled = r.trials.size === 0;
    const pace = r.pace();
    progress.max = r.total;
    progress.value = r.finishedCount;
    const parts = [`${r.row.title}: ${r.finishedCount} / ${r.total} trials finished`];
    if (r.running.size) parts.push(`${r.running.size} running`);
    parts.push(`${r.row.workers} worker${r.row.workers === 1 ? '' : 's'}`);
    if (pace.perMinute) parts.push(`${pace.perMinute.toFixed(1)} trials/min`);
    if (!done && pace.etaSeconds !== null) parts.push(`about ${duration(pace.etaSeconds)} left`);
    parts.push(r.paused ? 'paused' : r.row.status);
    status.textContent = parts.join(' · ');
    status.dataset.status = r.row.status;
    const b = r.best();
    const none = done ? 'Best: no trial produced a metric (see the messages in the table)' : 'Best: none yet';
    best.textContent = b ? `Best: trial ${b.id}, ${metric} ${metricText(metric, b.metric)} — ${paramsText(b.params)}` : none;

    const trials = [...r.trials.values()].sort((a, c) => a.id - c.id);
    const rows = trials.map((t) => el('tr', { testid: 'sweep-row', dataset: { trial: t.id, status: t.record.status } },
      el('td', { text: t.id }),
      el('td', { text: t.record.status.replace('_', ' '), title: t.record.message || '' }),
      el('td', { text: metricText(metric, t.record.metric) }),
      el('td', { text: t.record.epochs }),
      el('td', { text: fmt(t.record.seconds, 3) }),
      el('td', { text: t.record.message ? `${paramsText(t.record.params)} — ${t.record.message}` : paramsText(t.record.params) })));
    const live = [...r.running.entries()].sort((a, c) => a[0] - c[0]).map(([id, l]) => el('tr', { class: 'running', dataset: { trial: id, status: 'running' } },
      el('td', { text: id }),
      el('td', { text: `running (epoch ${l.epoch}/${l.epochs}, worker ${l.worker + 1})` }),
      el('td', { text: metricText(metric, l.value) }),
      el('td', { text: l.epoch }),
      el('td', { text: '' }),
      el('td', { text: paramsText(l.params) })));
    replace(tableBody, rows, live);

    // best so far, in the order trials finished
    const order = trials.filter((t) => Number.isFinite(t.record.metric));
    const maximize = r.info.goal === 'maximize';
    let bestSoFar = null;
    const bestPoints = order.map((t, i) => {
      const v = t.record.metric;
      if (bestSoFar === null || (maximize ? v > bestSoFar : v < bestSoFar)) bestSoFar = v;
      return [i + 1, bestSoFar];
    });
    drawCurves(bestChart, { series: [
      { label: 'trial', points: order.map((t, i) => [i + 1, t.record.metric]) },
      { label: 'best so far', points: bestPoints },
    ] }, { percent: /accuracy/.test(metric), xLabel: 'trials finished', emptyText: 'The best metric so far appears as trials finish' });

    const good = scored(trials);
    const cols = columns(good, r.info.parameters);
    const values = good.map((t) => t.record.metric);
    const bestIndex = b ? good.findIndex((t) => t.id === b.id) : -1;
    drawParallel(parallel, { columns: cols, metric: values, metricName: metric, goal: r.info.goal }, { highlight: bestIndex });
    drawImportance(importanceCanvas, { rows: good.length >= 4 ? importance(good, r.info.parameters) : [] });
    drawScatter(scatter, { columns: cols, metric: values, metricName: metric, best: bestIndex });
  }

  manager.on((type, payload, runner) => {
    const kind = runner?.row.kind ?? payload?.row?.kind;
    if (kind !== 'sweep') return;
    if (type === 'failed') say(`The sweep could not run: ${payload.message}`, true);
    if (!runner) return;
    if (type === 'runner') {
      shown = runner;
      setSpec(runner.row.spec);
      say(runner.finishedCount ? `Resumed from the browser’s storage: ${runner.finishedCount} finished trial(s) kept.` : '');
    }
    if (type === 'warning') say(payload.message, true);
    results.hidden = !shown;
    if (runner === shown) schedule();
  });
  // The progress line's pace and ETA tick even between trial events.
  setInterval(() => { if (shown && !shown.closed && shown.row.status !== 'done') schedule(); }, 1000);

  return { show: (runner) => { shown = runner; results.hidden = !shown; schedule(); } };
}
