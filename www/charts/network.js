// The network as a picture: inputs → hidden layers → outputs. Each neuron a node filled with its
// activation function's colour (or, for a picked example, shaded by its activation with a ring of
// that colour); edges blue for positive weights and orange for negative, wider and darker with
// |w|. A layer pair with more than EDGE_LIMIT weights shows only its strongest; the rest are
// summarised in a line of text. 784 (or any h×w) image inputs are drawn as the image grid.
import { prepare, SMALL_FONT, MUTED, INK } from './axes.js';

const LEVELS = 6; // edge strengths drawn as this many widths and shades
const COLUMN_MAX = 64; // nodes per sub-column before a wide layer wraps
const POS = [37, 99, 235];
const NEG = [234, 88, 12];

/**
 * net: {units: [inputs, …layer units], edges: [per layer {units, index, value, max, meanAbs,
 *       total}] | null (the worker's compact 'weights', www/edges.js),
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
  if (l < net.units.length - 1) return `${net.units[l]} hidden`;
  return net.units[l] === 1 ? '1 output' : `${net.units[l]} outputs`;
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
  // Device pixels per CSS pixel: hairlines are one device pixel wide.
  const px = ctx.getTransform().a || 1;
  for (const [n, e] of (net.edges || []).entries()) {
    const l = n + 1;
    // One path per sign and strength level: a few strokes per layer instead of one per edge.
    const paths = new Map();
    for (let j = 0; j < e.index.length; j++) {
      const k = e.index[j];
      const v = e.value[j];
      const level = Math.min(LEVELS - 1, Math.floor((e.max > 0 ? Math.abs(v) / e.max : 0) * LEVELS));
      const key = (v >= 0 ? 0 : LEVELS) + level;
      if (!paths.has(key)) paths.set(key, new Path2D());
      const a = cols[l - 1].pos(Math.floor(k / e.units));
      const b = cols[l].pos(k % e.units);
      band(paths.get(key), a, b, copies(level, px), px);
    }
    for (const [key, path] of [...paths].sort((x, y) => (x[0] % LEVELS) - (y[0] % LEVELS))) {
      const level = key % LEVELS;
      const [r, g, bl] = key < LEVELS ? POS : NEG;
      ctx.strokeStyle = `rgba(${r},${g},${bl},${(0.15 + 0.75 * strength(level)).toFixed(3)})`;
      ctx.lineWidth = Math.min(width(level), 1 / px);
      ctx.stroke(path);
    }
    out.push({ layer: l, drawn: e.index.length, total: e.total, meanAbs: e.meanAbs, max: e.max });
  }
  return out;
}

const strength = (level) => (level + 0.5) / LEVELS;
/** An edge's width in CSS pixels at a strength level. */
const width = (level) => 0.4 + 2.6 * strength(level);
/** Device-pixel hairlines that make up that width. */
const copies = (level, px) => Math.max(1, Math.round(width(level) * px));

/**
 * A wide edge as `count` parallel hairlines one device pixel apart. A software canvas (no GPU)
 * strokes a path of wide lines by outlining and filling it, about 20× the cost of hairlines: with
 * 1,200 edges that was 60–120 ms of the page's thread per redraw, hairlines take 3–6 ms.
 */
function band(path, a, b, count, px) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len / px;
  const ny = dx / len / px;
  for (let i = 0; i < count; i++) {
    const o = i - (count - 1) / 2;
    path.moveTo(a.x + nx * o, a.y + ny * o);
    path.lineTo(b.x + nx * o, b.y + ny * o);
  }
}

function drawColumn(ctx, net, col, l, nodes) {
  const units = net.units[l];
  const values = l > 0 ? net.values?.[l - 1] : net.input;
  const [lo, hi] = values ? range(values) : [0, 1];
  if (col.grid) {
    drawGrid(ctx, col.grid, values, lo, hi);
    return;
  }
  // Without an example every node is its activation's colour: one path per colour.
  const fills = new Map();
  for (let u = 0; u < units; u++) {
    const { x, y } = col.pos(u);
    const act = l > 0 ? net.activations?.[l - 1]?.[u] : null;
    const colour = (act && net.colors?.[act]) || '#9ca3af';
    if (values) {
      const t = (values[u] - lo) / (hi - lo || 1);
      const g = Math.round(250 - 220 * t);
      ctx.beginPath();
      ctx.arc(x, y, col.r, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fill();
      ctx.lineWidth = Math.max(1, col.r / 3);
      ctx.strokeStyle = colour;
      ctx.stroke();
    } else {
      if (!fills.has(colour)) fills.set(colour, new Path2D());
      const path = fills.get(colour);
      path.moveTo(x + col.r, y);
      path.arc(x, y, col.r, 0, 2 * Math.PI);
    }
    if (l > 0) nodes.push({ layer: l, unit: u, x, y, r: col.r });
  }
  for (const [colour, path] of fills) {
    ctx.fillStyle = colour;
    ctx.fill(path);
  }
  const sel = net.selected;
  if (sel && sel.layer === l && sel.unit < units) {
    const { x, y } = col.pos(sel.unit);
    ctx.lineWidth = 2;
    ctx.strokeStyle = INK;
    ctx.beginPath();
    ctx.arc(x, y, col.r + 3, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/** The image inputs as one scaled bitmap (the example's pixels, or a flat grey). */
function drawGrid(ctx, { gh, gw, c, chw, cell, x0, y0 }, values, lo, hi) {
  const img = new ImageData(gw, gh);
  for (let p = 0; p < gh * gw; p++) {
    const g = values ? Math.round((255 * (values[chw ? p : p * c] - lo)) / (hi - lo || 1)) : 235;
    img.data.set([g, g, g, 255], p * 4);
  }
  const bitmap = new OffscreenCanvas(gw, gh);
  bitmap.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(bitmap, x0, y0, gw * cell, gh * cell);
  ctx.strokeStyle = '#9ca3af';
  ctx.lineWidth = 1;
  ctx.strokeRect(x0, y0, gw * cell, gh * cell);
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
