// The network view's edges: of each layer's weights, the strongest few (the graph draws those and
// summarises the rest). Computed in the worker (worker.js, 'weights' with `top`), so the page gets
// a few hundred edges per layer instead of every weight.

/**
 * Indices of the `limit` largest |w| (all when fewer), found in two passes: a histogram of |w|
 * gives the threshold, then the weights above it are kept.
 */
export function strongest(values, limit) {
  let max = 0;
  let sum = 0;
  for (const v of values) {
    const a = Math.abs(v);
    sum += a;
    if (a > max) max = a;
  }
  const meanAbs = values.length ? sum / values.length : 0;
  if (values.length <= limit) return { picked: values.map((_, i) => i), max, meanAbs };
  const BINS = 256;
  const counts = new Uint32Array(BINS);
  const scale = max > 0 ? (BINS - 1) / max : 0;
  for (const v of values) counts[Math.floor(Math.abs(v) * scale)] += 1;
  let bin = BINS - 1;
  let above = counts[bin];
  while (bin > 0 && above + counts[bin - 1] <= limit) above += counts[--bin];
  // every weight in the bins above the threshold, then the next bin's first ones up to the limit
  const picked = [];
  let room = limit - above;
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor(Math.abs(values[i]) * scale);
    if (b >= bin) picked.push(i);
    else if (b === bin - 1 && room > 0) {
      picked.push(i);
      room -= 1;
    }
  }
  return { picked, max, meanAbs };
}

/**
 * Every layer's strongest `top` weights from the flat weights (as Trainer.weights() gives them:
 * each layer's column-major units × inputs weights, then its bias): [{units, inputs, index:
 * Uint32Array (k = i·units + u), value: Float32Array, max, meanAbs, total}].
 */
export function compactWeights(flat, units, top) {
  const layers = [];
  let offset = 0;
  for (let l = 1; l < units.length; l++) {
    const total = units[l] * units[l - 1];
    const w = flat.subarray(offset, offset + total);
    offset += total + units[l];
    const { picked, max, meanAbs } = strongest(w, top);
    const index = Uint32Array.from(picked);
    layers.push({ units: units[l], inputs: units[l - 1], index, value: Float32Array.from(index, (k) => w[k]), max, meanAbs, total });
  }
  return layers;
}
