// The Inspect section's example picker: the example whose activations the graph shows on every
// neuron. A test row (by number), a digit drawn on a small grid (grey images up to 64×64, as
// MNIST and Fashion-MNIST's 28×28) or a row of values typed as CSV. The drawing grid works from
// the keyboard too: arrows move a cursor, Space or Enter inks its cell, Delete clears.
import { el, select } from './dom.js';

const CELL = 4; // screen pixels per grid cell

/** `show(features, label)` puts an example on the graph; `fail(text)` says why there is none. */
export function createExamplePicker(app, { show, fail }) {
  const kind = select([], '', { id: 'graph-example-kind', testid: 'graph-example-kind' });
  const row = el('input', { type: 'number', id: 'graph-example-row', min: 0, value: 0, testid: 'graph-example-row' });
  const values = el('input', { type: 'text', id: 'graph-example-values', testid: 'graph-example-values', size: 28, spellcheck: false, autocomplete: 'off' });
  const pad = drawingPad();
  const go = el('button', { type: 'button', text: 'Show activations', testid: 'graph-show-example', onclick: () => pick() });
  const clear = el('button', { type: 'button', text: 'Clear', onclick: () => { pad.clear(); show(null); } });
  const parts = {
    test: el('span', { class: 'row' }, el('label', { for: 'graph-example-row' }, 'Test row'), row),
    draw: el('span', { class: 'row' }, pad.element),
    values: el('span', { class: 'row' }, el('label', { for: 'graph-example-values' }, 'Values (CSV)'), values),
  };
  const element = el('div', { class: 'row graph-tools' },
    el('label', { for: 'graph-example-kind' }, 'Example'), kind, ...Object.values(parts), go, clear);

  function layout() {
    const s = app.summary;
    const shape = s?.image_shape;
    const drawable = shape && shape[2] === 1 && shape[0] * shape[1] === s.d && shape[0] <= 64 && shape[1] <= 64;
    const choices = [['test', 'a test row'], drawable ? ['draw', 'a drawing'] : null, ['values', 'typed values']].filter(Boolean);
    const keep = kind.value;
    kind.replaceChildren(...choices.map(([v, t]) => el('option', { value: v, text: t })));
    kind.value = choices.some(([v]) => v === keep) ? keep : 'test';
    if (drawable) pad.size(shape[0], shape[1]);
    const names = s && s.feature_names?.length === s.d ? s.feature_names.join(', ') : `${s?.d ?? 'the'} numbers`;
    values.placeholder = names;
    values.setAttribute('aria-description', `one row: ${names}, separated by commas`);
    showPart();
  }
  function showPart() {
    for (const [name, part] of Object.entries(parts)) part.hidden = name !== kind.value;
  }
  kind.addEventListener('change', showPart);
  values.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(); });
  row.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(); });

  async function pick() {
    try {
      if (kind.value === 'draw') show(pad.features(), 'your drawing');
      else if (kind.value === 'values') show(parseRow(values.value, app.summary?.d ?? 0), 'typed values');
      else await pickRow();
    } catch (e) {
      fail(`No example: ${e.message}`);
    }
  }

  async function pickRow() {
    const limit = Math.max(1, (Number(row.value) | 0) + 1);
    const part = await app.request({ type: 'predict-split', id: app.id(), split: 'test', limit, features: true }, 'split-predictions');
    if (!part.rows) throw new Error('the test split is empty');
    const i = Math.min(part.rows, limit) - 1;
    show(part.features.slice(i * part.d, (i + 1) * part.d), `test row ${i}`);
  }

  app.on('data-loaded', () => { pad.clear(); layout(); });
  app.on('data-cleared', layout);
  layout();
  return { element, pad };
}

/** One row of `d` numbers typed as CSV (commas, semicolons or spaces between them). */
export function parseRow(text, d) {
  const cells = String(text).trim().split(/\s*[,;\s]\s*/).filter((c) => c !== '');
  if (cells.length !== d) throw new Error(`expected ${d} values, found ${cells.length}`);
  return Float32Array.from(cells, (c, i) => {
    const v = Number(c);
    if (!Number.isFinite(v)) throw new Error(`value ${i + 1} (“${c}”) is not a number`);
    return v;
  });
}

/** A grid to draw a grey image on, in [0, 1], by pointer or keyboard. */
function drawingPad() {
  const canvas = el('canvas', {
    class: 'graph-draw', testid: 'graph-draw', tabindex: '0', role: 'img',
    'aria-label': 'Drawing grid: draw with the mouse, a finger or a pen; or move with the arrow keys and press Space to ink a cell, Delete to clear',
  });
  let h = 28;
  let w = 28;
  let grid = new Float32Array(h * w);
  let cursor = null; // [x, y] while the keyboard draws
  let down = false;

  const size = (rows, cols) => {
    if (rows === h && cols === w && canvas.width) return;
    h = rows;
    w = cols;
    grid = new Float32Array(h * w);
    canvas.width = w * CELL;
    canvas.height = h * CELL;
    paint();
  };
  // A soft round pen about two cells wide, as a stroke on MNIST's 28×28 grid.
  const ink = (cx, cy) => {
    for (let y = Math.floor(cy - 2); y <= cy + 2; y++) for (let x = Math.floor(cx - 2); x <= cx + 2; x++) {
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      grid[y * w + x] = Math.max(grid[y * w + x], Math.min(1, Math.max(0, 1.6 - d / 1.2)));
    }
    paint();
  };
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * w, ((e.clientY - r.top) / r.height) * h];
  };
  canvas.addEventListener('pointerdown', (e) => { down = true; canvas.setPointerCapture(e.pointerId); ink(...at(e)); });
  canvas.addEventListener('pointermove', (e) => { if (down) ink(...at(e)); });
  canvas.addEventListener('pointerup', () => { down = false; });
  canvas.addEventListener('pointercancel', () => { down = false; });
  canvas.addEventListener('keydown', (e) => {
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (move) {
      cursor = cursor ?? [Math.floor(w / 2), Math.floor(h / 2)];
      cursor = [Math.max(0, Math.min(w - 1, cursor[0] + move[0])), Math.max(0, Math.min(h - 1, cursor[1] + move[1]))];
      if (e.shiftKey) ink(cursor[0] + 0.5, cursor[1] + 0.5);
      else paint();
    } else if (e.key === ' ' || e.key === 'Enter') {
      cursor = cursor ?? [Math.floor(w / 2), Math.floor(h / 2)];
      ink(cursor[0] + 0.5, cursor[1] + 0.5);
    } else if (e.key === 'Delete' || e.key === 'Backspace') clear();
    else return;
    e.preventDefault();
  });
  canvas.addEventListener('blur', () => { cursor = null; paint(); });

  function paint() {
    const ctx = canvas.getContext('2d');
    const img = new ImageData(w, h);
    for (let p = 0; p < w * h; p++) {
      const g = Math.round(grid[p] * 255);
      img.data.set([g, g, g, 255], p * 4);
    }
    const small = new OffscreenCanvas(w, h);
    small.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, w * CELL, h * CELL);
    if (cursor) {
      ctx.strokeStyle = '#f59e0b';
      ctx.lineWidth = 1;
      ctx.strokeRect(cursor[0] * CELL + 0.5, cursor[1] * CELL + 0.5, CELL - 1, CELL - 1);
    }
  }
  function clear() {
    grid = new Float32Array(h * w);
    paint();
  }
  size(28, 28);
  return { element: canvas, size, clear, features: () => Float32Array.from(grid), grid: () => grid };
}
