// Curves by group over epochs: each group's mean as a line with a ±1 sd band around it (the
// spread over seeds), for comparing groups of runs in the reports.
import { prepare, niceTicks, tickLabel, scale, text, empty, GRID, MUTED, INK, PALETTE, SMALL_FONT } from './axes.js';

/**
 * data: {groups: [{label, color?, points: [{x, mean, sd}]}]}
 * options: {percent?, xLabel?} (the caption beside the chart names y)
 */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const groups = (data?.groups || []).map((g, i) => ({
    ...g,
    color: g.color || PALETTE[i % PALETTE.length],
    points: (g.points || []).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.mean)),
  }));
  const all = groups.flatMap((g) => g.points);
  if (all.length === 0) {
    empty(ctx, w, h, options.emptyText || 'No finished runs yet');
    return;
  }
  const sdOf = (p) => (Number.isFinite(p.sd) ? p.sd : 0);
  let yMin = Math.min(...all.map((p) => p.mean - sdOf(p)));
  let yMax = Math.max(...all.map((p) => p.mean + sdOf(p)));
  if (yMin === yMax) { yMin -= 0.5; yMax += 0.5; }
  const pad = (yMax - yMin) * 0.05;
  yMin -= pad;
  yMax += pad;
  if (options.percent) { yMin = Math.max(0, yMin); yMax = Math.min(1, yMax); }
  const xMin = Math.min(...all.map((p) => p.x));
  let xMax = Math.max(...all.map((p) => p.x));
  if (xMax === xMin) xMax = xMin + 1;
  const legendH = 18 * Math.ceil(groups.length / 4);
  const top = 8 + legendH;
  const bottom = h - 26;
  const left = 48;
  const right = w - 10;
  const sx = scale(xMin, xMax, left, right);
  const sy = scale(yMin, yMax, bottom, top);
  ctx.font = SMALL_FONT;
  for (const t of niceTicks(yMin, yMax, 5)) {
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(left, sy(t));
    ctx.lineTo(right, sy(t));
    ctx.stroke();
    text(ctx, tickLabel(t, options.percent), left - 4, sy(t), { align: 'right', font: SMALL_FONT, color: MUTED });
  }
  for (const t of niceTicks(xMin, xMax, 6).filter((t) => Number.isInteger(t))) {
    text(ctx, String(t), sx(t), bottom + 10, { align: 'center', font: SMALL_FONT, color: MUTED });
  }
  text(ctx, options.xLabel || 'epoch', right, h - 6, { align: 'right', font: SMALL_FONT, color: MUTED });
  for (const g of groups) {
    if (g.points.length === 0) continue;
    ctx.fillStyle = g.color;
    ctx.globalAlpha = 0.15;
    ctx.beginPath();
    g.points.forEach((p, i) => (i ? ctx.lineTo(sx(p.x), sy(p.mean + sdOf(p))) : ctx.moveTo(sx(p.x), sy(p.mean + sdOf(p)))));
    for (const p of [...g.points].reverse()) ctx.lineTo(sx(p.x), sy(p.mean - sdOf(p)));
    ctx.closePath();
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = g.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    g.points.forEach((p, i) => (i ? ctx.lineTo(sx(p.x), sy(p.mean)) : ctx.moveTo(sx(p.x), sy(p.mean))));
    ctx.stroke();
  }
  const colW = (w - 20) / 4;
  groups.forEach((g, i) => {
    const x = 10 + (i % 4) * colW;
    const y = 10 + Math.floor(i / 4) * 18;
    ctx.fillStyle = g.color;
    ctx.fillRect(x, y - 4, 14, 8);
    text(ctx, g.label, x + 18, y, { font: SMALL_FONT, color: INK });
  });
}
