// The network as a picture: inputs → hidden layers → outputs. Each neuron a node filled with its
// activation function's colour (or, for a picked example, shaded by its activation with a ring of
// that colour); edges blue for positive weights and orange for negative, wider and darker with
// |w|. A layer pair with more than EDGE_LIMIT weights shows only its strongest; the rest are
// summarised in a line of text. 784 (or any h×w) image inputs are drawn as the image grid.
import { prepare, SMALL_FONT, MUTED, INK } from './axes.js';

const EDGE_LIMIT = 400;
const COLUMN_MAX = 64; // nodes per sub-column before a wide layer wraps
const POS = [37, 99, 235];
const NEG = [234, 88, 12];

/**
 * net: {units: [inputs, …layer units], weights: Float32Array | null (as the worker's 'weights'),
 *       activations: [[name per unit] per layer], colors: {name: css colour},
 *       imageShape: [h, w, c] | null, imageLayout: 'hwc' | 'chw', values: [Float32Array per layer] | null (one example),
 *       input: Float32Array | null (that example's raw features), selected: {layer, unit} | null}
 * Returns {nodes: [{layer, unit, x, y, r}], edges: [{layer, drawn, total, meanAbs}]}; layer 0 is
 * the input, layer l ≥ 1 is the engine's layer l − 1.
 */
export function draw(canvas, net) {
  const { ctx, w, h } = prepare(canvas, 800, 480);
  const cols = columns(net, w, h);
  const edges = drawEdges(ctx, net, cols);
  const nodes = [];
  cols.forEach((col, l) => drawColumn(ctx, net, col, l, nodes));
  ctx.font = SMALL_FONT;
  ctx.fillStyle = MUTED;
  ctx.textAlign = 'center';
  cols.forEach((col, l) => ctx.fillText(label(net, l), col.x, h - 8));
  return { nodes, edges };
}

function label(net, l) {
  if (l === 0) return net.imageShape ? `${net.imageShape[0]}×${net.imageShape[1]} input` : `${net.units[0]} inputs`;
  return `${net.units[l]} ${l === net.units.length - 1 ? 'outputs' : 'hidden'}`;
}

/** Where each layer's nodes sit: {x, pos(unit) → {x, y}, r, grid?}. */
function columns(net, w, h) {
  const n = net.units.length;
  const top = 14;
  const bottom = h - 24;
  const gridSide = net.imageShape ? Math.min(bottom - top, w / (n + 1.2)) : 0;
  const left = net.imageShape ? 10 + gridSide : 40;
  const gap = (w - left - 30) / Math.max(1, n - 1);
  return net.units.map((units, l) => {
    if (l === 0 && net.imageShape) return gridColumn(net.imageShape, net.imageLayout === 'chw', 10, top + (bottom - top - gridSide) / 2, gridSide);
    const x = l === 0 ? left : left + gap * l;
    const sub = Math.ceil(units / COLUMN_MAX);
    const perCol = Math.ceil(units / sub);
    const step = Math.min(22, (bottom - top) / perCol);
    const span = step * perCol;
    const y0 = top + (bottom - top - span) / 2 + step / 2;
    const subGap = Math.min(12, gap / (sub + 1));
    const r = Math.max(1.5, Math.min(8, step * 0.4));
    return {
      x, r,
      pos: (u) => ({ x: x + (Math.floor(u / perCol) - (sub - 1) / 2) * subGap, y: y0 + (u % perCol) * step }),
    };
  });
}

// A colour image's channels share their pixel's cell (inputs in hwc or chw order).
function gridColumn([gh, gw, c = 1], chw, x0, y0, side) {
  const cell = side / Math.max(gh, gw);
  const pixel = (i) => (chw ? i % (gh * gw) : Math.floor(i / c));
  return {
    x: x0 + side / 2, r: cell / 2, grid: { gh, gw, c, chw, cell, x0, y0 },
    pos: (i) => {
      const p = pixel(i);
      return { x: x0 + ((p % gw) + 0.5) * cell, y: y0 + (Math.floor(p / gw) + 0.5) * cell };
    },
  };
}

function drawEdges(ctx, net, cols) {
  const out = [];
  if (!net.weights) return out;
  let offset = 0;
  for (let l = 1; l < net.units.length; l++) {
    const units = net.units[l];
    const inputs = net.units[l - 1];
    const count = units * inputs;
    const layer = net.weights.subarray(offset, offset + count);
    offset += count + units; // the bias follows the weights
    const { picked, max, meanAbs } = strongest(layer, EDGE_LIMIT);
    for (const k of picked) {
      const v = layer[k];
      const u = k % units;
      const i = Math.floor(k / units);
      const a = cols[l - 1].pos(i);
      const b = cols[l].pos(u);
      const t = max > 0 ? Math.abs(v) / max : 0;
      const [r, g, bl] = v >= 0 ? POS : NEG;
      ctx.strokeStyle = `rgba(${r},${g},${bl},${(0.15 + 0.75 * t).toFixed(3)})`;
      ctx.lineWidth = 0.4 + 2.6 * t;
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.stroke();
    }
    out.push({ layer: l, drawn: picked.length, total: count, meanAbs, max });
  }
  return out;
}

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
  const threshold = bin / scale;
  const picked = [];
  for (let i = 0; i < values.length && picked.length < limit; i++) if (Math.abs(values[i]) >= threshold) picked.push(i);
  return { picked, max, meanAbs };
}

function drawColumn(ctx, net, col, l, nodes) {
  const units = net.units[l];
  const values = l > 0 ? net.values?.[l - 1] : net.input;
  const [lo, hi] = values ? range(values) : [0, 1];
  if (col.grid) {
    const { gh, gw, c, chw, cell, x0, y0 } = col.grid;
    for (let p = 0; p < gh * gw; p++) {
      const v = values ? (values[chw ? p : p * c] - lo) / (hi - lo || 1) : 0.85;
      const g = Math.round(255 * (values ? v : 0.92));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(x0 + (p % gw) * cell, y0 + Math.floor(p / gw) * cell, cell - 0.3, cell - 0.3);
    }
    ctx.strokeStyle = '#9ca3af';
    ctx.strokeRect(x0, y0, gw * cell, gh * cell);
    return;
  }
  for (let u = 0; u < units; u++) {
    const { x, y } = col.pos(u);
    const act = l > 0 ? net.activations?.[l - 1]?.[u] : null;
    const colour = (act && net.colors?.[act]) || '#9ca3af';
    ctx.beginPath();
    ctx.arc(x, y, col.r, 0, 2 * Math.PI);
    if (values) {
      const t = (values[u] - lo) / (hi - lo || 1);
      const g = Math.round(250 - 220 * t);
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fill();
      ctx.lineWidth = Math.max(1, col.r / 3);
      ctx.strokeStyle = colour;
      ctx.stroke();
    } else {
      ctx.fillStyle = colour;
      ctx.fill();
    }
    const sel = net.selected;
    if (sel && sel.layer === l && sel.unit === u) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = INK;
      ctx.beginPath();
      ctx.arc(x, y, col.r + 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (l > 0) nodes.push({ layer: l, unit: u, x, y, r: col.r });
  }
}

function range(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** The node under (x, y), or the nearest within a few pixels of its edge. */
export function nodeAt(nodes, x, y) {
  let best = null;
  let bestD = Infinity;
  for (const n of nodes) {
    const d = Math.hypot(n.x - x, n.y - y) - n.r;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return bestD <= 4 ? best : null;
}
