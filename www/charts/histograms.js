// Weight histograms per layer over epochs: for each layer a heat strip whose x axis is the epoch,
// y axis the weight value and colour the share of weights in that bin.
import { prepare, text, empty, blues, scale, tickLabel, MUTED, INK, SMALL_FONT } from './axes.js';

/**
 * data: {layers: [[{min, max, counts: number[]} per epoch] per layer], epochs?: number[], names?: string[]}
 * epochs: the epoch of each histogram (a long run keeps histograms for some epochs only); each
 * column shows the latest histogram at or before its epoch. Without it, histograms are epochs 1, 2, …
 */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const layers = (data?.layers || []).filter((l) => l && l.length > 0);
  if (layers.length === 0) {
    empty(ctx, w, h, options.emptyText || 'Weight histograms appear after each epoch');
    return;
  }
  const gap = 18;
  const left = 54;
  const right = 8;
  const bandH = Math.max(24, (h - 14 - gap * layers.length) / layers.length);
  layers.forEach((hist, li) => {
    const top = 14 + li * (bandH + gap);
    const lo = hist.reduce((m, x) => Math.min(m, x.min), Infinity);
    const hi = hist.reduce((m, x) => Math.max(m, x.max), -Infinity);
    const Y = scale(lo, hi === lo ? lo + 1 : hi, top + bandH, top);
    // at most one column per pixel: long runs are sampled, not overdrawn
    const plotW = w - left - right;
    const name = data.names?.[li] ?? `layer ${li + 1}`;
    const epochs = data.epochs?.length === hist.length ? data.epochs : hist.map((_, i) => i + 1);
    const first = epochs[0];
    const last = epochs[epochs.length - 1];
    // one column per epoch, at most one per pixel
    const cols = Math.min(last - first + 1, Math.max(1, Math.floor(plotW)));
    const colW = plotW / cols;
    text(ctx, `${name}  weights, epoch ${first === last ? first : `${first}–${last}`}`, left, top - 7, { color: INK, font: SMALL_FONT });
    let at = 0;
    for (let e = 0; e < cols; e++) {
      // the epoch this column stands for, and the last histogram taken by then
      const want = cols === 1 ? last : first + ((last - first) * e) / (cols - 1);
      while (at + 1 < hist.length && epochs[at + 1] <= want + 1e-9) at++;
      const hg = hist[at];
      const counts = hg.counts || [];
      const total = counts.reduce((a, b) => a + b, 0) || 1;
      const peak = Math.max(...counts) / total || 1;
      const binH = (hg.max - hg.min) / (counts.length || 1);
      counts.forEach((c, b) => {
        if (c === 0) return;
        const y0 = Y(hg.min + b * binH);
        const y1 = Y(hg.min + (b + 1) * binH);
        ctx.fillStyle = blues(0.15 + 0.85 * Math.sqrt(c / total / peak));
        ctx.fillRect(left + e * colW, Math.min(y0, y1), Math.max(1, colW - (colW > 4 ? 1 : 0)), Math.max(1, Math.abs(y1 - y0)));
      });
    }
    ctx.strokeStyle = '#9ca3af';
    ctx.strokeRect(left - 0.5, top - 0.5, w - left - right + 1, bandH + 1);
    text(ctx, tickLabel(hi), left - 5, top + 5, { align: 'right', color: MUTED, font: SMALL_FONT });
    text(ctx, tickLabel(lo), left - 5, top + bandH - 5, { align: 'right', color: MUTED, font: SMALL_FONT });
    if (lo < 0 && hi > 0) {
      const y = Math.round(Y(0)) + 0.5;
      ctx.strokeStyle = 'rgba(220,38,38,0.35)';
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
      text(ctx, '0', left - 5, y, { align: 'right', color: MUTED, font: SMALL_FONT });
    }
  });
}
