// Decision boundary of a 2-D classifier: the model's outputs on a grid, coloured by class and
// confidence, with the data points on top.
import { prepare, text, empty, scale, niceTicks, tickLabel, mix, MUTED, SMALL_FONT } from './axes.js';

const CLASS_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];

/**
 * data: {grid?: {nx, ny, x0, x1, y0, y1, outputs: ArrayLike<number> (nx*ny rows of k, row-major, y from y0 up), k},
 *        points?: {xs: ArrayLike<number>, ys: ArrayLike<number>, labels: ArrayLike<number>}}
 */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const grid = data?.grid;
  const pts = data?.points;
  if (!grid && !pts) {
    empty(ctx, w, h, options.emptyText || 'The decision boundary appears after the first epoch');
    return;
  }
  const x0 = grid ? grid.x0 : Math.min(...pts.xs);
  const x1 = grid ? grid.x1 : Math.max(...pts.xs);
  const y0 = grid ? grid.y0 : Math.min(...pts.ys);
  const y1 = grid ? grid.y1 : Math.max(...pts.ys);
  const left = 36;
  const bottom = 22;
  const size = Math.min(w - left - 8, h - bottom - 8);
  const X = scale(x0, x1, left, left + size);
  const Y = scale(y0, y1, 8 + size, 8);
  if (grid) {
    const { nx, ny, outputs, k } = grid;
    const cw = size / nx;
    const ch = size / ny;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r = (j * nx + i) * k;
        let cls;
        let conf;
        if (k === 1) {
          const p = outputs[r];
          cls = p > 0.5 ? 1 : 0;
          conf = Math.abs(p - 0.5) * 2;
        } else {
          cls = 0;
          for (let c = 1; c < k; c++) if (outputs[r + c] > outputs[r + cls]) cls = c;
          conf = Math.max(0, Math.min(1, (outputs[r + cls] - 1 / k) / (1 - 1 / k)));
        }
        ctx.fillStyle = mix('#ffffff', CLASS_COLORS[cls % CLASS_COLORS.length], 0.12 + 0.45 * conf);
        ctx.fillRect(left + i * cw, 8 + size - (j + 1) * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
  }
  if (pts) {
    const n = Math.min(pts.xs.length, pts.ys.length, pts.labels.length);
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = CLASS_COLORS[Math.round(pts.labels[i]) % CLASS_COLORS.length];
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.arc(X(pts.xs[i]), Y(pts.ys[i]), 3, 0, Math.PI * 2); ctx.fill(); ctx.stroke();
    }
  }
  ctx.strokeStyle = '#9ca3af';
  ctx.strokeRect(left + 0.5, 8.5, size, size);
  for (const v of niceTicks(x0, x1, 4)) text(ctx, tickLabel(v), X(v), 8 + size + 10, { align: 'center', color: MUTED, font: SMALL_FONT });
  for (const v of niceTicks(y0, y1, 4)) text(ctx, tickLabel(v), left - 5, Y(v), { align: 'right', color: MUTED, font: SMALL_FONT });
}
