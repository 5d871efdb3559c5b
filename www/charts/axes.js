// Shared drawing helpers for the charts: crisp canvas sizing, nice ticks, axes, a palette.

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d',
  '#9333ea', '#ea580c', '#0d9488', '#4b5563'];
export const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
export const SMALL_FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
export const INK = '#1f2937';
export const MUTED = '#6b7280';
export const GRID = '#e5e7eb';

/** Sizes the backing store to the element's CSS box times the device pixel ratio. */
export function prepare(canvas, fallbackW = 400, fallbackH = 240) {
  const dpr = (typeof window !== 'undefined' && window.devicePixelRatio) || 1;
  const w = Math.max(50, Math.round(canvas.clientWidth || fallbackW));
  const h = Math.max(50, Math.round(canvas.clientHeight || fallbackH));
  if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
  if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  return { ctx, w, h };
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const span = max - min;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm >= 5 ? 10 : norm >= 2 ? 5 : norm >= 1 ? 2 : 1) * mag;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** Powers of ten (and 2×, 5× when the range is short) inside [min, max], both > 0. */
export function logTicks(min, max) {
  const ticks = [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const mults = hi - lo <= 2 ? [1, 2, 5] : [1];
  for (let e = lo; e <= hi; e++) {
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

export function tickLabel(v, percent = false) {
  if (percent) return `${Math.round(v * 1000) / 10}%`;
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

/** A linear or log scale from data to pixels. */
export function scale(d0, d1, p0, p1, log = false) {
  if (log) {
    const l0 = Math.log10(d0);
    const l1 = Math.log10(d1);
    const k = (p1 - p0) / (l1 - l0 || 1);
    return (v) => p0 + (Math.log10(Math.max(v, d0 * 1e-3)) - l0) * k;
  }
  const k = (p1 - p0) / (d1 - d0 || 1);
  return (v) => p0 + (v - d0) * k;
}

export function text(ctx, s, x, y, { align = 'left', baseline = 'middle', color = INK, font = FONT } = {}) {
  ctx.fillStyle = color;
  ctx.font = font;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(s, x, y);
}

/** A message centred in an empty chart. */
export function empty(ctx, w, h, message) {
  text(ctx, message, w / 2, h / 2, { align: 'center', color: MUTED });
}

/** Maps t in [0, 1] to a white→blue ramp (counts, densities). */
export function blues(t) {
  const c = Math.max(0, Math.min(1, t));
  const r = Math.round(247 - c * (247 - 8));
  const g = Math.round(251 - c * (251 - 48));
  const b = Math.round(255 - c * (255 - 107));
  return `rgb(${r},${g},${b})`;
}

/** Mixes two '#rrggbb' colours. */
export function mix(a, b, t) {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  const c = pa.map((v, i) => Math.round(v + (pb[i] - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
