// Optimiser and its hyper-parameters (only those that apply to it, as OptimizerKind::fields in
// src/optim/mod.rs), regularisation, gradient clipping and the schedule (batch size, epochs,
// splits, seed).
import { el, field, select, replace } from './dom.js';
import { reapplyProblems } from './problems.js';

export const OPTIMIZERS = [
  ['sgd', 'SGD'], ['momentum', 'SGD + momentum'], ['nag', 'Nesterov (NAG)'],
  ['rmsprop', 'RMSprop'], ['adam', 'Adam'], ['adamw', 'AdamW'],
];
/** The fields besides lr each optimiser takes (OptimizerKind::fields). */
export const OPTIMIZER_FIELDS = {
  sgd: ['weight_decay'],
  momentum: ['momentum', 'weight_decay'],
  nag: ['momentum', 'weight_decay'],
  rmsprop: ['beta', 'eps', 'momentum', 'weight_decay'],
  adam: ['beta1', 'beta2', 'eps', 'weight_decay'],
  adamw: ['beta1', 'beta2', 'eps', 'weight_decay'],
};
/** PyTorch's defaults, shown as placeholders (Hyper::defaults). */
function defaults(name) {
  return {
    lr: name === 'rmsprop' ? 0.01 : 0.001,
    momentum: name === 'momentum' || name === 'nag' ? 0.9 : 0,
    beta: 0.99,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weight_decay: name === 'adamw' ? 0.01 : 0,
  };
}
const LABELS = { lr: 'Learning rate', momentum: 'Momentum', beta: 'β (smoothing)', beta1: 'β₁', beta2: 'β₂', eps: 'ε', weight_decay: 'Weight decay' };

export function createOptimizerPanel(app, root) {
  const render = () => {
    const focused = document.activeElement?.dataset?.field;
    replace(root, build(app));
    reapplyProblems();
    if (focused) root.querySelector(`[data-field="${CSS.escape(focused)}"]`)?.focus();
  };
  app.on('config-changed', ({ render: full }) => { if (full) render(); });
  render();
  return { render };
}

function readNumber(input, optional) {
  const text = input.value.trim();
  if (text === '') return optional ? undefined : null;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}

/** A number input bound to `get(config)[key]`. Optional fields are removed when blank. */
function numberField(app, label, obj, key, path, { optional = false, placeholder, step = 'any', min, testid, hint, integer = false } = {}) {
  const current = obj?.[key];
  const input = el('input', { type: 'number', step: integer ? 1 : step, min, placeholder, value: current ?? '', testid });
  input.addEventListener('input', () => app.setConfig((c) => {
    const target = path.includes('.') ? c[path.split('.')[0]] : c;
    const v = readNumber(input, optional);
    if (v === undefined) delete target[key];
    else target[key] = v;
  }));
  return field(label, input, { field: path, hint });
}

function ensureObject(c, key, fallback) {
  if (!c[key] || typeof c[key] !== 'object' || Array.isArray(c[key])) c[key] = fallback;
  return c[key];
}

function build(app) {
  const c = app.config;
  if (!c) return el('p', { class: 'muted', text: 'Loading…' });
  const opt = c.optimizer && typeof c.optimizer === 'object' ? c.optimizer : {};
  const name = OPTIMIZER_FIELDS[opt.name] ? opt.name : 'adam';
  const d = defaults(name);

  const nameSelect = select(OPTIMIZERS, opt.name, { testid: 'optimizer-select' });
  nameSelect.addEventListener('change', () => app.setConfig((cfg) => {
    const o = ensureObject(cfg, 'optimizer', {});
    o.name = nameSelect.value;
    for (const k of Object.keys(o)) {
      if (k !== 'name' && k !== 'lr' && !OPTIMIZER_FIELDS[o.name].includes(k)) delete o[k];
    }
  }, { render: true }));

  const optFields = [numberField(app, LABELS.lr, opt, 'lr', 'optimizer.lr', { optional: true, placeholder: String(d.lr), testid: 'lr' })];
  for (const k of OPTIMIZER_FIELDS[name]) {
    optFields.push(numberField(app, LABELS[k], opt, k, `optimizer.${k}`, { optional: true, placeholder: String(d[k]), testid: `optimizer-${k}` }));
  }
  // a field the optimiser does not take (from a link or an imported file) stays visible so its error can show
  for (const k of Object.keys(opt)) {
    if (k !== 'name' && k !== 'lr' && !OPTIMIZER_FIELDS[name].includes(k)) {
      optFields.push(numberField(app, `${LABELS[k] || k} (not used)`, opt, k, `optimizer.${k}`, { optional: true }));
    }
  }

  const reg = c.regularization && typeof c.regularization === 'object' ? c.regularization : {};
  const regKind = select([['none', 'none'], ['l1', 'L1'], ['l2', 'L2']], reg.kind ?? 'none', { testid: 'regularization-select' });
  regKind.addEventListener('change', () => app.setConfig((cfg) => {
    const r = ensureObject(cfg, 'regularization', {});
    r.kind = regKind.value;
    if (r.kind === 'none') delete r.lambda;
    else if (r.lambda === undefined) r.lambda = 1e-4;
  }, { render: true }));
  const regFields = [field('Regularization', regKind, { field: 'regularization.kind' })];
  if ((reg.kind && reg.kind !== 'none') || reg.lambda !== undefined) {
    regFields.push(numberField(app, 'λ', reg, 'lambda', 'regularization.lambda', { optional: true, placeholder: '0.0001', testid: 'lambda' }));
  }

  const clip = c.clip && typeof c.clip === 'object' ? c.clip : {};
  const clipKind = select([['none', 'none'], ['value', 'by value'], ['norm', 'by norm']], clip.kind ?? 'none', { testid: 'clip-select' });
  clipKind.addEventListener('change', () => app.setConfig((cfg) => {
    const k = clipKind.value;
    cfg.clip = { kind: k };
    if (k === 'value') cfg.clip.value = 1;
    if (k === 'norm') cfg.clip.max_norm = 5;
  }, { render: true }));
  const clipFields = [field('Gradient clipping', clipKind, { field: 'clip.kind' })];
  if (clip.kind === 'value' || clip.value !== undefined) clipFields.push(numberField(app, 'Clip value', clip, 'value', 'clip.value', { optional: true, placeholder: '1' }));
  if (clip.kind === 'norm' || clip.max_norm !== undefined) clipFields.push(numberField(app, 'Max norm', clip, 'max_norm', 'clip.max_norm', { optional: true, placeholder: '5' }));

  const check = (label, key, testid, hint, fallback) => {
    const input = el('input', { type: 'checkbox', checked: typeof c[key] === 'boolean' ? c[key] : fallback, testid });
    input.dataset.field = key;
    input.addEventListener('change', () => app.setConfig((cfg) => { cfg[key] = input.checked; }));
    const id = `${key}-check`;
    input.id = id;
    return el('div', { class: 'field' },
      el('label', { class: 'check', for: id }, input, label),
      hint ? el('span', { class: 'hint', text: hint }) : null,
      el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: key } }));
  };

  return el('div', {},
    el('div', { class: 'fields' },
      field('Optimizer', nameSelect, { field: 'optimizer.name' }),
      optFields),
    el('h3', { text: 'Regularization and clipping' }),
    el('div', { class: 'fields' }, regFields, clipFields),
    el('h3', { text: 'Schedule' }),
    el('div', { class: 'fields' },
      numberField(app, 'Batch size', c, 'batch_size', 'batch_size', { integer: true, min: 1, testid: 'batch-size' }),
      numberField(app, 'Epochs', c, 'epochs', 'epochs', { integer: true, min: 1, testid: 'epochs' }),
      numberField(app, 'Validation split', c, 'validation_split', 'validation_split', { step: 0.05, min: 0, testid: 'validation-split' }),
      numberField(app, 'Test split', c, 'test_split', 'test_split', { step: 0.05, min: 0, testid: 'test-split', hint: 'used when the data has no test set' }),
      numberField(app, 'Seed', c, 'seed', 'seed', { integer: true, min: 0, testid: 'seed' }),
      check('Shuffle each epoch', 'shuffle', 'shuffle', null, true),
      check('Standardize inputs', 'standardize', 'standardize', 'fit on the training split', false)));
}
