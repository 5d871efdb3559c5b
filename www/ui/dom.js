// Tiny DOM helpers shared by the panels. Text always goes in through textContent / text nodes:
// nothing a user typed or a file contained is ever parsed as HTML.

/** el('div', {class: 'x', testid: 'y', onclick: f}, child, 'text', ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let uid = 0;
/** A unique id for label/input pairs. */
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** <label> + control + error slot, wired together for screen readers. */
export function field(labelText, control, { field: path, hint, wide } = {}) {
  const id = control.id || nextId();
  control.id = id;
  if (path) control.dataset.field = path;
  const error = el('div', { class: 'field-error', role: 'alert', dataset: path ? { errorFor: path } : undefined });
  error.id = `${id}-err`;
  control.setAttribute('aria-describedby', error.id);
  return el('div', { class: `field${wide ? ' wide' : ''}` },
    el('label', { for: id, text: labelText }),
    control,
    hint ? el('span', { class: 'hint', text: hint }) : null,
    error);
}

export function select(options, value, props = {}) {
  const s = el('select', props);
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    s.append(el('option', { value: v, text: label, selected: v === value }));
  }
  if (value !== undefined) s.value = value;
  return s;
}

/** Formats like 0.0123, 1.23e-5, 1234.5 — short, plain digits. */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

/** 0.97531 → "97.53%" */
export function pct(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(2)}%`;
}

export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Saves text as a file through a temporary object URL. */
export function download(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
