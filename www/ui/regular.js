// Regularising training itself: dropout per layer (for the designer), input augmentation and
// early stopping (for the training settings). Labels, defaults, ranges and the accepted names
// come from the engine's schema; the engine applies them (the worker passes the config on).
import { el, field, select } from './dom.js';
import * as schema from '../schema.js';

function numberOrText(input) {
  const text = input.value.trim();
  if (text === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}

/** Layer `i`'s dropout rate input; blank or 0 means none. */
export function dropoutField(layer, i, change) {
  const input = el('input', {
    type: 'number', ...schema.numberAttrs('layers[].dropout'), step: 0.05,
    value: layer?.dropout ?? '', placeholder: '0', testid: `layer-${i}-dropout`,
    title: schema.field('layers[].dropout')?.description,
  });
  input.addEventListener('input', () => change((c) => {
    const v = numberOrText(input);
    if (v === undefined || v === 0) delete c.layers[i].dropout;
    else c.layers[i].dropout = v;
  }));
  return field(schema.field('layers[].dropout').label, input, { field: `layers[${i}].dropout` });
}

/** A number input for `obj`'s field `path` ('augment.shift'); blank removes it. */
function numberInput(app, path, testid) {
  const [key, sub] = path.split('.');
  const input = el('input', {
    type: 'number', ...schema.numberAttrs(path), value: app.config[key]?.[sub] ?? '',
    placeholder: String(schema.defaultOf(path) ?? ''), testid,
  });
  input.addEventListener('input', () => app.setConfig((c) => {
    const v = numberOrText(input);
    c[key] = { ...(c[key] ?? {}) };
    if (v === undefined) delete c[key][sub];
    else c[key][sub] = v;
  }));
  return field(schema.field(path).label, input, { field: path, hint: schema.field(path).description });
}

function checkbox(checked, label, testid, onchange) {
  const input = el('input', { type: 'checkbox', checked, testid, id: `${testid}-check` });
  input.addEventListener('change', () => onchange(input.checked));
  return el('label', { class: 'check', for: input.id }, input, label);
}

/** `augment`: the shift in pixels and flips (image sets; the engine says so otherwise). */
export function augmentFields(app) {
  const flip = checkbox(Boolean(app.config.augment?.flip), schema.field('augment.flip').label, 'augment-flip',
    (on) => app.setConfig((c) => { c.augment = { ...(c.augment ?? {}), flip: on }; }));
  return [
    numberInput(app, 'augment.shift', 'augment-shift'),
    el('div', { class: 'field', dataset: { field: 'augment.flip' } }, flip,
      el('span', { class: 'hint', text: schema.field('augment.flip').description }),
      el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: 'augment' } })),
  ];
}

/** `early_stopping`: off, or its metric, patience, min_delta and restore_best. */
export function earlyStoppingFields(app) {
  const es = app.config.early_stopping;
  const toggle = checkbox(Boolean(es), 'Early stopping', 'early-stopping', (on) => app.setConfig((c) => {
    if (on) c.early_stopping = { metric: schema.defaultOf('early_stopping.metric') };
    else delete c.early_stopping;
  }, { render: true }));
  const fields = [el('div', { class: 'field', dataset: { field: 'early_stopping' } }, toggle,
    el('span', { class: 'hint', text: 'watches the validation split' }),
    el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: 'early_stopping' } }))];
  if (!es) return fields;
  const metric = select(schema.options('stop_metrics'), es.metric ?? schema.defaultOf('early_stopping.metric'), { testid: 'early-stopping-metric' });
  metric.addEventListener('change', () => app.setConfig((c) => { c.early_stopping = { ...c.early_stopping, metric: metric.value }; }));
  const restore = checkbox(Boolean(es.restore_best), schema.field('early_stopping.restore_best').label, 'early-stopping-restore',
    (on) => app.setConfig((c) => { c.early_stopping = { ...c.early_stopping, restore_best: on }; }));
  fields.push(
    field(schema.field('early_stopping.metric').label, metric, { field: 'early_stopping.metric' }),
    numberInput(app, 'early_stopping.patience', 'early-stopping-patience'),
    numberInput(app, 'early_stopping.min_delta', 'early-stopping-min-delta'),
    el('div', { class: 'field', dataset: { field: 'early_stopping.restore_best' } }, restore,
      el('span', { class: 'hint', text: schema.field('early_stopping.restore_best').description })));
  return fields;
}
