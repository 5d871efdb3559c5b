// The Reports panel: one click runs the "activation functions" and "initializations" reports
// (grid sweeps of group × seed on the page's network and data set) and shows each: curves by
// group with mean ± sd bands, the final-metric table, the best run's confusion matrix and
// findings written from the numbers; each exports as standalone HTML and as Markdown + CSV.
import { el, field, replace, download } from './dom.js';
import { draw as drawBands } from '../charts/bands.js';
import { draw as drawConfusion } from '../charts/confusion.js';
import { REPORTS, REPORT_SEEDS, reportSpec, analyze } from '../sweep/reports.js';
import { tableRows, toMarkdown, toCsv, toHtml, bestLine } from '../sweep/export.js';
import { defaultWorkers } from '../sweep/runner.js';
import { defaultOf } from '../schema.js';
import * as store from '../sweep/store.js';

function infoOf(row) {
  const spec = JSON.parse(row.spec);
  return { metric: spec.metric, goal: /accuracy|r2/.test(spec.metric) ? 'maximize' : 'minimize', spec };
}

export function createReportPanel(app, root, manager) {
  const epochs = el('input', { type: 'number', min: 1, max: 500, step: 1, value: 5, testid: 'report-epochs' });
  const seeds = el('input', { type: 'number', min: 1, max: 10, step: 1, value: REPORT_SEEDS.length, testid: 'report-seeds' });
  const build = el('button', { type: 'button', class: 'primary', text: 'Build both reports', testid: 'report-build' });
  const message = el('p', { class: 'sweep-message', role: 'status', testid: 'report-message', text: 'No report yet.' });
  const boxes = {};
  for (const kind of Object.keys(REPORTS)) boxes[kind] = el('section', { class: 'report', testid: `report-${kind}` });
  replace(root,
    el('p', { class: 'hint', text: 'Compares groups of runs on the page’s network and data set: every hidden activation, then every initialisation, each with several seeds. Runs in the sweep workers; a reload resumes it.' }),
    el('div', { class: 'row' }, field('Epochs per run', epochs), field('Seeds per group', seeds), build),
    message, boxes.activation, boxes.init);
  const say = (text, bad = false) => {
    message.textContent = text;
    message.classList.toggle('bad', bad);
  };

  build.addEventListener('click', async () => {
    const e = Math.round(Number(epochs.value));
    const s = Math.round(Number(seeds.value));
    if (!(e >= 1 && e <= 500)) return say(`Epochs per run must be a whole number from 1 to 500, found “${epochs.value}”.`, true);
    if (!(s >= 1 && s <= 10)) return say(`Seeds per group must be a whole number from 1 to 10, found “${seeds.value}”.`, true);
    const dataRef = structuredClone(app.dataRef);
    const busy = Boolean(manager.current);
    try {
      for (const kind of Object.keys(REPORTS)) {
        const spec = reportSpec(kind, app.config, dataRef?.name, { epochs: e, seeds: Array.from({ length: s }, (_, i) => i + 1) });
        await manager.add({ spec, dataRef, workers: defaultWorkers(), kind: 'report', report: kind, title: `${REPORTS[kind].title} report` });
      }
      say(busy
        ? `Queued ${Object.keys(REPORTS).length} reports on ${dataRef?.name}: they start when the sweep now running ends.`
        : `Running ${Object.keys(REPORTS).length} reports on ${dataRef?.name}…`);
    } catch (err) {
      say(err.message, true);
    }
  });

  async function render(row, trials, live = false) {
    const kind = row.report;
    const box = boxes[kind];
    if (!box) return;
    const info = infoOf(row);
    const report = analyze(kind, info, trials);
    const percent = /accuracy/.test(info.metric);
    const base = info.spec.base;
    const hidden = base.layers.slice(0, -1).map((l) => l.units).join('-') || 'none';
    const setup = {
      dataset: row.dataRef?.name ?? '?',
      description: `${REPORTS[kind].what} (${REPORTS[kind].scope}) ∈ {${REPORTS[kind].values.join(', ')}} × seeds {${info.spec.parameters.seed.values.join(', ')}}; ` +
        `hidden layers ${hidden}, ${base.optimizer?.name ?? defaultOf('optimizer.name')} lr ${base.optimizer?.lr ?? defaultOf('optimizer.lr', base)}, ` +
        `batch ${base.batch_size ?? defaultOf('batch_size')}, ` +
        `${base.epochs} epochs, validation split ${base.validation_split}. Judged by ${info.metric}; ${trials.length} of ${info.spec.max_trials} runs finished.`,
    };
    const chartOf = (what, cls, label) => el('canvas', { class: cls, testid: `report-${kind}-${what}`, role: 'img', 'aria-label': `${label} (the table lists each group's figures)` });
    const metricChart = chartOf('curves', 'chart', 'Metric per epoch for each group');
    const lossChart = chartOf('loss', 'chart', 'Validation loss per epoch for each group');
    const confusion = chartOf('confusion', 'chart tall', 'Confusion matrix of the best group');
    const [head, ...rows] = tableRows(report);
    const table = el('table', { class: 'sweep-table', testid: `report-${kind}-table` },
      el('thead', {}, el('tr', {}, head.map((h) => el('th', { text: h })))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: c }))))));
    const findings = el('ul', { class: 'findings', testid: `report-${kind}-findings` }, report.findings.map((f) => el('li', { text: f })));
    const exportHtml = el('button', { type: 'button', text: 'Export HTML', testid: `report-${kind}-export-html`, disabled: live });
    const exportMd = el('button', { type: 'button', text: 'Export Markdown', testid: `report-${kind}-export-md`, disabled: live });
    const exportCsv = el('button', { type: 'button', text: 'Export CSV', testid: `report-${kind}-export-csv`, disabled: live });
    const file = `mlp-lab-${kind}-report-${setup.dataset}`;
    exportMd.addEventListener('click', () => download(`${file}.md`, toMarkdown(report, setup), 'text/markdown'));
    exportCsv.addEventListener('click', () => download(`${file}.csv`, toCsv(report), 'text/csv'));
    exportHtml.addEventListener('click', () => download(`${file}.html`, toHtml(report, setup, [
      { title: `${info.metric} by epoch (mean ± sd over seeds)`, dataUrl: metricChart.toDataURL('image/png') },
      { title: 'training loss by epoch (mean ± sd over seeds)', dataUrl: lossChart.toDataURL('image/png') },
      ...(report.best?.confusion ? [{ title: `confusion matrix of the best run (${report.best.confusion.split} split)`, dataUrl: confusion.toDataURL('image/png') }] : []),
    ]), 'text/html'));
    replace(box,
      el('h3', { text: `${report.title} — ${setup.dataset}${live ? ' (running…)' : ''}` }),
      el('p', { class: 'hint', text: setup.description }),
      el('div', { class: 'report-charts' },
        el('figure', {}, metricChart, el('figcaption', { text: `${info.metric} by epoch, mean ± sd over seeds` })),
        el('figure', {}, lossChart, el('figcaption', { text: 'training loss by epoch, mean ± sd over seeds' }))),
      table,
      el('h4', { text: 'Findings' }), findings,
      el('p', { testid: `report-${kind}-best`, text: bestLine(report) }),
      report.best?.confusion ? el('p', { class: 'hint', text: `Confusion matrix of the best run (${report.best.confusion.split} split; rows true, columns predicted):` }) : null,
      report.best?.confusion ? confusion : null,
      el('div', { class: 'row' }, exportHtml, exportMd, exportCsv));
    box.dataset.state = live ? 'running' : 'done';
    const groupsOf = (key) => report.groups.map((g) => ({ label: g.value, points: key === 'metric' ? g.metricCurve : g.lossCurve }));
    drawBands(metricChart, { groups: groupsOf('metric') }, { percent, yLabel: info.metric });
    drawBands(lossChart, { groups: groupsOf('loss') }, { yLabel: 'train_loss' });
    if (report.best?.confusion) {
      drawConfusion(confusion, { matrix: report.best.confusion.matrix, classNames: report.best.confusion.class_names });
    }
  }

  const frames = {}; // per report kind: a pending redraw
  manager.on((type, payload, runner) => {
    if (type === 'failed' && payload.row?.kind === 'report') say(`A report could not run: ${payload.message}`, true);
    if (!runner || runner.row.kind !== 'report') return;
    if (type === 'failed') say(`${runner.row.title} could not run: ${payload.message}`, true);
    if (type === 'runner') say(`${runner.row.title}: ${runner.finishedCount} of ${runner.total} runs finished…`);
    if (type === 'trial-finished' || type === 'finished' || type === 'runner') {
      if (type === 'trial-finished') say(`${runner.row.title}: ${runner.finishedCount} of ${runner.total} runs finished…`);
      const done = type === 'finished';
      if (done) say(`${runner.row.title} is ready.`);
      const kind = runner.row.report;
      cancelAnimationFrame(frames[kind]);
      frames[kind] = requestAnimationFrame(() => render(runner.row, [...runner.trials.values()], !done));
    }
  });

  /** Shows the latest finished report of each kind from the store. */
  async function restore() {
    const rows = await store.listSweeps();
    for (const kind of Object.keys(REPORTS)) {
      const row = rows.filter((r) => r.kind === 'report' && r.report === kind && r.status === 'done').pop();
      if (row) await render(row, await store.trialsOf(row.id));
    }
  }
  return { restore };
}
