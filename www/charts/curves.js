// Line chart of several series over epochs (loss, accuracy, gradient norms), linear or log y.
import { prepare, niceTicks, logTicks, tickLabel, scale, text, empty, GRID, MUTED, INK, PALETTE, SMALL_FONT } from './axes.js';

/**
 * data: {series: [{label, color?, dash?, thin?, maxGap?, points: [[x, y], ...]}]} (points more than
 *       maxGap apart in x are not joined)
 * options: {log?, percent?, xLabel?, yLabel?, yMin?, yMax?, xMax?, emptyText?}
 */
/** At most `max` + 1 of `points`, evenly spaced, always with the last: all of them when fewer. */
export function thin(points, max) {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out = [];
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}

export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const series = (data?.series || []).map((s, i) => ({
    ...s,
    color: s.color || PALETTE[i % PALETTE.length],
    points: (s.points || []).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.log || y > 0)),
  }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    empty(ctx, w, h, options.emptyText || 'No data yet');
    return;
  }
  const log = !!options.log;
  const lowest = (pts, i) => pts.reduce((m, p) => Math.min(m, p[i]), Infinity);
  const highest = (pts, i) => pts.reduce((m, p) => Math.max(m, p[i]), -Infinity);
  let xMin = lowest(all, 0);
  let xMax = Math.max(options.xMax ?? -Infinity, highest(all, 0));
  if (xMin === xMax) { xMin -= 0.5; xMax += 0.5; }
  // thin series (per-batch noise) do not stretch the y range when thicker ones exist
  // (only once they hold a few epochs: early on the batch readings are all there is to see)
  const thick = series.filter((s) => !s.thin);
  const main = thick.flatMap((s) => s.points);
  const forY = thick.length && Math.max(...thick.map((s) => s.points.length)) >= 3 ? main : all;
  let yMin = options.yMin ?? lowest(forY, 1);
  let yMax = options.yMax ?? highest(forY, 1);
  if (forY !== all && options.yMax === undefined) yMax += (yMax - yMin) * 0.25;
  if (yMin === yMax) {
    if (log) { yMin /= 2; yMax *= 2; } else { yMin -= Math.abs(yMin) * 0.1 || 0.5; yMax += Math.abs(yMax) * 0.1 || 0.5; }
  } else if (!log && options.yMin === undefined) {
    const pad = (yMax - yMin) * 0.05;
    yMin -= pad;
    yMax += pad;
  }
  if (options.percent) {
    yMax = Math.min(yMax, 1);
    yMin = Math.max(yMin, 0);
  }
  const yTicks = log ? logTicks(yMin, yMax) : niceTicks(yMin, yMax, 5);
  const labels = yTicks.map((v) => tickLabel(v, options.percent));
  ctx.font = SMALL_FONT;
  const left = Math.max(34, ...labels.map((l) => ctx.measureText(l).width + 12)) + (options.yLabel ? 14 : 0);
  // legend entries, wrapped into rows that fit the width
  ctx.font = SMALL_FONT;
  const entries = series.filter((s) => s.label).map((s) => {
    const last = s.points[s.points.length - 1];
    const label = last && !s.thin ? `${s.label} ${tickLabel(last[1], options.percent)}` : s.label;
    return { s, label, width: 20 + ctx.measureText(label).width + 14 };
  });
  let rowX = 0;
  let legendRows = entries.length ? 1 : 0;
  for (const e of entries) {
    if (rowX > 0 && rowX + e.width > w - 40) { legendRows += 1; rowX = 0; }
    e.row = legendRows - 1;
    e.x = rowX;
    rowX += e.width;
  }
  const top = 8 + legendRows * 16;
  const right = 10;
  const bottom = options.xLabel ? 36 : 24;
  const X = scale(xMin, xMax, left, w - right);
  const Y = scale(yMin, yMax, h - bottom, top, log);

  // grid and y ticks
  ctx.lineWidth = 1;
  yTicks.forEach((v, i) => {
    const y = Math.round(Y(v)) + 0.5;
    ctx.strokeStyle = GRID;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
    text(ctx, labels[i], left - 6, y, { align: 'right', color: MUTED, font: SMALL_FONT });
  });
  const xTicks = niceTicks(xMin, xMax, Math.max(2, Math.floor((w - left) / 60))).filter((v) => Number.isInteger(v) || xMax - xMin < 4);
  for (const v of xTicks) {
    const x = Math.round(X(v)) + 0.5;
    ctx.strokeStyle = GRID;
    ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, h - bottom); ctx.stroke();
    const label = tickLabel(v);
    const half = ctx.measureText(label).width / 2;
    const align = x + half > w - 2 ? 'right' : 'center';
    text(ctx, label, align === 'right' ? w - 2 : x, h - bottom + 10, { align, color: MUTED, font: SMALL_FONT });
  }
  ctx.strokeStyle = '#9ca3af';
  ctx.beginPath(); ctx.moveTo(left + 0.5, top); ctx.lineTo(left + 0.5, h - bottom + 0.5); ctx.lineTo(w - right, h - bottom + 0.5); ctx.stroke();
  if (options.xLabel) text(ctx, options.xLabel, (left + w - right) / 2, h - 9, { align: 'center', color: MUTED, font: SMALL_FONT });
  if (options.yLabel) {
    ctx.save();
    ctx.translate(10, (top + h - bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    text(ctx, options.yLabel + (log ? ' (log)' : ''), 0, 0, { align: 'center', color: MUTED, font: SMALL_FONT });
    ctx.restore();
  }

  // lines
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top - 2, w - right - left, h - bottom - top + 4); ctx.clip();
  const maxPoints = Math.max(100, Math.floor((w - left - right) * 2));
  let joined = 0;
  for (const s0 of [...series.filter((x) => x.thin), ...series.filter((x) => !x.thin)]) {
    const s = { ...s0, points: thin(s0.points, maxPoints) };
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.thin ? 1 : 2;
    ctx.setLineDash(s.dash ? [6, 4] : []);
    ctx.beginPath();
    // Points farther apart than `maxGap` are not joined: a straight line between two readings an
    // epoch or more apart would draw a trend nobody measured.
    s.points.forEach(([x, y], i) => {
      const span = i > 0 ? x - s.points[i - 1][0] : Infinity;
      if (span > (s.maxGap ?? Infinity)) ctx.moveTo(X(x), Y(y));
      else {
        ctx.lineTo(X(x), Y(y));
        if (s.thin) joined = Math.max(joined, span);
      }
    });
    ctx.stroke();
    if (!s.thin && s.points.length <= 60) {
      for (const [x, y] of s.points) { ctx.beginPath(); ctx.arc(X(x), Y(y), 2.5, 0, Math.PI * 2); ctx.fill(); }
    }
  }
  ctx.restore();
  ctx.setLineDash([]);
  // the widest x span a thin series' line joins, for tests to read what was drawn
  if (canvas.dataset) canvas.dataset.thinSpan = String(joined);
  drawMark(ctx, canvas, options.mark, X, [xMin, xMax], [top, h - bottom], w);

  // legend
  for (const e of entries) {
    const lx = left + e.x;
    const ly = 9 + e.row * 16;
    ctx.strokeStyle = e.s.color;
    ctx.lineWidth = e.s.thin ? 1 : 2;
    ctx.setLineDash(e.s.dash ? [4, 3] : []);
    ctx.beginPath(); ctx.moveTo(lx, ly); ctx.lineTo(lx + 16, ly); ctx.stroke();
    ctx.setLineDash([]);
    text(ctx, e.label, lx + 20, ly, { color: INK, font: SMALL_FONT });
  }
}

/**
 * A vertical marker at epoch `mark.x` (the epoch a run kept), labelled; recorded on the canvas
 * as `data-mark` so tests can read what was drawn.
 */
function drawMark(ctx, canvas, mark, X, [xMin, xMax], [top, bottom], w) {
  const data = canvas.dataset ?? {};
  if (!mark || !Number.isFinite(mark.x) || mark.x < xMin || mark.x > xMax) {
    delete data.mark;
    return;
  }
  data.mark = String(mark.x);
  const x = Math.round(X(mark.x)) + 0.5;
  ctx.strokeStyle = '#059669';
  ctx.lineWidth = 1.5;
  ctx.setLineDash([3, 3]);
  ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
  ctx.setLineDash([]);
  if (mark.label) {
    ctx.font = SMALL_FONT;
    const right = x + ctx.measureText(mark.label).width + 8 > w;
    text(ctx, mark.label, right ? x - 4 : x + 4, top + 8, { align: right ? 'right' : 'left', color: '#059669', font: SMALL_FONT });
  }
}
