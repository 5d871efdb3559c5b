// The sweep builder: a form over the spec JSON (`mlp-lab sweep --spec`), generated from the
// engine's schema (its `sweep` part: the spec's fields, the sweepable parameters with what each
// takes, the domain's fields; www/schema.js). Every name, range and label comes from there. The
// form and the JSON text are two views of one spec: set() fills the form from a spec object,
// get() writes one, keeping what the form does not show (base, and parameters the schema does
// not list, which the engine then names). showProblem() puts the engine's error beside the field
// its path names.
import { el, field, select } from '../ui/dom.js';
import { schema, names, field as configField } from '../schema.js';

const NOT_IN_FORM = new Set(['base', 'parameters']);

/** A number box's value as a number, blank as undefined, anything else kept for the engine to name. */
function numberOf(input) {
  const t = input.value.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** A comma-separated list of numbers (a word that is not one is kept, and the engine names it). */
function listOf(text) {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (Number.isFinite(Number(s)) ? Number(s) : s));
}

function setAt(obj, path, value) {
  const parts = path.split('.');
  let at = obj;
  for (const p of parts.slice(0, -1)) at = at[p] ??= {};
  at[parts.at(-1)] = value;
}

function getAt(obj, path) {
  return path.split('.').reduce((at, p) => (at && typeof at === 'object' ? at[p] : undefined), obj);
}

/** One of the spec's own fields (method, metric, trials, …) as a control. */
function specControl(f) {
  const testid = `sweep-field-${f.path}`;
  if (f.type === 'name') {
    const opts = names(f.names).map((n) => [n, n]);
    const blank = !f.required || f.default_by ? [['', f.default_by ? `(from the ${f.default_by})` : '(none)']] : [];
    // a nested group's kind ("early_termination.kind") also switches the group off
    const none = f.path.includes('.') ? [['', '(none)']] : [];
    return select([...blank, ...none, ...opts].filter((o, i, all) => all.findIndex((p) => p[0] === o[0]) === i), undefined, { testid });
  }
  const attrs = { testid, placeholder: f.default !== undefined ? String(f.default) : '' };
  if (f.type === 'integer') Object.assign(attrs, { type: 'number', step: 1, min: f.min?.value, max: f.max?.value });
  return el('input', { type: 'text', ...attrs });
}

/** The spec's fields: {element, read(spec), write(spec)}. */
function specFields() {
  const fields = schema().sweep.fields.filter((f) => !NOT_IN_FORM.has(f.path));
  const controls = fields.map((f) => [f, specControl(f)]);
  const element = el('div', { class: 'row sweep-builder-fields' },
    controls.map(([f, c]) => field(f.label, c, { field: f.path, hint: f.description })));
  const read = (spec) => {
    for (const [f, c] of controls) {
      const v = getAt(spec, f.path);
      c.value = v === undefined || v === null ? '' : String(v);
    }
  };
  const write = (spec) => {
    for (const [f, c] of controls) {
      const v = f.type === 'integer' ? numberOf(c) : c.value || undefined;
      if (v !== undefined) setAt(spec, f.path, v);
    }
    // a group whose kind is unset is left out whole
    for (const [f, c] of controls) {
      if (f.path.endsWith('.kind') && !c.value) delete spec[f.path.split('.')[0]];
    }
  };
  return { element, read, write };
}

/** When a parameter applies at all, from the schema's `when` (the engine refuses one that never does). */
function whenText(when) {
  if (when?.is) return ` — applies when ${when.field} is ${when.is.join(', ')}`;
  if (when?.min !== undefined) return ` — applies when ${when.field} ≥ ${when.min}`;
  return '';
}

function paramLabel(p) {
  const label = p.field ? configField(p.field)?.label : undefined;
  return label && label !== p.path ? `${label} (${p.path})` : p.path;
}

/** The choices of a name or boolean parameter, as checkboxes. */
function choiceEditor(p) {
  const choices = p.type === 'boolean' ? [true, false] : names(p.names);
  const boxes = choices.map((v) => [v, el('input', { type: 'checkbox', testid: `sweep-choice-${p.path}-${v}` })]);
  const element = el('div', { class: 'sweep-choices', dataset: { field: `parameters.${p.path}.values` } },
    boxes.map(([v, box]) => el('label', {}, box, ` ${v}`)));
  // The text's order is kept, and values the schema does not list too (the engine names them).
  let read = [];
  const rank = (v) => (read.includes(v) ? read.indexOf(v) : read.length + choices.indexOf(v));
  return {
    element,
    read: (d) => {
      read = Array.isArray(d?.values) ? d.values : [];
      boxes.forEach(([v, box]) => { box.checked = read.includes(v); });
    },
    write: () => {
      const checked = boxes.filter(([, box]) => box.checked).map(([v]) => v).sort((a, b) => rank(a) - rank(b));
      const unknown = read.filter((v) => !choices.includes(v));
      return { values: [...checked, ...unknown] };
    },
  };
}

/** A numeric parameter: a range (min, max, scale; type for non-integers) or a list of values. */
function numberEditor(p) {
  const id = (what) => `sweep-${what}-${p.path}`;
  const at = (what) => `parameters.${p.path}.${what}`;
  const domain = Object.fromEntries(schema().sweep.domain.map((d) => [d.path, d]));
  const mode = select([['range', 'range'], ['values', 'values']], 'range', { testid: id('mode') });
  const min = el('input', { type: 'text', inputmode: 'decimal', testid: id('min'), size: 8 });
  const max = el('input', { type: 'text', inputmode: 'decimal', testid: id('max'), size: 8 });
  const scale = select(names(domain.scale.names).map((n) => [n, n]), domain.scale.default, { testid: id('scale') });
  const type = p.type === 'number' ? select(names(domain.type.names).map((n) => [n, n]), domain.type.default, { testid: id('type') }) : null;
  const values = el('input', { type: 'text', testid: id('values'), placeholder: 'comma-separated', size: 16 });
  const range = el('div', { class: 'row' }, field(domain.min.label, min, { field: at('min') }), field(domain.max.label, max, { field: at('max') }),
    field(domain.scale.label, scale, { field: at('scale') }), type ? field(domain.type.label, type, { field: at('type') }) : null);
  const list = el('div', { class: 'row' }, field(domain.values.label, values, { field: at('values') }));
  const show = () => {
    range.hidden = mode.value !== 'range';
    list.hidden = mode.value !== 'values';
  };
  mode.addEventListener('change', show);
  show();
  return {
    element: el('div', { class: 'sweep-domain' }, field('Domain', mode), range, list),
    read: (d) => {
      mode.value = d?.values ? 'values' : 'range';
      min.value = d?.min ?? '';
      max.value = d?.max ?? '';
      scale.value = d?.scale ?? domain.scale.default;
      if (type) type.value = d?.type ?? domain.type.default;
      values.value = (d?.values ?? []).join(', ');
      show();
    },
    write: () => {
      if (mode.value === 'values') return { values: listOf(values.value) };
      const d = {};
      if (numberOf(min) !== undefined) d.min = numberOf(min);
      if (numberOf(max) !== undefined) d.max = numberOf(max);
      if (scale.value !== domain.scale.default) d.scale = scale.value;
      if (type && type.value !== domain.type.default) d.type = type.value;
      return d;
    },
  };
}

/** One sweepable parameter: whether it is swept, and its domain. */
function paramRow(p) {
  const editor = p.type === 'name' || p.type === 'boolean' ? choiceEditor(p) : numberEditor(p);
  const on = el('input', { type: 'checkbox', testid: `sweep-param-${p.path}`, 'aria-label': `Sweep ${p.path}` });
  const error = el('div', { class: 'field-error', role: 'alert', dataset: { errorFor: `parameters.${p.path}` } });
  const body = el('div', {}, editor.element);
  const sync = () => {
    body.parentNode.hidden = !on.checked;
    element.classList.toggle('on', on.checked);
  };
  on.addEventListener('change', sync);
  const element = el('fieldset', { class: 'sweep-param', dataset: { param: p.path }, title: p.description },
    el('legend', {}, el('label', {}, on, ` ${paramLabel(p)}`)),
    el('div', { class: 'sweep-param-body' }, el('span', { class: 'hint', text: p.description + whenText(p.when) }), body), error);
  return {
    path: p.path,
    element,
    read: (d) => {
      on.checked = d !== undefined;
      editor.read(d);
      sync();
    },
    write: () => (on.checked ? editor.write() : undefined),
  };
}

/**
 * The builder. `onChange` is called after every edit of the form (not after set()).
 * Returns {element, set(spec), get(spec), showProblem(problem|null)}.
 */
export function createSweepBuilder({ onChange }) {
  const top = specFields();
  const rows = schema().sweep.parameters.map(paramRow);
  const general = el('div', { class: 'field-error', role: 'alert', testid: 'sweep-builder-error' });
  const element = el('div', { class: 'sweep-builder', testid: 'sweep-builder' },
    top.element,
    el('h3', { text: 'Parameters to sweep' }),
    el('div', { class: 'sweep-params' }, rows.map((r) => r.element)),
    general);
  element.addEventListener('input', () => onChange());
  element.addEventListener('change', () => onChange());

  const set = (spec) => {
    top.read(spec ?? {});
    for (const r of rows) r.read(spec?.parameters?.[r.path]);
  };
  /** The spec the form shows, on top of `from` (what the form does not show is kept). */
  const get = (from = {}) => {
    const spec = structuredClone(from ?? {});
    for (const f of schema().sweep.fields) if (!NOT_IN_FORM.has(f.path)) delete spec[f.path.split('.')[0]];
    top.write(spec);
    const parameters = {};
    for (const r of rows) {
      const d = r.write();
      if (d !== undefined) parameters[r.path] = d;
    }
    for (const [k, v] of Object.entries(from?.parameters ?? {})) if (!rows.some((r) => r.path === k)) parameters[k] = v;
    spec.parameters = parameters;
    return spec;
  };
  const showProblem = (problem) => {
    for (const slot of element.querySelectorAll('.field-error')) slot.textContent = '';
    for (const c of element.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
    if (!problem) return;
    const slots = [...element.querySelectorAll('[data-error-for]')];
    // the slot of the field, or of the nearest enclosing one (parameters.x for parameters.x.values[2])
    const slot = slots.filter((s) => problem.field === s.dataset.errorFor || problem.field?.startsWith(`${s.dataset.errorFor}.`) ||
      problem.field?.startsWith(`${s.dataset.errorFor}[`)).sort((a, b) => b.dataset.errorFor.length - a.dataset.errorFor.length)[0];
    (slot ?? general).textContent = slot ? problem.detail ?? problem.message : problem.message;
    element.querySelector(`[data-field="${CSS.escape(slot?.dataset.errorFor ?? '')}"]`)?.setAttribute('aria-invalid', 'true');
  };
  return { element, set, get, showProblem };
}
