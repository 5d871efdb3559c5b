// Which epochs of the page's run keep their weight and gradient histograms: the engine's rule
// (src/train/history.rs: at most 1,000, spread evenly over the run, and the latest). With every
// batch of epoch records the worker sends the epochs whose histograms the engine's history still
// holds; the page's copy of the run drops the others', so it stays as bounded as the engine's.
// Records without histograms share one empty list.

const NONE = Object.freeze([]);

const has = (r) => r.weight_histograms?.length > 0 || r.grad_histograms?.length > 0;

function strip(r) {
  r.weight_histograms = NONE;
  r.grad_histograms = NONE;
  return false;
}

/** {kept: the records that hold histograms, oldest first} of a history the engine thinned. */
export function histogramsOf(records = []) {
  for (const r of records) if (!has(r)) strip(r);
  return { kept: records.filter(has) };
}

/**
 * Takes in newly finished records and the engine's `epochs` that keep histograms (null: not
 * known, keep what is held).
 */
export function keepAsEngine(histograms, records, epochs) {
  for (const r of records) {
    if (has(r)) histograms.kept.push(r);
    else strip(r);
  }
  if (!epochs) return;
  const keep = new Set(epochs);
  histograms.kept = histograms.kept.filter((r) => keep.has(r.epoch) || strip(r));
}
