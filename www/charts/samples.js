// A grid of sample images drawn from raw pixel bytes, each with its label underneath.
import { prepare, text, empty, MUTED, SMALL_FONT } from './axes.js';

/**
 * data: {images: [{pixels: ArrayLike<number> (0–255 or 0–1), label?: string}],
 *        shape: [height, width, channels], layout?: 'hwc' | 'chw'}
 * options: {columns?, bare? (no labels, no margins)}
 */
export function draw(canvas, data, options = {}) {
  const { ctx, w, h } = prepare(canvas);
  const images = data?.images || [];
  if (images.length === 0 || !data.shape) {
    empty(ctx, w, h, options.emptyText || 'No images');
    return;
  }
  const [ih, iw, ch = 1] = data.shape;
  // the column count that gives the largest cells for this canvas
  let cols = options.columns || 1;
  if (!options.columns) {
    let best = 0;
    for (let c = 1; c <= images.length; c++) {
      const r = Math.ceil(images.length / c);
      const size = Math.min(w / c, h / r);
      if (size > best) { best = size; cols = c; }
    }
  }
  const rows = Math.ceil(images.length / cols);
  const bare = !!options.bare;
  const cell = bare ? Math.min(w / cols, h / rows) : Math.floor(Math.min(w / cols, (h - 2) / rows));
  const imgSize = bare ? cell : cell - 16;
  const inset = bare ? 0 : 6;
  const tmp = document.createElement('canvas');
  tmp.width = iw;
  tmp.height = ih;
  const tctx = tmp.getContext('2d');
  const chw = data.layout === 'chw';
  images.forEach((img, n) => {
    const px = img.pixels;
    const scaleUp = px.length && Math.max(...Array.from(px.slice(0, 64))) <= 1.0001 ? 255 : 1;
    const out = tctx.createImageData(iw, ih);
    for (let y = 0; y < ih; y++) {
      for (let x = 0; x < iw; x++) {
        const o = (y * iw + x) * 4;
        for (let c = 0; c < 3; c++) {
          const cc = ch === 1 ? 0 : c;
          const idx = chw ? cc * ih * iw + y * iw + x : (y * iw + x) * ch + cc;
          out.data[o + c] = ch === 1 ? 255 - px[idx] * scaleUp : px[idx] * scaleUp;
        }
        out.data[o + 3] = 255;
      }
    }
    tctx.putImageData(out, 0, 0);
    const cx = (n % cols) * cell + (bare ? 0 : 2);
    const cy = Math.floor(n / cols) * cell + (bare ? 0 : 2);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, cx + inset, cy, imgSize, imgSize);
    if (!bare && img.label !== undefined) {
      const label = String(img.label);
      const room = Math.max(3, Math.floor(cell / 6.5));
      text(ctx, label.length > room ? `${label.slice(0, room - 1)}…` : label, cx + inset + imgSize / 2, cy + imgSize + 7, { align: 'center', color: MUTED, font: SMALL_FONT });
    }
  });
}
