// Horizontal bars of class probabilities, the most likely class highlighted.
import { prepare, text, empty, INK, MUTED, SMALL_FONT, FONT } from './axes.js';

/** data: {probs: number[], names?: string[]} */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const probs = data?.probs || [];
  if (probs.length === 0) {
    empty(ctx, w, h, options.emptyText || 'Train a model, then draw or pick an image');
    return;
  }
  const names = probs.map((_, i) => String(data.names?.[i] ?? i));
  let best = 0;
  probs.forEach((p, i) => { if (p > probs[best]) best = i; });
  ctx.font = SMALL_FONT;
  const labelW = Math.min(110, Math.max(...names.map((n) => ctx.measureText(n).width)) + 10);
  const rowH = Math.min(22, (h - 4) / probs.length);
  const barMax = w - labelW - 56;
  probs.forEach((p, i) => {
    const y = 2 + i * rowH;
    text(ctx, names[i], labelW - 6, y + rowH / 2, { align: 'right', color: i === best ? INK : MUTED, font: i === best ? FONT : SMALL_FONT });
    ctx.fillStyle = '#f3f4f6';
    ctx.fillRect(labelW, y + 2, barMax, rowH - 4);
    ctx.fillStyle = i === best ? '#2563eb' : '#93c5fd';
    ctx.fillRect(labelW, y + 2, Math.max(1, barMax * Math.max(0, Math.min(1, p))), rowH - 4);
    text(ctx, `${(p * 100).toFixed(1)}%`, labelW + barMax + 6, y + rowH / 2, { color: INK, font: SMALL_FONT });
  });
}
