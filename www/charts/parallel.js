// Parallel coordinates: one vertical axis per parameter plus the metric, one line per trial,
// coloured by the metric (the best end of the goal in dark blue).
import { prepare, text, empty, tickLabel, MUTED, INK, GRID, SMALL_FONT } from './axes.js';

/**
 * data: {columns: [{path, kind, log, values, categories?, min?, max?}], metric: number[], metricName, goal}
 * options: {highlight?: index of a trial to draw thick}
 */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const cols = data?.columns || [];
  const metric = data?.metric || [];
  if (metric.length === 0) {
    empty(ctx, w, h, options.emptyText || 'Trials appear here as they finish');
    return;
  }
  const axes = [...cols, { path: data.metricName || 'metric', kind: 'number', log: false, values: metric,
    min: Math.min(...metric), max: Math.max(...metric) }];
  const top = 30;
  const bottom = h - 22;
  const left = 40;
  const right = w - 40;
  const step = axes.length > 1 ? (right - left) / (axes.length - 1) : 0;
  const xOf = (i) => left + i * step;
  const yOf = (axis, v) => {
    if (v === null || v === undefined) return bottom + 10; // inactive: below the axis
    if (axis.kind === 'choice') {
      const k = axis.categories.indexOf(v);
      return axis.categories.length > 1 ? bottom - (k / (axis.categories.length - 1)) * (bottom - top) : (top + bottom) / 2;
    }
    const f = (x) => (axis.log ? Math.log10(x) : x);
    const lo = f(axis.min);
    const hi = f(axis.max);
    return hi > lo ? bottom - ((f(v) - lo) / (hi - lo)) * (bottom - top) : (top + bottom) / 2;
  };
  const mLo = Math.min(...metric);
  const mHi = Math.max(...metric);
  const goodness = (v) => {
    const t = mHi > mLo ? (v - mLo) / (mHi - mLo) : 1;
    return data.goal === 'minimize' ? 1 - t : t;
  };
  const colour = (t) => `hsl(${Math.round(10 + t * 210)}, 75%, ${Math.round(55 - t * 20)}%)`;
  // worst first, so the best lines end up on top
  const order = metric.map((v, i) => i).sort((a, b) => goodness(metric[a]) - goodness(metric[b]));
  for (const i of order) {
    const thick = options.highlight === i;
    ctx.strokeStyle = colour(goodness(metric[i]));
    ctx.globalAlpha = thick ? 1 : 0.75;
    ctx.lineWidth = thick ? 3 : 1.3;
    ctx.beginPath();
    axes.forEach((a, k) => {
      const y = yOf(a, a.values[i]);
      if (k === 0) ctx.moveTo(xOf(k), y);
      else ctx.lineTo(xOf(k), y);
    });
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  axes.forEach((a, k) => {
    const x = xOf(k);
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    const align = k === 0 ? 'left' : k === axes.length - 1 ? 'right' : 'center';
    text(ctx, a.path + (a.log ? ' (log)' : ''), x + (k === 0 ? -30 : k === axes.length - 1 ? 30 : 0), 12, { align, font: SMALL_FONT, color: INK });
    const labels = a.kind === 'choice'
      ? a.categories.map((c) => [c, yOf(a, c)])
      : [[tickLabel(a.max), top], [tickLabel(a.min), bottom]];
    for (const [label, y] of labels) text(ctx, label, x + 3, y, { font: SMALL_FONT, color: MUTED });
  });
}
