// The Runs panel: every saved run in a table (sortable columns, a filter box, checkboxes), with
// compare, delete, export (JSON with everything, CSV with the per-epoch metrics) and import.
import { el, replace, fmt, pct, download } from './dom.js';
import { summarize, exportJson, exportCsv, parseRunsFile, newRunId } from '../store/record.js';

const COLUMNS = [
  { key: 'name', label: 'Name', value: (r) => r.name },
  { key: 'data', label: 'Data', value: (r) => r.dataName },
  { key: 'network', label: 'Network', value: (r, s) => s.network },
  { key: 'optimizer', label: 'Optimizer', value: (r, s) => s.optimizer },
  { key: 'lr', label: 'LR', value: (r, s) => s.lr, num: true, show: (v) => fmt(v) },
  { key: 'epochs', label: 'Epochs', value: (r, s) => s.epochsDone, num: true, show: (v, r) => `${v}/${r.epochs}` },
  { key: 'val', label: 'Best val.', value: (r, s) => s.bestValAccuracy ?? (s.bestValLoss === null ? null : -s.bestValLoss), num: true,
    show: (v, r, s) => (s.bestValAccuracy !== null ? pct(s.bestValAccuracy) : s.bestValLoss !== null ? `loss ${fmt(s.bestValLoss)}` : '–') },
  { key: 'test', label: 'Test', value: (r, s) => s.testAccuracy ?? s.testR2, num: true,
    show: (v, r, s) => (s.testAccuracy !== null ? pct(s.testAccuracy) : s.testR2 !== null ? `R² ${fmt(s.testR2, 3)}` : '–') },
  { key: 'status', label: 'Status', value: (r) => r.status },
  { key: 'started', label: 'Started', value: (r) => r.startedAt, num: true, show: (v) => new Date(v).toLocaleString() },
];

/**
 * summarize() without spreading the history into Math.min/max, which throws past about 120,000
 * epochs (a long run on a small set has up to a million).
 */
function summary(r) {
  const s = summarize({ ...r, history: r.history.length ? [r.history[r.history.length - 1]] : [] });
  let bestLoss = null;
  let bestAcc = null;
  for (const e of r.history) {
    if (Number.isFinite(e.val_loss) && (bestLoss === null || e.val_loss < bestLoss)) bestLoss = e.val_loss;
    if (Number.isFinite(e.val_accuracy) && (bestAcc === null || e.val_accuracy > bestAcc)) bestAcc = e.val_accuracy;
  }
  return { ...s, epochsDone: r.history.length, bestValLoss: bestLoss, bestValAccuracy: bestAcc };
}

export function createRunsPanel(app, root, { tracker, recovery, compare }) {
  const selected = new Set();
  let sort = { key: 'started', dir: -1 };
  let pendingDelete = false;

  const filter = el('input', { type: 'search', placeholder: 'Filter: name, data, optimizer, status…', testid: 'runs-filter', 'aria-label': 'Filter runs' });
  const selectAll = el('input', { type: 'checkbox', testid: 'runs-select-all', 'aria-label': 'Select every shown run' });
  const status = el('p', { class: 'status-line', testid: 'runs-status', role: 'status', 'aria-live': 'polite' });
  const fileInput = el('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', testid: 'runs-import-file', tabindex: '-1', 'aria-hidden': 'true' });
  const button = (text, testid, onclick) => el('button', { type: 'button', class: 'small', text, testid, onclick });
  const compareBtn = button('Compare', 'runs-compare', () => run(showCompare));
  const jsonBtn = button('Export JSON', 'runs-export-json', () => run(() => exportSelected('json')));
  const csvBtn = button('Export CSV', 'runs-export-csv', () => run(() => exportSelected('csv')));
  const importBtn = button('Import JSON', 'runs-import', () => fileInput.click());
  const deleteBtn = button('Delete', 'runs-delete', () => { pendingDelete = true; render(); });
  const confirmBtn = el('button', { type: 'button', class: 'small danger', testid: 'runs-delete-confirm', hidden: true, onclick: () => run(deleteSelected) });
  const body = el('tbody');
  const head = el('tr');
  const table = el('table', { class: 'runs-table', testid: 'runs-table' },
    el('caption', { class: 'visually-hidden', text: 'Saved runs' }), el('thead', {}, head), body);

  replace(root,
    el('div', { class: 'runs-controls' }, filter, compareBtn, jsonBtn, csvBtn, importBtn, deleteBtn, confirmBtn, fileInput),
    status,
    el('div', { class: 'table-scroll' }, table));

  const say = (text, bad = false) => {
    status.textContent = text;
    status.className = `status-line${bad ? ' bad' : ''}`;
  };
  const run = (fn) => Promise.resolve().then(fn).catch((e) => say(e.message, true));

  function shown() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = tracker.list().map((r) => ({ r, s: summary(r) }));
    const text = ({ r, s }) => `${r.name} ${r.dataName} ${s.network} ${s.optimizer} ${r.status}`.toLowerCase();
    const col = COLUMNS.find((c) => c.key === sort.key);
    return rows
      .filter((row) => words.every((w) => text(row).includes(w)))
      .sort((a, b) => {
        const va = col.value(a.r, a.s);
        const vb = col.value(b.r, b.s);
        if (va === vb) return 0;
        if (va === null || va === undefined) return 1;
        if (vb === null || vb === undefined) return -1;
        return (col.num ? va - vb : String(va).localeCompare(String(vb))) * sort.dir;
      });
  }

  function render() {
    const rows = shown();
    for (const id of [...selected]) if (!tracker.list().some((r) => r.id === id)) selected.delete(id);
    replace(head,
      el('th', { scope: 'col' }, selectAll),
      COLUMNS.map((c) => el('th', { scope: 'col', 'aria-sort': sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : undefined },
        el('button', {
          type: 'button', class: 'sort', testid: `runs-sort-${c.key}`,
          text: `${c.label}${sort.key === c.key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}`,
          onclick: () => { sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 }; render(); },
        }))),
      el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: 'Actions' })));
    replace(body, rows.map(({ r, s }) => el('tr', { testid: 'run-row', dataset: { runId: r.id, status: r.status } },
      el('td', {}, el('input', {
        type: 'checkbox', testid: 'run-select', checked: selected.has(r.id), 'aria-label': `Select run ${r.name}`,
        onchange: (e) => { if (e.target.checked) selected.add(r.id); else selected.delete(r.id); pendingDelete = false; updateButtons(); },
      })),
      COLUMNS.map((c) => {
        const v = c.value(r, s);
        return el('td', { class: c.num ? 'num' : undefined, dataset: { col: c.key }, text: c.show ? c.show(v, r, s) : v ?? '–' });
      }),
      el('td', { class: 'row-actions' },
        el('button', { type: 'button', class: 'small', text: 'Rename', testid: 'run-rename', onclick: (e) => rename(r, e.target.closest('tr')) }),
        tracker.isUnsaved(r.id) ? el('span', { class: 'badge bad', text: 'not saved', title: 'The browser refused to store this run; export it to keep it' }) : null,
        r.status === 'interrupted' && r.modelEpoch < r.epochs ? el('button', {
          type: 'button', class: 'small', testid: 'run-resume', text: `Resume from epoch ${r.modelEpoch}`,
          onclick: () => run(() => recovery.resume(r.id)),
        }) : null,
        el('button', {
          type: 'button', class: 'small', text: 'Use config', testid: 'run-use-config',
          onclick: () => app.setConfig(() => structuredClone(r.config), { render: true }),
        })))));
    if (rows.length === 0) body.append(el('tr', {}, el('td', { colspan: COLUMNS.length + 2, class: 'muted', text: tracker.list().length ? 'No run matches the filter.' : 'No runs yet: runs you train are saved here.' })));
    selectAll.checked = rows.length > 0 && rows.every(({ r }) => selected.has(r.id));
    selectAll.onchange = () => {
      for (const { r } of rows) if (selectAll.checked) selected.add(r.id); else selected.delete(r.id);
      render();
    };
    updateButtons();
  }

  /** Swaps the name cell for a text box: Enter saves, Escape (or leaving it empty) cancels. */
  function rename(r, tr) {
    const cell = tr.querySelector('td[data-col=name]');
    const input = el('input', { type: 'text', value: r.name, maxlength: 500, testid: 'run-name-input', 'aria-label': 'Run name' });
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const name = input.value.trim();
      if (save && name && name !== r.name) run(async () => { await tracker.rename(r.id, name); say(`Renamed to “${name}”.`); });
      else render();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    replace(cell, input);
    input.focus();
    input.select();
  }

  function updateButtons() {
    const n = selected.size;
    for (const b of [compareBtn, jsonBtn, csvBtn, deleteBtn]) b.disabled = n === 0;
    confirmBtn.hidden = !pendingDelete || n === 0;
    confirmBtn.textContent = `Really delete ${n} run${n === 1 ? '' : 's'}`;
  }

  async function chosen() {
    const ids = tracker.list().map((r) => r.id).filter((id) => selected.has(id));
    return Promise.all(ids.map((id) => tracker.full(id)));
  }

  async function exportSelected(format) {
    const records = await chosen();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (format === 'json') download(`mlp-lab-runs-${stamp}.json`, exportJson(records));
    else download(`mlp-lab-runs-${stamp}.csv`, exportCsv(records), 'text/csv');
    say(`Exported ${records.length} run${records.length === 1 ? '' : 's'} as ${format.toUpperCase()}.`);
  }

  async function deleteSelected() {
    const ids = [...selected];
    pendingDelete = false;
    await tracker.remove(ids);
    ids.forEach((id) => selected.delete(id));
    say(`Deleted ${ids.length} run${ids.length === 1 ? '' : 's'}.`);
  }

  async function showCompare() {
    compare.show(await chosen());
  }

  fileInput.addEventListener('change', () => run(async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    const records = parseRunsFile(await file.text(), file.name);
    const ids = await tracker.add(records, newRunId);
    say(`Imported ${ids.length} run${ids.length === 1 ? '' : 's'} from ${file.name}.`);
  }));

  let timer = 0;
  const later = () => {
    if (!timer) timer = setTimeout(() => { timer = 0; render(); }, 150);
  };
  filter.addEventListener('input', render);
  app.on('runs-changed', later);
  render();
  return { render, select: (ids) => { ids.forEach((id) => selected.add(id)); render(); } };
}
