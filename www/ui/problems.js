// Puts the engine's config problems next to the controls they are about. A problem's field is a
// JSON path (`layers[1].activation[2]`); the most specific control carrying that path (or a
// parent path) in its data-field gets the message, and the run panel's list shows them all.
import { el, replace } from './dom.js';

let current = [];

/**
 * A problem in plain words: a field the page sent as null is one the user left blank (the panels
 * send null for a required number with nothing in it), and the engine refuses it as the wrong
 * type; that says "required". Read from the problem's field and the config that was judged, never
 * from the engine's message text.
 */
export function plainProblem(p, config) {
  if (!p?.field || valueAtField(config, p.field) !== null) return p;
  return { ...p, message: 'required: enter a value' };
}

/** The value at a problem's field path ('layers[1].units') in `config`; undefined when absent. */
export function valueAtField(config, path) {
  let at = config;
  for (const part of String(path).match(/[^.[\]]+/g) ?? []) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return undefined;
    at = at[part];
  }
  return at;
}

/** 'layers[1].activation[2]' → ['layers[1].activation[2]', 'layers[1].activation', 'layers[1]', 'layers'] */
export function fieldCandidates(path) {
  const out = [];
  let p = String(path || '');
  while (p) {
    out.push(p);
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return out;
}

function controlFor(path) {
  for (const candidate of fieldCandidates(path)) {
    const control = document.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (control) return control;
  }
  // A problem about a whole object (`augment`) goes to the first control of its fields.
  return path ? document.querySelector(`[data-field^="${CSS.escape(path)}."]`) : null;
}

function slotFor(control) {
  const path = control.dataset.field;
  return document.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
}

/** Shows `problems` ([{field, message}]) and remembers them so re-rendered panels can show them again. */
export function showProblems(problems) {
  current = problems || [];
  reapplyProblems();
}

export function currentProblems() {
  return current;
}

export function reapplyProblems() {
  for (const slot of document.querySelectorAll('[data-error-for]')) slot.textContent = '';
  // only the config's controls: others (the Workers field) keep their own state
  for (const c of document.querySelectorAll('[data-field][aria-invalid=true]')) c.removeAttribute('aria-invalid');
  for (const c of document.querySelectorAll('.neuron.bad')) c.classList.remove('bad');
  const box = document.querySelector('[data-testid=config-error]');
  for (const p of current) {
    const control = controlFor(p.field);
    if (!control) continue;
    control.setAttribute('aria-invalid', 'true');
    if (control.classList.contains('neuron')) control.classList.add('bad');
    const slot = slotFor(control) || findNearestSlot(control);
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent} · ${p.message}` : p.message;
  }
  if (!box) return;
  if (current.length === 0) {
    replace(box);
    return;
  }
  replace(box,
    el('strong', { text: current.length === 1 ? 'The engine refuses this configuration:' : `The engine refuses this configuration (${current.length} problems):` }),
    el('ul', {}, current.map((p) => el('li', {},
      p.field ? el('button', {
        type: 'button',
        class: 'small link',
        title: 'Go to the control',
        onclick: () => controlFor(p.field)?.focus(),
      }, el('code', { text: p.field })) : null,
      p.field ? ' ' : '',
      p.message))));
}

function findNearestSlot(control) {
  let node = control.parentElement;
  while (node) {
    const slot = node.querySelector(':scope > .field-error, :scope > [data-error-for]');
    if (slot) return slot;
    node = node.parentElement;
  }
  return null;
}
