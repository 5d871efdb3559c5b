// The compare view: the selected runs' curves overlaid, and their configs side by side with the
// fields that differ highlighted.
import { el, replace, select } from './dom.js';
import { draw as drawCompare, METRICS } from '../charts/compare.js';
import { PALETTE } from '../charts/axes.js';

/** Every leaf of a config as [path, JSON text], in the order they first appear. */
export function flatten(value, path = '', out = new Map()) {
  if (value !== null && typeof value === 'object' && !(Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))) {
    for (const [k, v] of Object.entries(value)) flatten(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

export function createComparePanel(app, root) {
  let runs = [];
  const metric = select(Object.entries(METRICS).map(([k, m]) => [k, m.label]), 'train_loss', { testid: 'compare-metric', 'aria-label': 'Metric to compare' });
  const onlyDiff = el('input', { type: 'checkbox', id: 'compare-only-diff', testid: 'compare-only-diff' });
  const canvas = el('canvas', { testid: 'compare-chart', role: 'img', 'aria-label': 'Curves of the compared runs' });
  const table = el('table', { class: 'diff-table', testid: 'compare-diff' });
  const summary = el('p', { class: 'muted', testid: 'compare-summary', text: 'Select runs in the Runs panel and press Compare.' });

  replace(root,
    summary,
    el('div', { class: 'compare-controls' }, metric,
      el('label', { for: 'compare-only-diff' }, onlyDiff, ' only the fields that differ')),
    el('figure', { class: 'chart tall' }, canvas),
    el('div', { class: 'table-scroll' }, table));
  root.closest('section')?.setAttribute('hidden', '');

  function drawChart() {
    drawCompare(canvas, { runs }, { metric: metric.value });
  }

  function drawTable() {
    const flat = runs.map((r) => flatten({ data: r.dataName, config: r.config }));
    const paths = [];
    for (const f of flat) for (const p of f.keys()) if (!paths.includes(p)) paths.push(p);
    const rows = paths.map((p) => {
      const values = flat.map((f) => f.get(p));
      return { p, values, differs: new Set(values).size > 1 };
    });
    const differing = rows.filter((r) => r.differs).length;
    replace(table,
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Field' }),
        runs.map((r, i) => el('th', { scope: 'col', style: `border-bottom: 3px solid ${PALETTE[i % PALETTE.length]}`, text: r.name })))),
      el('tbody', {}, rows.filter((r) => r.differs || !onlyDiff.checked).map((r) => el('tr', {
        class: r.differs ? 'differs' : undefined, testid: r.differs ? 'diff-row' : 'same-row', dataset: { field: r.p },
      }, el('th', { scope: 'row', text: r.p.replace(/^config\./, '') }),
      r.values.map((v) => el('td', { class: r.differs ? 'differs' : undefined, text: v === undefined ? '—' : v }))))));
    summary.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'}; ${differing} config field${differing === 1 ? '' : 's'} differ${differing === 1 ? 's' : ''} (highlighted).`;
  }

  metric.addEventListener('change', drawChart);
  onlyDiff.addEventListener('change', drawTable);
  return {
    show(list) {
      runs = list;
      const section = root.closest('section');
      section?.removeAttribute('hidden');
      drawTable();
      drawChart();
      section?.scrollIntoView({ block: 'nearest' });
    },
  };
}
