// Confusion-matrix heatmap (rows = true class, columns = predicted) with the count in each cell
// and each class's precision and recall beside it.
import { prepare, text, empty, blues, MUTED, INK, SMALL_FONT } from './axes.js';

/**
 * data: {matrix: number[][] (matrix[true][pred]), classNames?: string[], perClass?: [{precision, recall, f1, support}]}
 * options: {title?}
 */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const m = data?.matrix;
  if (!m || m.length === 0) {
    empty(ctx, w, h, options.emptyText || 'Confusion matrix appears after the first epoch');
    return;
  }
  const k = m.length;
  const raw = (data.classNames && data.classNames.length === k ? data.classNames : m.map((_, i) => String(i)))
    .map((n) => (String(n).length > 10 ? `${String(n).slice(0, 9)}…` : String(n)));
  // long names: columns show the class index, rows "index name"
  const indexed = raw.some((n, i) => n !== String(i) && n.length > 3);
  const names = indexed ? raw.map((n, i) => (n === String(i) ? n : `${i} ${n}`)) : raw;
  const columnNames = indexed ? raw.map((_, i) => String(i)) : raw;
  const per = data.perClass && data.perClass.length === k ? data.perClass : null;
  ctx.font = SMALL_FONT;
  const labelW = Math.min(110, Math.max(...names.map((n) => ctx.measureText(n).width)) + 10);
  const statsW = per ? 96 : 0;
  const top = 34;
  const left = labelW + 16;
  const size = Math.max(6, Math.floor(Math.min((w - left - statsW - 8) / k, (h - top - 8) / k)));
  const gridW = size * k;

  text(ctx, 'predicted →', left + gridW / 2, 8, { align: 'center', color: MUTED, font: SMALL_FONT });
  ctx.save();
  ctx.translate(8, top + gridW / 2);
  ctx.rotate(-Math.PI / 2);
  text(ctx, 'true →', 0, 0, { align: 'center', color: MUTED, font: SMALL_FONT });
  ctx.restore();

  const fontPx = Math.max(8, Math.min(12, Math.floor(size / 3)));
  const cellFont = `${fontPx}px system-ui, sans-serif`;
  for (let t = 0; t < k; t++) {
    const rowSum = m[t].reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < k; p++) {
      const v = m[t][p];
      const share = v / rowSum;
      const x = left + p * size;
      const y = top + t * size;
      ctx.fillStyle = v === 0 ? '#f9fafb' : blues(0.12 + 0.88 * Math.sqrt(share));
      ctx.fillRect(x, y, size - 1, size - 1);
      if (t === p) {
        ctx.strokeStyle = '#111827';
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, size - 2, size - 2);
      }
      if (size >= 16 && v > 0) {
        const label = v >= 10000 ? `${Math.round(v / 1000)}k` : String(v);
        text(ctx, label, x + size / 2, y + size / 2, { align: 'center', color: share > 0.45 ? '#ffffff' : INK, font: cellFont });
      }
    }
    text(ctx, names[t], left - 6, top + t * size + size / 2, { align: 'right', color: INK, font: SMALL_FONT });
  }
  // column labels (class index or short name) above the grid
  for (let p = 0; p < k; p++) {
    text(ctx, columnNames[p], left + p * size + size / 2, top - 10, { align: 'center', color: INK, font: SMALL_FONT });
  }
  if (per) {
    const sx = left + gridW + 10;
    text(ctx, 'prec', sx + 20, top - 10, { align: 'center', color: MUTED, font: SMALL_FONT });
    text(ctx, 'recall', sx + 66, top - 10, { align: 'center', color: MUTED, font: SMALL_FONT });
    for (let c = 0; c < k; c++) {
      const y = top + c * size + size / 2;
      const f = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}` : '–');
      text(ctx, f(per[c].precision), sx + 20, y, { align: 'center', color: INK, font: SMALL_FONT });
      text(ctx, f(per[c].recall), sx + 66, y, { align: 'center', color: INK, font: SMALL_FONT });
    }
  }
}
