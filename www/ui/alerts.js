// Banners above the panels for what the page must tell the user about their runs: storage full,
// the worker stopped, runs interrupted by a reload, a run that diverged. Each banner has a key;
// showing a key again replaces its banner. Text goes in through textContent only.
import { el } from './dom.js';

/** alerts.show(key, {text, testid, bad?, note?, actions: [{label, testid, onclick}]}), alerts.clear(key) */
export function createAlerts(root) {
  const shown = new Map();
  return {
    show(key, { text, testid, bad = true, note, actions = [] }) {
      const box = el('div', { class: `alert${bad ? ' bad' : ''}`, testid, role: 'alert', dataset: { key } },
        el('p', { class: 'alert-text', testid: testid ? `${testid}-text` : undefined, text }),
        note ? el('p', { class: 'alert-note', text: note }) : null,
        el('div', { class: 'alert-actions' },
          actions.map((a) => el('button', { type: 'button', class: a.primary ? 'primary small' : 'small', text: a.label, testid: a.testid, onclick: a.onclick })),
          el('button', { type: 'button', class: 'small', text: 'Dismiss', 'aria-label': 'Dismiss this message', onclick: () => this.clear(key) })));
      const old = shown.get(key);
      if (old) old.replaceWith(box);
      else root.append(box);
      shown.set(key, box);
      root.hidden = false;
    },
    clear(key) {
      shown.get(key)?.remove();
      shown.delete(key);
      root.hidden = shown.size === 0;
    },
    has(key) {
      return shown.has(key);
    },
  };
}
