// Parameter importance: per parameter, a bar of the random-forest importance and the rank
// correlation with the metric (Spearman ρ for numbers, η for choices) printed beside it.
import { prepare, text, empty, MUTED, INK, SMALL_FONT, PALETTE } from './axes.js';

/** data: {rows: [{path, kind, forest, spearman, pearson, eta}]} */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const rows = [...(data?.rows || [])].sort((a, b) => (b.forest || 0) - (a.forest || 0));
  if (rows.length === 0 || rows.every((r) => !(r.forest > 0))) {
    empty(ctx, w, h, options.emptyText || 'Importance needs a few finished trials with different results');
    return;
  }
  ctx.font = SMALL_FONT;
  const labelW = Math.max(...rows.map((r) => ctx.measureText(r.path).width)) + 10;
  const corrW = 120;
  const x0 = labelW;
  const x1 = w - corrW;
  const rowH = Math.min(26, (h - 24) / rows.length);
  text(ctx, 'forest importance', x0, 8, { font: SMALL_FONT, color: MUTED });
  text(ctx, 'correlation', x1 + 6, 8, { font: SMALL_FONT, color: MUTED });
  rows.forEach((r, i) => {
    const y = 20 + i * rowH;
    text(ctx, r.path, labelW - 6, y + rowH / 2, { align: 'right', font: SMALL_FONT, color: INK });
    const bw = Math.max(0, (r.forest || 0) * (x1 - x0 - 40));
    ctx.fillStyle = PALETTE[0];
    ctx.fillRect(x0, y + 3, bw, rowH - 6);
    text(ctx, `${Math.round((r.forest || 0) * 100)}%`, x0 + bw + 4, y + rowH / 2, { font: SMALL_FONT, color: MUTED });
    const corr = r.kind === 'number'
      ? `ρ ${fmt(r.spearman)}  r ${fmt(r.pearson)}`
      : `η ${fmt(r.eta)}`;
    text(ctx, corr, x1 + 6, y + rowH / 2, { font: SMALL_FONT, color: INK });
  });
}

function fmt(x) {
  return Number.isFinite(x) ? x.toFixed(2) : '–';
}
