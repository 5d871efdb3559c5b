// The network view (Inspect): the graph of www/charts/network.js fed with the run's weights,
// read from the worker at most every POLL_MS while a run trains and the view is shown, and drawn
// at most once per animation frame and MIN_DRAW_MS. A click on a neuron selects it for the
// inspector; an example (a test row, a drawing or typed values here: www/ui/graph-example.js; or
// the digit tried in "Try the model") shades every neuron by its activation.
import { el, replace } from './dom.js';
import { options } from '../schema.js';
import { draw, nodeAt } from '../charts/network.js';
import { createExamplePicker } from './graph-example.js';

const POLL_MS = 200;
const MIN_DRAW_MS = 100; // ≤ 10 redraws a second
const EDGES = 400; // strongest weights drawn per layer

export function createGraphPanel(app, root) {
  const canvas = el('canvas', { class: 'network-graph', testid: 'network-graph', role: 'img', 'aria-label': 'The network: inputs, hidden layers and outputs' });
  const readout = el('p', { class: 'info', testid: 'network-graph-readout', 'aria-live': 'off' });
  const legend = el('p', { class: 'legend', 'aria-hidden': 'true' });
  const picker = createExamplePicker(app, {
    show: (features, label) => setExample(features, label),
    fail: (text) => { readout.textContent = text; },
  });
  replace(root, picker.element, canvas, legend, readout);

  const graph = {
    units: null, edges: null, values: null, input: null, exampleLabel: '', exampleSource: null, selected: null, nodes: [],
    stats: { draws: 0, totalMs: 0, maxMs: 0, fetches: 0 },
  };
  let frame = 0;
  let lastDraw = -Infinity;
  let busy = false;

  const shown = () => app.workspace?.current === 'inspect';
  const config = () => app.run.config || app.config;

  const schedule = () => {
    if (frame || !shown()) return;
    const wait = Math.max(0, MIN_DRAW_MS - (performance.now() - lastDraw));
    frame = -1;
    setTimeout(() => { frame = requestAnimationFrame(paint); }, wait);
  };

  function paint() {
    frame = 0;
    lastDraw = performance.now();
    const net = network();
    if (!net) {
      readout.textContent = 'Load data to see the network.';
      return;
    }
    const t0 = performance.now();
    const out = draw(canvas, net);
    const ms = performance.now() - t0;
    graph.nodes = out.nodes;
    graph.stats.draws += 1;
    graph.stats.totalMs += ms;
    graph.stats.maxMs = Math.max(graph.stats.maxMs, ms);
    readout.textContent = describe(net, out.edges);
  }

  function network() {
    const c = config();
    if (!app.summary || !Array.isArray(c?.layers)) return null;
    const units = [app.summary.d, ...c.layers.map((l) => l.units)];
    const sameShape = graph.units && graph.units.join() === units.join();
    const shape = app.summary.image_shape;
    return {
      units,
      edges: sameShape ? graph.edges : null,
      values: sameShape ? graph.values : null,
      input: graph.input,
      activations: c.layers.map((l) => expand(l.activation, l.units)),
      colors: colours(),
      imageShape: shape && shape[0] * shape[1] * shape[2] === app.summary.d ? shape : null,
      imageLayout: shape?.[2] > 1 ? 'chw' : 'hwc',
      selected: graph.selected,
    };
  }

  function describe(net, edges) {
    const acts = net.activations.map((a, l) => `${net.units[l + 1]} ${uniform(a) ?? 'mixed'}`);
    let text = `${net.units[0]} inputs → ${acts.join(' → ')}.`;
    if (!net.edges) text += ' No weights yet: train to see them.';
    for (const e of edges) {
      text += ` Layer ${e.layer}: ${e.drawn < e.total ? `the ${e.drawn} strongest of ${e.total.toLocaleString('en')} weights drawn` : `all ${e.total} weights drawn`} (largest |w| ${e.max.toFixed(3)}, mean |w| ${e.meanAbs.toFixed(3)}).`;
    }
    if (net.values) {
      const out = net.values[net.values.length - 1];
      const best = out.indexOf(Math.max(...out));
      text += ` Example ${graph.exampleLabel}: the output layer's largest activation is unit ${best} (${out[best].toFixed(3)}).`;
    }
    return text;
  }

  async function fetchWeights() {
    if (busy || !app.run.started) return;
    busy = true;
    try {
      const m = await app.request({ type: 'weights', id: app.id(), top: EDGES }, 'weights');
      graph.units = m.units;
      graph.edges = m.layers;
      // the example's activations under the same weights
      const input = graph.input;
      if (input) {
        const values = splitLayers(await app.request({ type: 'activations', id: app.id(), features: input }, 'activations'));
        if (graph.input === input) graph.values = values; // unless another example was chosen meanwhile
      }
      graph.stats.fetches += 1;
      schedule();
    } catch (e) {
      readout.textContent = `No weights: ${e.message}`;
    } finally {
      busy = false;
    }
  }

  /** Every neuron's activation for one example's raw features (null clears). */
  async function setExample(features, label = '', source = 'graph') {
    graph.input = features;
    graph.exampleSource = features ? source : null;
    graph.values = null;
    graph.exampleLabel = label;
    if (features && app.run.started) {
      try {
        const m = await app.request({ type: 'activations', id: app.id(), features }, 'activations');
        if (graph.input !== features) return; // another example was chosen meanwhile
        graph.values = splitLayers(m);
      } catch (e) {
        readout.textContent = `No activations: ${e.message}`;
      }
    }
    app.emit('graph-example', graph);
    schedule();
  }

  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const hit = nodeAt(graph.nodes, e.clientX - r.left, e.clientY - r.top);
    if (hit) select({ layer: hit.layer, unit: hit.unit });
  });

  function select(sel) {
    graph.selected = sel;
    app.emit('neuron', sel);
    schedule();
  }

  setInterval(() => {
    if (shown() && ['running', 'paused'].includes(app.run.status) && !document.hidden) fetchWeights();
  }, POLL_MS);
  app.on('section', (name) => {
    if (name !== 'inspect') return;
    if (app.run.started) fetchWeights();
    schedule();
  });
  app.on('run-finished', () => fetchWeights());
  app.on('run-reset', () => { graph.edges = null; graph.values = null; schedule(); });
  app.on('data-loaded', () => { graph.edges = null; graph.values = null; graph.input = null; graph.selected = null; schedule(); });
  app.on('config-changed', schedule);
  app.on('ready', () => { legend.replaceChildren(...legendItems()); });
  // What the user tries in "Try the model" (it predicts again after each epoch: the same input
  // then leaves an example chosen here in place).
  let lastTry = null;
  app.on('example', ({ features }) => {
    const same = lastTry && lastTry.length === features.length && lastTry.every((v, i) => v === features[i]);
    lastTry = Float32Array.from(features);
    if (same && graph.exampleSource !== 'try') return;
    setExample(lastTry, 'from “Try the model”', 'try');
  });
  new ResizeObserver(schedule).observe(canvas);

  return { graph, select, setExample, schedule, network };
}

/** Every layer's rows × units block of an 'activations' reply, for its first row. */
export function splitLayers(m) {
  const out = [];
  let offset = 0;
  for (const units of m.units.slice(1)) {
    out.push(m.data.slice(offset, offset + units));
    offset += units * m.rows;
  }
  return out;
}

export function expand(activation, units) {
  return Array.isArray(activation) ? activation.slice() : Array.from({ length: units }, () => activation);
}

function uniform(list) {
  return list.every((a) => a === list[0]) ? list[0] : null;
}

/** The designer's activation colours (its CSS classes `act-<name>`), so one table holds them. */
let cached = null;
function colours() {
  if (cached && Object.keys(cached).length) return cached;
  const probe = document.createElement('span');
  document.body.append(probe);
  cached = {};
  for (const [name] of options('activations')) {
    probe.className = `act-${name}`;
    cached[name] = getComputedStyle(probe).backgroundColor;
  }
  probe.remove();
  return cached;
}

function legendItems() {
  const items = options('activations').map(([name, label]) => el('span', { class: `act-${name}`, text: label }));
  items.push(el('span', { class: 'edge-pos', text: 'positive weight' }), el('span', { class: 'edge-neg', text: 'negative weight' }));
  return items;
}
