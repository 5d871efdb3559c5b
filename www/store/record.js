// What a run record holds, and its exchange formats (JSON in and out, CSV out).
//
// Record: {id, name, status: 'running'|'done'|'stopped'|'failed'|'interrupted', config (the
// engine config), data (the data reference the page's link uses, e.g. {name: 'digits'}),
// dataName, seed, startedAt, endedAt (ms since 1970, endedAt null while unfinished), epochs (the
// config's target), history: [EpochRecord as the engine sends it: epoch, train_loss,
// train_accuracy?, val_loss?, val_accuracy? | val_mse?, val_mae?, val_r2?, lr, grad_norms
// (per layer), weight_histograms and grad_histograms ([{min, max, counts}] per layer: the weights
// at the end of the epoch, the last batch's weight gradients), seconds], testMetrics and
// valMetrics (the engine's metrics, with the confusion matrix for classification, or null),
// model (engine model JSON text of the weights after epoch `modelEpoch`; for a run the user
// stopped, the weights at that moment; null before the first checkpoint), optimizer (the
// optimizer state saved with that checkpoint, {steps, lengths, data: Float32Array}, while the
// run is unfinished; not exported, so an imported run continues with fresh moments), modelEpoch,
// error (why it failed or stopped early, or null), resumes ([epoch K] each time it continued
// from a checkpoint)}.
//
// Imported files are untrusted: every field is checked and an error names the file and the
// path at fault (`runs.json: runs[1].history[3].train_loss: expected a number, found "x"`).

import { parseJsonText } from '../json-text.js';
import { defaultOf } from '../schema.js';

export const EXPORT_FORMAT = 'mlp-lab-runs';
export const EXPORT_VERSION = 1;
export const STATUSES = ['running', 'done', 'stopped', 'failed', 'interrupted'];
const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

export function newRunId() {
  const rand = crypto.getRandomValues(new Uint32Array(2));
  return `run-${Date.now().toString(36)}-${rand[0].toString(36)}${rand[1].toString(36)}`;
}

/** A short name: data · layer widths · optimizer lr · seed. */
export function defaultName(config, dataName) {
  const layers = Array.isArray(config?.layers) ? config.layers.map((l) => l?.units).join('-') : '?';
  const opt = config?.optimizer ?? {};
  const name = opt.name ?? defaultOf('optimizer.name') ?? '';
  const seed = config?.seed ?? defaultOf('seed') ?? '';
  return `${dataName || 'data'} · ${layers} · ${name} ${opt.lr ?? ''} · seed ${seed}`.replace(/\s+/g, ' ');
}

export function newRecord({ config, data, dataName }) {
  return {
    id: newRunId(),
    name: defaultName(config, dataName),
    status: 'running',
    config: structuredClone(config),
    data: data ? structuredClone(data) : null,
    dataName: dataName ?? '',
    seed: Number.isFinite(config?.seed) ? config.seed : (defaultOf('seed') ?? null),
    startedAt: Date.now(),
    endedAt: null,
    epochs: Number.isInteger(config?.epochs) ? config.epochs : 10,
    history: [],
    testMetrics: null,
    valMetrics: null,
    model: null,
    optimizer: null,
    modelEpoch: 0,
    error: null,
    resumes: [],
  };
}

/** The headline numbers of a record, for the table and the compare view. */
export function summarize(r) {
  const last = r.history[r.history.length - 1] ?? null;
  const vals = r.history.map((e) => e.val_loss).filter(Number.isFinite);
  const accs = r.history.map((e) => e.val_accuracy).filter(Number.isFinite);
  const t = r.testMetrics;
  return {
    epochsDone: r.history.length,
    trainLoss: last?.train_loss ?? null,
    bestValLoss: vals.length ? Math.min(...vals) : null,
    bestValAccuracy: accs.length ? Math.max(...accs) : null,
    testAccuracy: Number.isFinite(t?.accuracy) ? t.accuracy : null,
    testR2: Number.isFinite(t?.r2) ? t.r2 : null,
    network: Array.isArray(r.config?.layers) ? r.config.layers.map((l) => l?.units).join('-') : '?',
    optimizer: r.config?.optimizer?.name ?? defaultOf('optimizer.name') ?? null,
    lr: r.config?.optimizer?.lr ?? null,
  };
}

// --- JSON export / import ------------------------------------------------------------------------

/** The optimizer state (binary, only useful to continue in this browser) stays out of exports. */
export function exportJson(records) {
  const runs = records.map((r) => ({ ...r, optimizer: undefined, hasModel: undefined, hasOptimizer: undefined }));
  return JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exported: new Date().toISOString(), runs });
}

class ImportError extends Error {}

const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeof v === 'object' ? 'an object' : String(v));

function checker(file) {
  const fail = (path, expected, found) => {
    throw new ImportError(`${file}: ${path}: expected ${expected}, found ${kind(found)}`);
  };
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  return {
    fail,
    obj: (v, p) => (isObj(v) ? v : fail(p, 'an object', v)),
    objOrNull: (v, p) => (v === null || v === undefined || isObj(v) ? v ?? null : fail(p, 'an object or null', v)),
    arr: (v, p) => (Array.isArray(v) ? v : fail(p, 'an array', v)),
    str: (v, p, max = 10_000) => (typeof v === 'string' && v.length <= max ? v : fail(p, `text of at most ${max} characters`, v)),
    num: (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v)),
    numOrNull: (v, p) => (v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v)) ? v ?? null : fail(p, 'a number or null', v)),
    int: (v, p, min = 0) => (Number.isInteger(v) && v >= min ? v : fail(p, `a whole number ≥ ${min}`, v)),
  };
}

function checkEpoch(c, e, p, i) {
  c.obj(e, p);
  if (c.int(e.epoch, `${p}.epoch`, 1) !== i + 1) c.fail(`${p}.epoch`, `${i + 1} (epochs numbered 1, 2, 3, … without gaps)`, e.epoch);
  const out = { epoch: e.epoch, train_loss: c.numOrNull(e.train_loss, `${p}.train_loss`) };
  for (const k of ['train_accuracy', 'val_loss', 'val_accuracy', 'val_mse', 'val_mae', 'val_r2']) {
    const v = c.numOrNull(e[k], `${p}.${k}`);
    if (v !== null) out[k] = v;
  }
  out.lr = c.num(e.lr, `${p}.lr`);
  out.grad_norms = c.arr(e.grad_norms ?? [], `${p}.grad_norms`).map((g, j) => c.num(g, `${p}.grad_norms[${j}]`));
  for (const key of ['weight_histograms', 'grad_histograms']) {
    out[key] = c.arr(e[key] ?? [], `${p}.${key}`).map((h, j) => {
      const hp = `${p}.${key}[${j}]`;
      c.obj(h, hp);
      return {
        min: c.num(h.min, `${hp}.min`),
        max: c.num(h.max, `${hp}.max`),
        counts: c.arr(h.counts, `${hp}.counts`).map((n, k) => c.int(n, `${hp}.counts[${k}]`)),
      };
    });
  }
  out.seconds = c.numOrNull(e.seconds, `${p}.seconds`) ?? 0;
  return out;
}

function checkMetrics(c, m, p) {
  if (m === null || m === undefined) return null;
  c.obj(m, p);
  for (const [k, v] of Object.entries(m)) {
    if (k === 'confusion_matrix') c.arr(v, `${p}.confusion_matrix`).forEach((row, i) => c.arr(row, `${p}.confusion_matrix[${i}]`).forEach((n, j) => c.int(n, `${p}.confusion_matrix[${i}][${j}]`)));
    else if (k === 'per_class') c.arr(v, `${p}.per_class`);
    else c.numOrNull(v, `${p}.${k}`);
  }
  return structuredClone(m);
}

function checkRun(c, r, p) {
  c.obj(r, p);
  const status = c.str(r.status, `${p}.status`, 20);
  if (!STATUSES.includes(status)) c.fail(`${p}.status`, `one of ${STATUSES.join(', ')}`, status);
  const history = c.arr(r.history, `${p}.history`).map((e, i) => checkEpoch(c, e, `${p}.history[${i}]`, i));
  const modelEpoch = r.modelEpoch === undefined ? 0 : c.int(r.modelEpoch, `${p}.modelEpoch`);
  if (modelEpoch > history.length) c.fail(`${p}.modelEpoch`, `at most ${history.length} (the epochs in its history)`, modelEpoch);
  const id = c.str(r.id, `${p}.id`, 200);
  if (!id) c.fail(`${p}.id`, 'a non-empty id', id);
  return {
    id,
    name: c.str(r.name, `${p}.name`, 500),
    // A run that was training when it was exported cannot be continued elsewhere as live.
    status: status === 'running' ? 'interrupted' : status,
    config: structuredClone(c.obj(r.config, `${p}.config`)),
    data: structuredClone(c.objOrNull(r.data, `${p}.data`)),
    dataName: c.str(r.dataName ?? '', `${p}.dataName`, 500),
    seed: c.numOrNull(r.seed, `${p}.seed`),
    startedAt: c.num(r.startedAt, `${p}.startedAt`),
    endedAt: c.numOrNull(r.endedAt, `${p}.endedAt`),
    epochs: c.int(r.epochs, `${p}.epochs`),
    history,
    testMetrics: checkMetrics(c, r.testMetrics, `${p}.testMetrics`),
    valMetrics: checkMetrics(c, r.valMetrics, `${p}.valMetrics`),
    model: r.model === null || r.model === undefined ? null : c.str(r.model, `${p}.model`, MAX_IMPORT_BYTES),
    optimizer: null,
    modelEpoch,
    error: r.error === null || r.error === undefined ? null : c.str(r.error, `${p}.error`),
    resumes: c.arr(r.resumes ?? [], `${p}.resumes`).map((k, i) => c.int(k, `${p}.resumes[${i}]`)),
  };
}

/** Parses an exported runs file; throws an Error naming the file and the field at fault. */
export function parseRunsFile(text, file = 'the file') {
  if (text.length > MAX_IMPORT_BYTES) throw new Error(`${file}: ${text.length} bytes is more than the ${MAX_IMPORT_BYTES / 2 ** 20} MB an import may have`);
  let doc;
  try {
    doc = parseJsonText(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e.message})`);
  }
  const c = checker(file);
  try {
    c.obj(doc, 'the top level');
    if (doc.format !== EXPORT_FORMAT) c.fail('format', `"${EXPORT_FORMAT}" (a file written by Export JSON in the Runs panel)`, doc.format);
    if (doc.version !== EXPORT_VERSION) c.fail('version', String(EXPORT_VERSION), doc.version);
    return c.arr(doc.runs, 'runs').map((r, i) => checkRun(c, r, `runs[${i}]`));
  } catch (e) {
    if (e instanceof ImportError) throw new Error(e.message);
    throw e;
  }
}

// --- CSV export ---------------------------------------------------------------------------------

export const CSV_COLUMNS = ['run_id', 'run_name', 'data', 'status', 'epoch', 'train_loss', 'train_accuracy', 'val_loss',
  'val_accuracy', 'val_mse', 'val_mae', 'val_r2', 'lr', 'seconds', 'grad_norms'];

/** One CSV cell, quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // A spreadsheet would run a cell starting with = + - @ as a formula; names are user text.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per run and epoch; grad_norms holds the per-layer norms separated by ';'. */
export function exportCsv(records) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    for (const e of r.history) {
      lines.push([r.id, r.name, r.dataName, r.status, e.epoch, e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy,
        e.val_mse, e.val_mae, e.val_r2, e.lr, e.seconds, (e.grad_norms ?? []).join(';')].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
