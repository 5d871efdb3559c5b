// Predicted-vs-true scatter for regression, with the y = x diagonal.
import { prepare, niceTicks, tickLabel, scale, text, empty, GRID, MUTED, SMALL_FONT } from './axes.js';

/** data: {truth: ArrayLike<number>, predicted: ArrayLike<number>}; options: {r2?, label?} */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const t = data?.truth || [];
  const p = data?.predicted || [];
  const n = Math.min(t.length, p.length);
  if (n === 0) {
    empty(ctx, w, h, options.emptyText || 'Predictions appear after the first epoch');
    return;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(t[i])) { lo = Math.min(lo, t[i]); hi = Math.max(hi, t[i]); }
    if (Number.isFinite(p[i])) { lo = Math.min(lo, p[i]); hi = Math.max(hi, p[i]); }
  }
  if (lo === hi) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.04;
  lo -= pad; hi += pad;
  const left = 52;
  const bottom = 34;
  const top = 22;
  const size = Math.min(w - left - 10, h - top - bottom);
  const X = scale(lo, hi, left, left + size);
  const Y = scale(lo, hi, top + size, top);
  const ticks = niceTicks(lo, hi, 5);
  ctx.lineWidth = 1;
  for (const v of ticks) {
    ctx.strokeStyle = GRID;
    ctx.beginPath(); ctx.moveTo(X(v), top); ctx.lineTo(X(v), top + size); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(left, Y(v)); ctx.lineTo(left + size, Y(v)); ctx.stroke();
    text(ctx, tickLabel(v), X(v), top + size + 10, { align: 'center', color: MUTED, font: SMALL_FONT });
    text(ctx, tickLabel(v), left - 6, Y(v), { align: 'right', color: MUTED, font: SMALL_FONT });
  }
  ctx.strokeStyle = '#9ca3af';
  ctx.strokeRect(left + 0.5, top + 0.5, size, size);
  ctx.strokeStyle = '#dc2626';
  ctx.setLineDash([5, 4]);
  ctx.beginPath(); ctx.moveTo(X(lo), Y(lo)); ctx.lineTo(X(hi), Y(hi)); ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = 'rgba(37,99,235,0.55)';
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(t[i]) || !Number.isFinite(p[i])) continue;
    ctx.beginPath(); ctx.arc(X(t[i]), Y(p[i]), 2.5, 0, Math.PI * 2); ctx.fill();
  }
  text(ctx, 'true value', left + size / 2, top + size + 26, { align: 'center', color: MUTED, font: SMALL_FONT });
  ctx.save();
  ctx.translate(10, top + size / 2);
  ctx.rotate(-Math.PI / 2);
  text(ctx, 'predicted', 0, 0, { align: 'center', color: MUTED, font: SMALL_FONT });
  ctx.restore();
  const head = `${options.label || 'test set'}: ${n} points` + (Number.isFinite(options.r2) ? `, R² ${options.r2.toFixed(3)}` : '');
  text(ctx, head, left, 10, { color: MUTED, font: SMALL_FONT });
}
