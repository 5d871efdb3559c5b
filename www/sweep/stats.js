// Numbers behind the sweep views and reports: mean ± sd, Pearson and Spearman correlation, the
// correlation ratio η for choices, Welch's t, and a small random-forest importance.
//
// Importance (documented in README.md): a forest of FOREST_TREES regression trees predicting the
// metric from the parameters, each grown on a bootstrap sample of the trials (depth ≤ 4, ≥ 2
// trials per leaf, thresholds between sorted distinct values). Every parameter is considered at
// every split, as scikit-learn's forests do by default: with a handful of parameters, sampling a
// third of them per split mostly measures which one was drawn. A parameter's importance is its
// total decrease of squared error over all splits on it (mean decrease in impurity), normalised
// to sum to 1. Choices enter as their index in the spec's order, an inactive parameter as a
// value below every real one. The forest's random stream is seeded, so the same trials always
// give the same bars.

export const FOREST_TREES = 60;
const MAX_DEPTH = 4;
const MIN_LEAF = 2;

export function mean(xs) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sd(xs) {
  if (xs.length < 2) return xs.length === 1 ? 0 : NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function pearson(xs, ys) {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Ranks with ties sharing their mean rank. */
export function ranks(xs) {
  const order = xs.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function spearman(xs, ys) {
  return pearson(ranks(xs), ranks(ys));
}

/** η: how much of the metric's variance the groups explain, as a correlation in [0, 1]. */
export function correlationRatio(labels, ys) {
  if (ys.length < 3) return NaN;
  const m = mean(ys);
  const total = ys.reduce((a, y) => a + (y - m) ** 2, 0);
  if (total === 0) return NaN;
  const groups = new Map();
  labels.forEach((l, i) => {
    if (!groups.has(l)) groups.set(l, []);
    groups.get(l).push(ys[i]);
  });
  let between = 0;
  for (const g of groups.values()) between += g.length * (mean(g) - m) ** 2;
  return Math.sqrt(between / total);
}

/** Welch's t statistic of a − b (NaN when either group has fewer than two values). */
export function welchT(a, b) {
  if (a.length < 2 || b.length < 2) return NaN;
  const se = Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
  return se > 0 ? (mean(a) - mean(b)) / se : (mean(a) === mean(b) ? 0 : Infinity * Math.sign(mean(a) - mean(b)));
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sse(ys, idx) {
  if (idx.length === 0) return 0;
  let m = 0;
  for (const i of idx) m += ys[i];
  m /= idx.length;
  let s = 0;
  for (const i of idx) s += (ys[i] - m) ** 2;
  return s;
}

/** Mean decrease in impurity per feature; X: rows of numbers (n × d), y: n numbers. */
export function forestImportance(X, y, { trees = FOREST_TREES, seed = 1 } = {}) {
  const n = y.length;
  const d = X[0]?.length ?? 0;
  const gain = new Array(d).fill(0);
  if (n < 2 * MIN_LEAF || d === 0) return gain;
  const rand = mulberry32(seed);
  const grow = (idx, depth) => {
    if (depth >= MAX_DEPTH || idx.length < 2 * MIN_LEAF) return;
    const parent = sse(y, idx);
    if (parent <= 0) return;
    let best = null;
    for (let j = 0; j < d; j++) {
      const sorted = [...idx].sort((a, b) => X[a][j] - X[b][j]);
      for (let s = MIN_LEAF; s <= sorted.length - MIN_LEAF; s++) {
        if (X[sorted[s - 1]][j] === X[sorted[s]][j]) continue;
        const left = sorted.slice(0, s);
        const right = sorted.slice(s);
        const decrease = parent - sse(y, left) - sse(y, right);
        if (!best || decrease > best.decrease) best = { j, decrease, left, right };
      }
    }
    if (!best || best.decrease <= 0) return;
    gain[best.j] += best.decrease;
    grow(best.left, depth + 1);
    grow(best.right, depth + 1);
  };
  for (let t = 0; t < trees; t++) {
    const sample = Array.from({ length: n }, () => Math.floor(rand() * n));
    grow(sample, 0);
  }
  const total = gain.reduce((a, b) => a + b, 0);
  return total > 0 ? gain.map((g) => g / total) : gain;
}
