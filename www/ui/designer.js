// The network designer: layers (units, activation, initialiser, per-neuron activations) and the
// loss. It edits app.config.layers / loss / fused / task in place. Names, defaults, ranges and the
// output layer each kind of data needs come from the engine's schema (www/schema.js).
import { el, field, select, replace } from './dom.js';
import { reapplyProblems } from './problems.js';
import * as schema from '../schema.js';
import { dropoutField } from './regular.js';
/** Per-neuron cells are drawn for layers up to this many units; wider layers use the range tool only. */
const MAX_CELLS = 512;

export function createDesignerPanel(app, root) {
  const render = () => {
    const focused = document.activeElement?.dataset?.field;
    replace(root, build(app, render));
    reapplyProblems();
    if (focused) root.querySelector(`[data-field="${CSS.escape(focused)}"]`)?.focus();
  };
  app.on('config-changed', ({ render: full }) => { if (full) render(); });
  app.on('ready', render);
  app.on('data-loaded', (summary) => {
    // a file of the user's own has no preset: shape the output layer (and loss) to fit it
    if (app.dataRef?.name === 'custom' && outputMismatch(app.config, summary)) fitOutput(app, summary);
    else if (app.dataRef?.name === 'custom' && !summary.test_n && !(app.config?.test_split > 0)) {
      app.setConfig((c) => { c.test_split = 0.2; }, { render: true });
    } else render();
  });
  render();
  return { render };
}

function outputMismatch(config, summary) {
  const want = schema.outputFor(summary);
  const last = layersOf(config).at(-1);
  if (!want || !last) return false;
  if (want.task === 'binary' && last.units === 2 && config.loss === 'cross_entropy') return false;
  return last.units !== want.units || (config.task && config.task !== want.task);
}

/** Makes the output layer, loss and task fit the loaded data. */
export function fitOutput(app, summary) {
  const want = schema.outputFor(summary);
  if (!want) return;
  app.setConfig((c) => {
    if (!Array.isArray(c.layers)) c.layers = [];
    if (c.layers.length === 0) c.layers.push(schema.newHiddenLayer());
    const last = c.layers[c.layers.length - 1];
    last.units = want.units;
    last.activation = want.activation;
    last.init = schema.defaultOf('layers[].init');
    delete last.scale;
    c.loss = want.loss;
    c.task = want.task;
    // the user's own table: standardise it, and hold out a test share when it has no test set
    if (app.dataRef?.name === 'custom' && !summary.image_shape) c.standardize = true;
    if (!summary.test_n && !(c.test_split > 0)) c.test_split = 0.2;
  }, { render: true });
}

function layersOf(config) {
  return Array.isArray(config?.layers) ? config.layers : [];
}

/** Number input value → number, or `null` for a required field left blank (the engine names it). */
function readNumber(input, { optional = false } = {}) {
  const text = input.value.trim();
  if (text === '') return optional ? undefined : null;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}

function expand(activation, units) {
  if (Array.isArray(activation)) return activation.slice();
  return Array.from({ length: Math.max(0, units | 0) }, () => activation);
}

function collapse(list) {
  return list.length > 0 && list.every((a) => a === list[0]) ? list[0] : list;
}

function build(app, render) {
  const config = app.config;
  if (!config || !schema.schema()) return el('p', { class: 'muted', text: 'Loading…' });
  const layers = layersOf(config);
  const summary = app.summary;
  const change = (fn, full = false) => app.setConfig((c) => { fn(c); }, { render: full });

  const list = el('div', { class: 'layers', dataset: { field: 'layers' }, tabindex: '-1' });
  list.append(el('div', { class: 'input-layer', text: summary
    ? `Input: ${summary.d} features${summary.image_shape ? ` (${summary.image_shape.join('×')} image)` : ''} — from the data`
    : 'Input: as many units as the data has features' }));
  layers.forEach((layer, i) => list.append(layerCard(app, layer, i, layers.length, change, summary)));
  const layersError = el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: 'layers' } });

  const addButton = el('button', {
    type: 'button',
    testid: 'add-layer',
    text: '+ Add hidden layer',
    onclick: () => change((c) => {
      if (!Array.isArray(c.layers)) c.layers = [];
      const at = Math.max(0, c.layers.length - 1);
      const layer = schema.newHiddenLayer();
      const before = c.layers[at - 1]?.units;
      if (Number.isInteger(before)) layer.units = Math.max(4, Math.round(before / 2));
      c.layers.splice(at, 0, layer);
    }, true),
  });

  const loss = select(schema.options('losses'), config.loss ?? schema.defaultOf('loss'), { testid: 'loss-select' });
  loss.addEventListener('change', () => change((c) => { c.loss = loss.value; }, true));
  const fused = el('input', { type: 'checkbox', checked: config.fused ?? schema.defaultOf('fused'), testid: 'fused' });
  fused.dataset.field = 'fused';
  fused.addEventListener('change', () => change((c) => { c.fused = fused.checked; }));
  const task = select([['', 'follow the loss'], ...schema.options('tasks')], config.task ?? '', { testid: 'task-select' });
  task.addEventListener('change', () => change((c) => {
    if (task.value) c.task = task.value;
    else delete c.task;
  }, true));
  const fusedId = `fused-${Math.random().toString(36).slice(2, 7)}`;
  fused.id = fusedId;

  return el('div', {},
    list,
    layersError,
    el('div', { class: 'row', style: 'margin-top:8px' }, addButton,
      el('span', { class: 'info', text: `${countParams(layers, summary?.d)} parameters` })),
    el('h3', { text: 'Loss' }),
    el('div', { class: 'fields' },
      field(schema.field('loss').label, loss, { field: 'loss', wide: true }),
      field(schema.field('task').label, task, { field: 'task' }),
      el('div', { class: 'field' },
        el('label', { class: 'check', for: fusedId }, fused, schema.field('fused').label),
        el('span', { class: 'hint', text: fused.checked
          ? 'softmax+CE / sigmoid+BCE straight from the logits'
          : 'general path through the activation’s Jacobian' }),
        el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: 'fused' } }))));
}

function countParams(layers, d) {
  if (!d) return '—';
  let fanIn = d;
  let total = 0;
  for (const l of layers) {
    const u = Number(l?.units) || 0;
    total += u * (fanIn + 1);
    fanIn = u;
  }
  return total.toLocaleString('en-US');
}

function layerCard(app, layer, i, count, change, summary) {
  const isOutput = i === count - 1;
  const at = (f) => `layers[${i}].${f}`;
  const units = Number.isInteger(layer?.units) ? layer.units : 0;
  const mixed = Array.isArray(layer?.activation);

  const unitsInput = el('input', { type: 'number', ...schema.numberAttrs('layers[].units'), value: layer?.units ?? '', testid: `layer-${i}-units` });
  unitsInput.addEventListener('input', () => change((c) => {
    const v = readNumber(unitsInput);
    const l = c.layers[i];
    l.units = v;
    if (Array.isArray(l.activation) && Number.isInteger(v) && v > 0 && v <= 100_000) {
      const list = l.activation.slice(0, v);
      while (list.length < v) list.push(list[list.length - 1] ?? schema.newHiddenLayer().activation);
      l.activation = list;
    }
  }));
  unitsInput.addEventListener('change', () => change(() => {}, true));

  const actOptions = schema.options('activations');
  if (mixed) actOptions.unshift(['__mixed', 'mixed (per neuron)']);
  const act = select(actOptions, mixed ? '__mixed' : layer?.activation, { testid: `layer-${i}-activation` });
  act.addEventListener('change', () => {
    if (act.value === '__mixed') return;
    change((c) => { c.layers[i].activation = act.value; }, true);
  });

  const init = select(schema.options('inits'), layer?.init ?? schema.defaultOf('layers[].init'), { testid: `layer-${i}-init` });
  init.addEventListener('change', () => change((c) => {
    c.layers[i].init = init.value;
    if (!schema.applies('layers[].scale', c, i)) delete c.layers[i].scale;
  }, true));
  const takesScale = schema.applies('layers[].scale', app.config, i);
  let scaleField = null;
  if (takesScale || layer?.scale !== undefined) {
    const scale = el('input', { type: 'number', ...schema.numberAttrs('layers[].scale'), value: layer?.scale ?? '', placeholder: String(schema.defaultOf('layers[].scale')) });
    scale.addEventListener('input', () => change((c) => {
      const v = readNumber(scale, { optional: true });
      if (v === undefined) delete c.layers[i].scale;
      else c.layers[i].scale = v;
    }));
    scaleField = field(schema.field('layers[].scale').label, scale, { field: at('scale') });
  }

  const move = (delta) => change((c) => {
    const [l] = c.layers.splice(i, 1);
    c.layers.splice(i + delta, 0, l);
  }, true);
  const title = isOutput ? 'Output layer' : `Hidden layer ${i + 1}`;
  const hint = isOutput && summary ? outputHint(summary) : null;
  const fit = isOutput && summary && outputMismatch(app.config, summary)
    ? el('button', { type: 'button', class: 'small', testid: 'fit-output', text: 'Fit to data', title: 'Set the units, activation, loss and task the data needs', onclick: () => fitOutput(app, summary) })
    : null;

  return el('div', { class: `layer${isOutput ? ' output' : ''}`, dataset: { field: `layers[${i}]` }, tabindex: '-1', testid: `layer-${i}` },
    el('div', { class: 'layer-head' },
      el('span', { text: title }),
      hint ? el('span', { class: 'info', text: hint }) : null,
      fit,
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'small', text: '↑', title: 'Move up', 'aria-label': `Move ${title} up`, disabled: i === 0, onclick: () => move(-1) }),
      el('button', { type: 'button', class: 'small', text: '↓', title: 'Move down', 'aria-label': `Move ${title} down`, disabled: i === count - 1, onclick: () => move(1) }),
      el('button', { type: 'button', class: 'small', text: '✕', title: 'Remove layer', 'aria-label': `Remove ${title}`, testid: `layer-${i}-remove`,
        onclick: () => change((c) => { c.layers.splice(i, 1); }, true) })),
    el('div', { class: `fields${scaleField ? ' with-scale' : ''}` },
      field(schema.field('layers[].units').label, unitsInput, { field: at('units') }),
      field(schema.field('layers[].activation').label, act, { field: at('activation') }),
      field(schema.field('layers[].init').label, init, { field: at('init') }),
      scaleField,
      dropoutField(layer, i, change)),
    el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: `layers[${i}]` } }),
    neuronStrip(layer, i, units, change));
}

function outputHint(summary) {
  if (summary.n_classes && summary.n_classes > 2) return `data: ${summary.n_classes} classes`;
  if (summary.n_classes === 2) return 'data: 2 classes (1 sigmoid or 2 softmax units)';
  if (summary.task_hint === 'regression') return 'data: regression target';
  return null;
}

function neuronStrip(layer, i, units, change) {
  const activations = schema.names('activations');
  const acts = expand(layer?.activation, units);
  const box = el('details', { class: 'neuron-box', open: Array.isArray(layer?.activation) });
  box.append(el('summary', { class: 'small-text muted', text: 'Per-neuron activations' }));
  if (units > 0 && units <= MAX_CELLS) {
    const strip = el('div', { class: 'neurons', role: 'group', 'aria-label': `Units of layer ${i + 1}; activate a cell to change its activation` });
    acts.forEach((a, j) => {
      const cell = el('button', {
        type: 'button',
        class: `neuron act-${activations.includes(a) ? a : 'identity'}`,
        title: `unit ${j + 1}: ${a} — click for the next activation`,
        'aria-label': `unit ${j + 1}: ${a}`,
        dataset: { field: `layers[${i}].activation[${j}]` },
        testid: `neuron-${i}-${j}`,
        onclick: () => change((c) => {
          const list = expand(c.layers[i].activation, units);
          const k = activations.indexOf(list[j]);
          list[j] = activations[(k + 1) % activations.length];
          c.layers[i].activation = collapse(list);
        }, true),
      });
      strip.append(cell);
    });
    box.append(strip);
    // problems about one unit (`layers[i].activation[j]`) are written here, next to the cells
    box.append(el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: `layers[${i}].neurons` } }));
  } else if (units > MAX_CELLS) {
    box.append(el('p', { class: 'info', text: `${units} units: too many cells to draw; use the range tool.` }));
  }
  // assign an activation to a run of units
  const from = el('input', { type: 'number', min: 1, max: units, value: 1, 'aria-label': 'first unit' });
  const to = el('input', { type: 'number', min: 1, max: units, value: Math.max(1, Math.floor(units / 2)), 'aria-label': 'last unit' });
  const which = select(activations, 'tanh', { 'aria-label': 'activation for the run' });
  box.append(el('div', { class: 'neuron-tools' },
    el('label', {}, 'units from', from),
    el('label', {}, 'to', to),
    el('label', {}, 'activation', which),
    el('button', {
      type: 'button',
      class: 'small',
      text: 'Assign run',
      testid: `layer-${i}-assign-run`,
      onclick: () => change((c) => {
        const list = expand(c.layers[i].activation, units);
        const a = Math.max(1, Math.min(units, Number(from.value) || 1));
        const b = Math.max(a, Math.min(units, Number(to.value) || a));
        for (let j = a - 1; j < b; j++) list[j] = which.value;
        c.layers[i].activation = collapse(list);
      }, true),
    }),
    el('button', {
      type: 'button',
      class: 'small',
      text: 'One for all',
      title: 'Use the first unit’s activation for the whole layer',
      onclick: () => change((c) => { c.layers[i].activation = expand(c.layers[i].activation, units)[0] ?? schema.newHiddenLayer().activation; }, true),
    })));
  box.append(el('div', { class: 'legend', 'aria-hidden': 'true' }, activations.map((a) => el('span', { class: `act-${a}`, text: a }))));
  return box;
}
