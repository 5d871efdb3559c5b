// The neuron inspector (Inspect): the neuron picked on the graph (or chosen here by layer and
// number, from the keyboard): its activation function, changeable here (it becomes a per-neuron
// activation run in the config, as the designer shows it); its incoming weights as an image for
// image data, or for 2-D data its output over the input plane; its activation histogram over
// validation rows (training rows when the run has no validation split); its gradient norm.
import { el, replace } from './dom.js';
import { options } from '../schema.js';
import { expand } from './graph.js';

const GRID = 40;
const HIST_ROWS = 500;
const BINS = 20;

export function createInspectorPanel(app, root, graphPanel) {
  const layerSel = el('select', { id: 'neuron-layer', testid: 'neuron-layer' });
  const unitIn = el('input', { type: 'number', id: 'neuron-unit', min: 0, value: 0, testid: 'neuron-unit' });
  const act = el('select', { id: 'neuron-activation', testid: 'neuron-activation' });
  const heading = el('h3', { text: '' });
  const fieldImg = el('canvas', { class: 'neuron-field', testid: 'neuron-field', role: 'img', 'aria-label': 'Incoming weights' });
  const fieldNote = el('p', { class: 'info', testid: 'neuron-field-readout' });
  const hist = el('canvas', { class: 'neuron-hist', testid: 'neuron-histogram', role: 'img', 'aria-label': 'Activation histogram' });
  const histNote = el('p', { class: 'info', testid: 'neuron-histogram-readout' });
  const gradNote = el('p', { class: 'info', testid: 'neuron-grad' });
  const empty = el('p', { class: 'info', testid: 'neuron-empty', text: 'Click a neuron on the graph, or choose one here.' });
  const body = el('div', { testid: 'neuron-inspector', class: 'inspector' },
    el('div', { class: 'row' },
      el('label', { for: 'neuron-layer' }, 'Layer'), layerSel,
      el('label', { for: 'neuron-unit' }, 'Neuron'), unitIn),
    empty,
    el('div', { class: 'inspector-detail' },
      heading,
      el('div', { class: 'field' }, el('label', { for: 'neuron-activation' }, 'Activation (edits the config; the next run uses it)'), act),
      fieldImg, fieldNote, hist, histNote, gradNote));
  replace(root, body);
  const detail = body.querySelector('.inspector-detail');
  detail.hidden = true;

  let sel = null;
  let plane = null; // {lo: [x, y], hi: [x, y]} of the training points, for 2-D data
  const config = () => app.config;

  function fillLayers() {
    const layers = config()?.layers || [];
    const keep = layerSel.value;
    layerSel.replaceChildren(...layers.map((l, i) => el('option', {
      value: String(i + 1), text: `${i + 1} · ${i === layers.length - 1 ? 'output' : 'hidden'} (${l.units})`,
    })));
    if (keep && Number(keep) <= layers.length) layerSel.value = keep;
    act.replaceChildren(...options('activations').map(([v, t]) => el('option', { value: v, text: t })));
  }

  const choose = () => {
    const layer = Number(layerSel.value);
    const units = config()?.layers?.[layer - 1]?.units ?? 0;
    const unit = Math.max(0, Math.min(units - 1, Number(unitIn.value) | 0));
    graphPanel.select({ layer, unit });
  };
  layerSel.addEventListener('change', choose);
  unitIn.addEventListener('change', choose);

  act.addEventListener('change', () => {
    if (!sel) return;
    const { layer, unit } = sel;
    app.setConfig((c) => {
      const l = c.layers[layer - 1];
      const list = expand(l.activation, l.units);
      list[unit] = act.value;
      l.activation = list.every((a) => a === list[0]) ? list[0] : list;
    }, { render: true });
  });

  async function show(next) {
    sel = next;
    const layers = config()?.layers || [];
    if (!sel || !layers[sel.layer - 1]) {
      detail.hidden = true;
      empty.hidden = false;
      return;
    }
    empty.hidden = true;
    detail.hidden = false;
    layerSel.value = String(sel.layer);
    unitIn.max = String(layers[sel.layer - 1].units - 1);
    unitIn.value = String(sel.unit);
    const l = layers[sel.layer - 1];
    act.value = expand(l.activation, l.units)[sel.unit];
    heading.textContent = `Layer ${sel.layer} · neuron ${sel.unit}`;
    await Promise.all([showGrad(), showField(), showHistogram()]);
  }

  async function showGrad() {
    const layerNorm = app.run.progress?.grad_norms?.[sel.layer - 1];
    const layerText = typeof layerNorm === 'number' ? ` Its layer's mean over the epoch: ${layerNorm.toPrecision(3)}.` : '';
    if (!app.run.started) {
      gradNote.textContent = 'Gradient norm: train to see it.';
      return;
    }
    try {
      const m = await app.request({ type: 'neuron-grads', id: app.id() }, 'neuron-grads');
      const v = m.norms[sel.layer - 1]?.[sel.unit];
      if (typeof v !== 'number') throw new Error('the trained network has no such neuron (the config changed since)');
      gradNote.textContent = `Gradient norm of this neuron's weights and bias now (on up to 512 training rows): ${v.toPrecision(3)}.${layerText}`;
    } catch (e) {
      gradNote.textContent = `No gradient norm: ${e.message}`;
    }
  }

  async function showField() {
    const g = graphPanel.graph;
    const d = app.summary?.d;
    if (!g.edges || !app.run.started || !(sel.unit < (g.units[sel.layer] ?? 0))) {
      // no run yet, or the config changed since: the trained network has no such neuron
      fieldImg.hidden = true;
      fieldNote.textContent = 'Incoming weights: train this network to see them.';
      return;
    }
    fieldImg.hidden = false;
    const shape = app.summary?.image_shape;
    if (sel.layer === 1 && d === 2) await planeHeatmap();
    else if (sel.layer === 1 && shape && shape[0] * shape[1] * shape[2] === d) receptiveField(shape, await incoming());
    else incomingBars(await incoming());
  }

  /** Weights into the selected neuron, read from the worker (every weight, not the graph's few). */
  async function incoming() {
    const { units, data: weights } = await app.request({ type: 'weights', id: app.id() }, 'weights');
    let offset = 0;
    for (let l = 1; l < sel.layer; l++) offset += units[l] * units[l - 1] + units[l];
    const n = units[sel.layer];
    const inputs = units[sel.layer - 1];
    return Float32Array.from({ length: inputs }, (_, i) => weights[offset + i * n + sel.unit]);
  }

  function receptiveField([h, w, c], wts) {
    const px = new Float32Array(h * w);
    for (let i = 0; i < wts.length; i++) px[c > 1 ? i % (h * w) : i] += wts[i];
    const max = Math.max(...px.map(Math.abs)) || 1;
    const ctx = sized(fieldImg, 168, 168);
    const cell = 168 / Math.max(h, w);
    for (let p = 0; p < h * w; p++) {
      ctx.fillStyle = diverging(px[p] / max);
      ctx.fillRect((p % w) * cell, Math.floor(p / w) * cell, cell, cell);
    }
    fieldNote.textContent = `Incoming weights as the ${h}×${w} image (its receptive field): blue positive, orange negative; largest |w| ${max.toFixed(3)}.`;
  }

  function incomingBars(wts) {
    const ctx = sized(fieldImg, 300, 120);
    const max = Math.max(...wts.map(Math.abs)) || 1;
    const bw = 300 / wts.length;
    wts.forEach((v, i) => {
      ctx.fillStyle = diverging(v / max);
      const hgt = (Math.abs(v) / max) * 58;
      ctx.fillRect(i * bw, v >= 0 ? 60 - hgt : 60, Math.max(1, bw - 0.5), hgt);
    });
    const top = [...wts.keys()].sort((a, b) => Math.abs(wts[b]) - Math.abs(wts[a])).slice(0, 3);
    fieldNote.textContent = `Incoming weights from the ${wts.length} units of layer ${sel.layer - 1 || 'input'}; strongest: ${top.map((i) => `${i} (${wts[i].toFixed(3)})`).join(', ')}.`;
  }

  async function planeHeatmap() {
    if (!plane) {
      const part = await app.request({ type: 'predict-split', id: app.id(), split: 'train', limit: 1000, features: true }, 'split-predictions');
      const lo = [Infinity, Infinity];
      const hi = [-Infinity, -Infinity];
      for (let r = 0; r < part.rows; r++) for (let j = 0; j < 2; j++) {
        lo[j] = Math.min(lo[j], part.features[r * 2 + j]);
        hi[j] = Math.max(hi[j], part.features[r * 2 + j]);
      }
      plane = { lo, hi };
    }
    const grid = new Float32Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) {
      grid[(r * GRID + c) * 2] = plane.lo[0] + ((c + 0.5) / GRID) * (plane.hi[0] - plane.lo[0]);
      grid[(r * GRID + c) * 2 + 1] = plane.hi[1] - ((r + 0.5) / GRID) * (plane.hi[1] - plane.lo[1]);
    }
    const m = await app.request({ type: 'activations', id: app.id(), features: grid }, 'activations', [grid.buffer]);
    const values = column(m, sel.layer, sel.unit);
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const ctx = sized(fieldImg, 168, 168);
    const cell = 168 / GRID;
    values.forEach((v, i) => {
      ctx.fillStyle = diverging(hi > lo ? ((v - lo) / (hi - lo)) * 2 - 1 : 0);
      ctx.fillRect((i % GRID) * cell, Math.floor(i / GRID) * cell, cell + 0.5, cell + 0.5);
    });
    fieldNote.textContent = `Its output over the input plane (x ${plane.lo[0].toFixed(2)}…${plane.hi[0].toFixed(2)}, y ${plane.lo[1].toFixed(2)}…${plane.hi[1].toFixed(2)}): from ${lo.toFixed(3)} (orange) to ${hi.toFixed(3)} (blue).`;
  }

  async function showHistogram() {
    if (!app.run.started) {
      hist.hidden = true;
      histNote.textContent = 'Activation histogram: train to see it.';
      return;
    }
    const split = app.run.started.val_n > 0 ? 'val' : 'train';
    try {
      const m = await app.request({ type: 'activations', id: app.id(), split, limit: HIST_ROWS }, 'activations');
      if (!(sel.unit < (m.units[sel.layer] ?? 0))) throw new Error('the trained network has no such neuron (the config changed since): train it again');
      const values = column(m, sel.layer, sel.unit);
      hist.hidden = false;
      drawHistogram(hist, values);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const zero = values.filter((v) => v === 0).length;
      histNote.textContent = `Activation over ${values.length} ${split === 'val' ? 'validation' : 'training'} rows: min ${Math.min(...values).toFixed(3)}, mean ${mean.toFixed(3)}, max ${Math.max(...values).toFixed(3)}${zero ? `, exactly 0 on ${zero}` : ''}.`;
    } catch (e) {
      histNote.textContent = `No histogram: ${e.message}`;
    }
  }

  // While a run trains and Inspect is shown, the neuron's views follow it (every 2 s at most).
  let refreshed = 0;
  app.on('epochs', () => {
    if (!sel || app.workspace?.current !== 'inspect' || performance.now() - refreshed < 2000) return;
    refreshed = performance.now();
    show(sel).catch(() => {});
  });
  app.on('neuron', (s) => show(s).catch((e) => { fieldNote.textContent = e.message; }));
  app.on('ready', fillLayers);
  app.on('config-changed', () => { fillLayers(); if (sel) show(sel).catch(() => {}); });
  app.on('data-loaded', () => { plane = null; fillLayers(); show(null); });
  app.on('run-finished', () => { if (sel) show(sel).catch(() => {}); });
  return { show };
}

/** One neuron's value on every row of an 'activations' reply. */
function column(m, layer, unit) {
  let offset = 0;
  for (let l = 1; l < layer; l++) offset += m.units[l] * m.rows;
  const n = m.units[layer];
  return Array.from({ length: m.rows }, (_, r) => m.data[offset + r * n + unit]);
}

function drawHistogram(canvas, values) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const counts = new Array(BINS).fill(0);
  for (const v of values) counts[Math.min(BINS - 1, Math.floor(((v - lo) / (hi - lo || 1)) * BINS))] += 1;
  const max = Math.max(...counts);
  const ctx = sized(canvas, 300, 100);
  ctx.fillStyle = '#2563eb';
  counts.forEach((c, i) => {
    const h = (c / max) * 92;
    ctx.fillRect((i * 300) / BINS + 1, 96 - h, 300 / BINS - 2, h);
  });
}

function sized(canvas, w, h) {
  canvas.width = w;
  canvas.height = h;
  canvas.style.width = `${w}px`;
  canvas.style.maxWidth = '100%';
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** −1 → orange, 0 → white, 1 → blue. */
function diverging(t) {
  const x = Math.max(-1, Math.min(1, t || 0));
  const [r, g, b] = x >= 0 ? [37, 99, 235] : [234, 88, 12];
  const k = Math.abs(x);
  const mix = (c) => Math.round(255 + (c - 255) * k);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}
