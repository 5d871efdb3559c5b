// Optimiser and its hyper-parameters (only those that apply to it), regularisation, gradient
// clipping and the schedule (batch size, epochs, splits, seed). Which fields each choice brings,
// their labels, defaults (shown as placeholders), starting values and ranges come from the
// engine's schema (www/schema.js).
import { el, field, select, replace } from './dom.js';
import { reapplyProblems } from './problems.js';
import * as schema from '../schema.js';
import { workersField } from './workers.js';
import { augmentFields, earlyStoppingFields } from './regular.js';

/** The key of an optimizer field in the config's optimizer object ('optimizer.lr' → 'lr'). */
const keyOf = (path) => path.slice(path.indexOf('.') + 1);

export function createOptimizerPanel(app, root) {
  const render = () => {
    const focused = document.activeElement?.dataset?.field;
    replace(root, build(app));
    reapplyProblems();
    if (focused) root.querySelector(`[data-field="${CSS.escape(focused)}"]`)?.focus();
  };
  app.on('config-changed', ({ render: full }) => { if (full) render(); });
  app.on('ready', render);
  render();
  return { render };
}

function readNumber(input, optional) {
  const text = input.value.trim();
  if (text === '') return optional ? undefined : null;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}

/**
 * A number input for the config field `path`, labelled and bounded as the schema says. Optional
 * fields are removed when blank.
 */
function numberField(app, obj, path, { label, optional = false, placeholder, step, testid, hint } = {}) {
  const key = keyOf(path);
  const current = obj?.[key];
  const f = schema.field(path);
  const attrs = schema.numberAttrs(path);
  if (step !== undefined && attrs.step === 'any') attrs.step = step;
  const input = el('input', { type: 'number', ...attrs, placeholder, value: current ?? '', testid });
  input.addEventListener('input', () => app.setConfig((c) => {
    const target = path.includes('.') ? ensureObject(c, path.split('.')[0], {}) : c;
    const v = readNumber(input, optional);
    if (v === undefined) delete target[key];
    else target[key] = v;
  }));
  return field(label ?? f?.label ?? path, input, { field: path, hint });
}

function ensureObject(c, key, fallback) {
  if (!c[key] || typeof c[key] !== 'object' || Array.isArray(c[key])) c[key] = fallback;
  return c[key];
}

function build(app) {
  const c = app.config;
  if (!c || !schema.schema()) return el('p', { class: 'muted', text: 'Loading…' });
  return el('div', {},
    el('div', { class: 'fields' }, optimizerFields(app, c)),
    el('h3', { text: 'Regularization and clipping' }),
    el('div', { class: 'fields' }, kindFields(app, c, 'regularization', 'regularization-select', 'lambda'),
      kindFields(app, c, 'clip', 'clip-select')),
    el('h3', { text: 'Schedule' }),
    el('div', { class: 'fields' },
      numberField(app, c, 'batch_size', { testid: 'batch-size' }),
      numberField(app, c, 'epochs', { testid: 'epochs' }),
      numberField(app, c, 'validation_split', { step: 0.05, testid: 'validation-split' }),
      numberField(app, c, 'test_split', { step: 0.05, testid: 'test-split', hint: 'used when the data has no test set' }),
      numberField(app, c, 'seed', { testid: 'seed' }),
      check(app, c, 'shuffle', null),
      check(app, c, 'standardize', 'fit on the training split'),
      workersField()),
    el('h3', { text: 'Augmentation and early stopping' }),
    el('div', { class: 'fields' }, augmentFields(app), earlyStoppingFields(app)));
}

/** The optimizer select and the fields the chosen one takes, its defaults as placeholders. */
function optimizerFields(app, c) {
  const opt = c.optimizer && typeof c.optimizer === 'object' ? c.optimizer : {};
  const known = schema.names('optimizers');
  const name = known.includes(opt.name) ? opt.name : schema.defaultOf('optimizer.name');
  const takes = schema.fieldsWith('optimizer.name', name);
  const nameSelect = select(schema.options('optimizers'), opt.name ?? name, { testid: 'optimizer-select' });
  nameSelect.addEventListener('change', () => app.setConfig((cfg) => {
    const o = ensureObject(cfg, 'optimizer', {});
    o.name = nameSelect.value;
    const now = schema.fieldsWith('optimizer.name', o.name).map(keyOf);
    for (const k of Object.keys(o)) if (k !== 'name' && !now.includes(k)) delete o[k];
  }, { render: true }));
  const fields = [field(schema.field('optimizer.name').label, nameSelect, { field: 'optimizer.name' })];
  const defaults = schema.nameEntry('optimizers', name)?.defaults ?? {};
  for (const path of takes) {
    const testid = path === 'optimizer.lr' ? 'lr' : `optimizer-${keyOf(path)}`;
    fields.push(numberField(app, opt, path, { optional: true, placeholder: String(defaults[path]), testid }));
  }
  // a field the optimiser does not take (from a link or an imported file) stays visible so its error can show
  for (const k of Object.keys(opt)) {
    const path = `optimizer.${k}`;
    if (k !== 'name' && !takes.includes(path)) {
      const label = `${schema.field(path)?.label ?? k} (not used)`;
      fields.push(numberField(app, opt, path, { label, optional: true }));
    }
  }
  return fields;
}

/**
 * A `kind` select ('regularization', 'clip') and the fields the chosen kind takes; choosing a
 * kind starts its required fields at the schema's example values.
 */
function kindFields(app, c, object, testid, fieldTestid) {
  const obj = c[object] && typeof c[object] === 'object' ? c[object] : {};
  const selector = `${object}.kind`;
  const kind = obj.kind ?? schema.defaultOf(selector);
  const kindSelect = select(schema.options(schema.field(selector).names), kind, { testid });
  kindSelect.addEventListener('change', () => app.setConfig((cfg) => {
    const o = ensureObject(cfg, object, {});
    o.kind = kindSelect.value;
    const now = schema.fieldsWith(selector, o.kind);
    for (const k of Object.keys(o)) if (k !== 'kind' && !now.includes(`${object}.${k}`)) delete o[k];
    for (const path of now) {
      const example = schema.field(path)?.example;
      if (o[keyOf(path)] === undefined && example !== undefined) o[keyOf(path)] = example;
    }
  }, { render: true }));
  const fields = [field(schema.field(selector).label, kindSelect, { field: selector })];
  const shown = new Set(schema.fieldsWith(selector, kind));
  for (const k of Object.keys(obj)) if (k !== 'kind') shown.add(`${object}.${k}`);
  for (const path of shown) {
    const f = schema.field(path);
    const placeholder = f?.example ?? f?.default;
    fields.push(numberField(app, obj, path, {
      optional: true, placeholder: placeholder === undefined ? undefined : String(placeholder),
      testid: fieldTestid && keyOf(path) === fieldTestid ? fieldTestid : undefined,
    }));
  }
  return fields;
}

/** A checkbox for a boolean config field, unchecked or checked as the engine's default. */
function check(app, c, key, hint) {
  const input = el('input', { type: 'checkbox', checked: typeof c[key] === 'boolean' ? c[key] : schema.defaultOf(key), testid: key });
  input.dataset.field = key;
  input.addEventListener('change', () => app.setConfig((cfg) => { cfg[key] = input.checked; }));
  const id = `${key}-check`;
  input.id = id;
  return el('div', { class: 'field' },
    el('label', { class: 'check', for: id }, input, schema.field(key).label),
    hint ? el('span', { class: 'hint', text: hint }) : null,
    el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: key } }));
}
