// Try the model: draw a digit (28×28 grey image sets) or pick a test example, and see the class
// probabilities (or the predicted value) — refreshed after every epoch while training runs.
import { el, replace, fmt } from './dom.js';
import { taskOf } from '../schema.js';
import { draw as drawProbs } from '../charts/probabilities.js';
import { draw as drawSamples } from '../charts/samples.js';

const PICKS = 12;
const DRAW_SIZE = 280;

export function createTryPanel(app, root) {
  const drawCanvas = el('canvas', {
    class: 'draw', width: DRAW_SIZE, height: DRAW_SIZE, testid: 'draw-canvas', tabindex: '0',
    'aria-label': 'Drawing area: draw a digit with the mouse, a finger or a pen',
  });
  const clear = el('button', { type: 'button', class: 'small', text: 'Clear', testid: 'clear-drawing' });
  const drawBox = el('div', { class: 'draw-box' }, drawCanvas, el('div', { class: 'row' }, clear, el('span', { class: 'info', text: 'draw white on black' })));
  const prediction = el('div', { class: 'prediction', testid: 'prediction', role: 'status', 'aria-live': 'polite', text: '–' });
  const probs = el('canvas', { class: 'probs', testid: 'probabilities', role: 'img', 'aria-label': 'Class probabilities' });
  const picks = el('div', { class: 'tests', role: 'group', 'aria-label': 'Test examples to classify' });
  const rowSelect = el('select', { 'aria-label': 'Test example', testid: 'test-row-select' });
  const source = el('p', { class: 'info', testid: 'try-source' });
  const left = el('div', {}, drawBox);
  replace(root, el('div', { class: 'try' }, left,
    el('div', {}, prediction, probs, el('h3', { text: 'Or pick a test example' }), picks, rowSelect, source)));

  const state = {
    input: null, // Float32Array of raw features being classified
    label: '',
    examples: [], // [{features, label}]
    drawn: false,
    busy: false,
    again: false,
    lastProbs: null,
  };

  const shape = () => app.summary?.image_shape || null;
  const canDraw = () => {
    const s = shape();
    return !!s && s[2] === 1 && s[0] >= 8 && s[0] <= 64;
  };
  const hasModel = () => app.run.history.length > 0 || app.modelLoaded;

  const emptyText = () => (shape()
    ? (canDraw() ? 'Train a model, then draw or pick an image' : 'Train a model, then pick an image')
    : 'Train a model, then pick a test row');
  function layout() {
    drawBox.hidden = !canDraw();
    rowSelect.hidden = !!shape();
    picks.hidden = !shape();
  }

  // --- drawing ------------------------------------------------------------------------------
  // read back (getImageData) at every stroke's end
  const ctx = drawCanvas.getContext('2d', { willReadFrequently: true });
  const resetCanvas = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, DRAW_SIZE, DRAW_SIZE);
    state.drawn = false;
  };
  resetCanvas();
  let last = null;
  const pos = (e) => {
    const r = drawCanvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * DRAW_SIZE, ((e.clientY - r.top) / r.height) * DRAW_SIZE];
  };
  drawCanvas.addEventListener('pointerdown', (e) => {
    drawCanvas.setPointerCapture(e.pointerId);
    last = pos(e);
    stroke(last, last);
  });
  drawCanvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = pos(e);
    stroke(last, p);
    last = p;
  });
  const end = () => {
    if (!last) return;
    last = null;
    useDrawing();
  };
  drawCanvas.addEventListener('pointerup', end);
  drawCanvas.addEventListener('pointercancel', end);
  clear.addEventListener('click', () => {
    resetCanvas();
    state.input = null;
    prediction.textContent = '–';
    drawProbs(probs, {}, { emptyText: emptyText() });
  });
  drawCanvas.addEventListener('keydown', (e) => {
    if (e.key === 'Delete' || e.key === 'Backspace') clear.click();
  });

  function stroke(a, b) {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = DRAW_SIZE / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    state.drawn = true;
  }

  function useDrawing() {
    const s = shape();
    if (!s || !state.drawn) return;
    state.input = rasterize(ctx, DRAW_SIZE, s[0], s[1]);
    state.label = 'your drawing';
    state.truth = null;
    for (const b of picks.querySelectorAll('button')) b.setAttribute('aria-pressed', 'false');
    predict();
  }

  // --- test examples --------------------------------------------------------------------------
  async function loadExamples() {
    state.examples = [];
    replace(picks);
    replace(rowSelect);
    if (!app.summary) return;
    let examples = app.testExamples?.slice(0, PICKS) || [];
    let fromTraining = false;
    if (examples.length === 0) {
      try {
        const rowsOf = (split) => app.request({ type: 'predict-split', id: app.id(), split, limit: PICKS, features: true }, 'split-predictions');
        // A set without a test file has test rows once a run splits it; with only an imported
        // model, the loaded rows (split 'train' before any run: all of them) are what there is.
        const imported = app.modelLoaded && app.run.history.length === 0;
        let split = await rowsOf('test').catch((e) => {
          if (imported) return null;
          throw e;
        });
        if (!split?.rows && imported) {
          split = await rowsOf('train');
          fromTraining = true;
        }
        const names = app.summary.class_names || [];
        for (let i = 0; i < split.rows; i++) {
          const t = split.targets[i * (split.k || 1)];
          examples.push({
            features: split.features.slice(i * split.d, (i + 1) * split.d),
            label: names.length ? names[t] ?? String(t) : fmt(t),
          });
        }
      } catch {
        examples = [];
      }
    }
    state.examples = examples;
    state.fromTraining = fromTraining;
    source.textContent = !examples.length ? 'Test examples appear here once a run has split off the test rows.'
      : fromTraining ? 'This set has no test file and no run has split it yet: these are rows of the loaded data, which the imported model may have trained on.' : '';
    const s = shape();
    // read now: by the frame the thumbnails draw in, other data may have emptied app.summary
    const layout = s && (app.summary?.layout || (s[2] === 3 ? 'chw' : 'hwc'));
    examples.forEach((ex, i) => {
      if (s) {
        const thumb = el('canvas', { width: 32, height: 32 });
        const b = el('button', {
          type: 'button', 'aria-pressed': 'false', title: `test example ${i + 1}: ${ex.label}`,
          'aria-label': `test example ${i + 1}, labelled ${ex.label}`, testid: `test-example-${i}`,
          onclick: () => pick(i, b),
        }, thumb);
        picks.append(b);
        requestAnimationFrame(() => drawSamples(thumb, { images: [{ pixels: ex.features }], shape: s, layout }, { columns: 1, bare: true }));
      } else {
        rowSelect.append(el('option', { value: String(i), text: `test row ${i + 1} (true: ${ex.label})` }));
      }
    });
    if (!s && examples.length) rowSelect.append(el('option', { value: '', text: '— choose a row —', selected: true }));
  }
  rowSelect.addEventListener('change', () => {
    if (rowSelect.value === '') return;
    pick(Number(rowSelect.value));
  });

  function pick(i, button) {
    const ex = state.examples[i];
    if (!ex) return;
    state.input = Float32Array.from(ex.features);
    state.label = `test example ${i + 1} (true: ${ex.label})`;
    state.truth = ex.label;
    for (const b of picks.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === button));
    if (!shape()) rowSelect.value = String(i);
    predict();
  }

  // --- prediction ----------------------------------------------------------------------------
  async function predict() {
    if (!state.input) return;
    if (!hasModel()) {
      prediction.textContent = 'Train (or import) a model first';
      return;
    }
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    try {
      const reply = await app.request({ type: 'predict', features: state.input }, 'prediction');
      show(reply.outputs);
      // the network view shows every neuron's activation for the example tried here
      app.emit('example', { features: state.input, source: 'try' });
    } catch (e) {
      prediction.textContent = `No prediction: ${e.message}`;
    } finally {
      state.busy = false;
      if (state.again) {
        state.again = false;
        predict();
      }
    }
  }

  function show(outputs) {
    const out = Array.from(outputs || []);
    const cfg = app.run.config || app.config || {};
    const regression = taskOf(cfg) === 'regression';
    const names = app.summary?.class_names || [];
    if (regression) {
      prediction.textContent = `${out.map((v) => fmt(v)).join(', ')}${state.truth ? ` (true ${state.truth})` : ''}`;
      drawProbs(probs, {}, { emptyText: `Predicted value for ${state.label}` });
      return;
    }
    const p = out.length === 1 ? [1 - out[0], out[0]] : out;
    let best = 0;
    p.forEach((v, i) => { if (v > p[best]) best = i; });
    const name = names[best] ?? String(best);
    prediction.textContent = `${name} (${(p[best] * 100).toFixed(1)}%)`;
    prediction.dataset.class = String(best);
    drawProbs(probs, { probs: p, names: p.map((_, i) => names[i] ?? String(i)) });
  }

  app.on('data-loaded', () => {
    layout();
    resetCanvas();
    state.input = null;
    prediction.textContent = '–';
    drawProbs(probs, {}, { emptyText: emptyText() });
    loadExamples();
  });
  app.on('epoch', () => {
    // sets without a test file get their test rows when the run splits the data
    if ((state.examples.length === 0 || state.fromTraining) && !state.loading) {
      state.loading = true;
      loadExamples().finally(() => { state.loading = false; });
    }
    // show the probabilities changing as it trains: a test example until the user picks or draws
    if (!state.input && state.examples.length) {
      pick(0, picks.querySelector('button'));
      return;
    }
    predict();
  });
  app.on('done', () => predict());
  app.on('model-imported', async () => {
    if (state.examples.length === 0) await loadExamples();
    if (!state.input && state.examples.length) pick(0, picks.querySelector('button'));
    else predict();
  });
  layout();
  drawProbs(probs, {}, { emptyText: emptyText() });
}

/**
 * The drawing as an h×w grey image in [0, 1], MNIST style for 28×28: the ink's bounding box is
 * scaled to fit 20×20 and its centre of mass moved to the centre.
 */
export function rasterize(ctx, size, h, w) {
  const src = ctx.getImageData(0, 0, size, size).data;
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (src[(y * size + x) * 4] > 20) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Float32Array(h * w);
  if (x1 < 0) return out;
  const box = Math.round(Math.min(h, w) * (20 / 28));
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const s = box / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * s));
  const th = Math.max(1, Math.round(bh * s));
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  const sctx = small.getContext('2d', { willReadFrequently: true });
  sctx.fillStyle = '#000';
  sctx.fillRect(0, 0, w, h);
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  // draw scaled into a corner, then shift by the centre of mass
  sctx.drawImage(ctx.canvas, x0, y0, bw, bh, 0, 0, tw, th);
  const tmp = sctx.getImageData(0, 0, w, h).data;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = tmp[(y * w + x) * 4] / 255;
      mass += v; mx += v * x; my += v * y;
    }
  }
  const cx = mass ? mx / mass : tw / 2;
  const cy = mass ? my / mass : th / 2;
  const dx = Math.round(w / 2 - cx - 0.5);
  const dy = Math.round(h / 2 - cy - 0.5);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < w && ty >= 0 && ty < h) out[ty * w + tx] = tmp[(y * w + x) * 4] / 255;
    }
  }
  return out;
}
