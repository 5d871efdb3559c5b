// From finished trials to what the views draw: one column per swept parameter (numbers, or
// choices as categories), the metric, and each parameter's importance.
import { pearson, spearman, correlationRatio, forestImportance } from './stats.js';

/** Trials with a metric (completed or stopped early), in id order. */
export function scored(trials) {
  return trials.filter((t) => typeof t.record?.metric === 'number' && Number.isFinite(t.record.metric));
}

/**
 * columns: [{path, kind: 'number'|'choice', log, values: (number|string|null)[], categories?}]
 * A value is null where the parameter did not apply to that trial.
 */
export function columns(trials, paths) {
  return paths.map((path) => {
    const values = trials.map((t) => (Object.hasOwn(t.record.params, path) ? t.record.params[path] : null));
    const present = values.filter((v) => v !== null);
    const numeric = present.length > 0 && present.every((v) => typeof v === 'number');
    if (numeric) {
      const lo = Math.min(...present);
      const hi = Math.max(...present);
      // A range spanning two decades or more of positive values reads better in log space.
      return { path, kind: 'number', log: lo > 0 && hi / lo >= 100, values, min: lo, max: hi };
    }
    const categories = [...new Set(present.map(String))];
    return { path, kind: 'choice', log: false, values: values.map((v) => (v === null ? null : String(v))), categories };
  });
}

/** Rows {path, kind, pearson, spearman, eta, forest} for the importance view. */
export function importance(trials, paths, seed = 1) {
  const done = scored(trials);
  const ys = done.map((t) => t.record.metric);
  const cols = columns(done, paths);
  const X = done.map((_, i) => cols.map((c) => encode(c, c.values[i])));
  const forest = forestImportance(X, ys, { seed });
  return cols.map((c, j) => {
    const idx = c.values.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
    const y = idx.map((i) => ys[i]);
    const row = { path: c.path, kind: c.kind, n: idx.length, forest: forest[j], pearson: NaN, spearman: NaN, eta: NaN };
    if (c.kind === 'number') {
      const x = idx.map((i) => (c.log ? Math.log10(c.values[i]) : c.values[i]));
      row.pearson = pearson(x, y);
      row.spearman = spearman(x, y);
    } else {
      row.eta = correlationRatio(idx.map((i) => c.values[i]), y);
    }
    return row;
  });
}

/** A parameter value as a number for the forest (inactive below every real value). */
function encode(col, v) {
  if (col.kind === 'number') {
    if (v === null) return col.log ? Math.log10(col.min) - 1 : col.min - (col.max - col.min || 1);
    return col.log ? Math.log10(v) : v;
  }
  return v === null ? -1 : col.categories.indexOf(v);
}
