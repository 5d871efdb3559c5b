// Metric against each parameter: small panels side by side, one dot per trial (choices spread
// over their categories with a little jitter), the best trial ringed.
import { prepare, text, empty, tickLabel, MUTED, INK, GRID, PALETTE, SMALL_FONT } from './axes.js';

/** data: {columns: [{path, kind, log, values, categories?, min?, max?}], metric: number[], metricName, best?: index} */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const cols = data?.columns || [];
  const metric = data?.metric || [];
  if (metric.length === 0 || cols.length === 0) {
    empty(ctx, w, h, options.emptyText || 'Trials appear here as they finish');
    return;
  }
  const per = Math.min(cols.length, Math.max(1, Math.floor(w / 180)));
  const rows = Math.ceil(cols.length / per);
  const pw = w / per;
  const ph = h / rows;
  const mLo = Math.min(...metric);
  const mHi = Math.max(...metric) > mLo ? Math.max(...metric) : mLo + 1;
  cols.forEach((c, k) => {
    const ox = (k % per) * pw;
    const oy = Math.floor(k / per) * ph;
    const l = ox + 36;
    const r = ox + pw - 8;
    const t = oy + 18;
    const b = oy + ph - 18;
    ctx.strokeStyle = GRID;
    ctx.strokeRect(l, t, r - l, b - t);
    text(ctx, c.path + (c.log ? ' (log)' : ''), (l + r) / 2, oy + 8, { align: 'center', font: SMALL_FONT, color: INK });
    text(ctx, tickLabel(mHi), l - 3, t, { align: 'right', font: SMALL_FONT, color: MUTED });
    text(ctx, tickLabel(mLo), l - 3, b, { align: 'right', font: SMALL_FONT, color: MUTED });
    const f = (v) => (c.log ? Math.log10(v) : v);
    const xOf = (v, i) => {
      if (c.kind === 'choice') {
        const n = c.categories.length;
        const jitter = ((i * 7919) % 13) / 13 - 0.5;
        return l + ((c.categories.indexOf(v) + 0.5 + jitter * 0.5) / n) * (r - l);
      }
      const lo = f(c.min);
      const hi = f(c.max);
      return hi > lo ? l + ((f(v) - lo) / (hi - lo)) * (r - l) : (l + r) / 2;
    };
    if (c.kind === 'choice') {
      c.categories.forEach((cat, j) => text(ctx, cat, l + ((j + 0.5) / c.categories.length) * (r - l), b + 9, { align: 'center', font: SMALL_FONT, color: MUTED }));
    } else {
      text(ctx, tickLabel(c.min), l, b + 9, { font: SMALL_FONT, color: MUTED });
      text(ctx, tickLabel(c.max), r, b + 9, { align: 'right', font: SMALL_FONT, color: MUTED });
    }
    metric.forEach((m, i) => {
      const v = c.values[i];
      if (v === null || v === undefined) return;
      const x = xOf(v, i);
      const y = b - ((m - mLo) / (mHi - mLo)) * (b - t);
      ctx.fillStyle = PALETTE[0];
      ctx.globalAlpha = 0.7;
      ctx.beginPath();
      ctx.arc(x, y, 3, 0, Math.PI * 2);
      ctx.fill();
      ctx.globalAlpha = 1;
      if (i === data.best) {
        ctx.strokeStyle = PALETTE[1];
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, 6, 0, Math.PI * 2);
        ctx.stroke();
        ctx.lineWidth = 1;
      }
    });
  });
}
