// The workspace: sections (Train, Inspect, Runs, Sweeps, Reports) behind a tab list (the ARIA
// tabs pattern: one tab in the tab order, arrows/Home/End move between tabs and show them), the
// section shown kept in the URL hash beside the run (hash.js). Panels stay whole; this only
// shows one section at a time.
import { decodeSection, writeSection } from '../hash.js';

export const SECTIONS = ['train', 'inspect', 'runs', 'sweeps', 'reports'];
const DEFAULT = 'train';

export function createWorkspace(app, { tablist, sections }) {
  const tabs = [...tablist.querySelectorAll('[role=tab]')];
  let current = null;

  const show = (name, { focus = false, write = true } = {}) => {
    const next = SECTIONS.includes(name) ? name : DEFAULT;
    for (const tab of tabs) {
      const on = tab.dataset.section === next;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    }
    for (const s of SECTIONS) sections[s].hidden = s !== next;
    if (write) writeSection(next === DEFAULT ? null : next);
    if (next === current) return;
    current = next;
    app.emit('section', next);
  };

  tablist.addEventListener('click', (e) => {
    const tab = e.target.closest('[role=tab]');
    if (tab) show(tab.dataset.section);
  });
  tablist.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    show(tabs[(to + tabs.length) % tabs.length].dataset.section, { focus: true });
  });
  // Back/forward or a pasted link with another section.
  window.addEventListener('hashchange', () => show(decodeSection(location.hash), { write: false }));

  // The skip link shows Train and moves the focus to the run controls without writing its
  // fragment over the run in the address bar.
  document.querySelector('a.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    show('train');
    document.getElementById('run-panel')?.focus();
  });
  // A run started from the Runs section (resumed, restarted) is watched on Train.
  app.on('run-reset', () => { if (current === 'runs') show('train'); });

  show(decodeSection(location.hash), { write: false });
  return {
    show,
    get current() {
      return current;
    },
  };
}

/**
 * The live views panel reads as one line until a run has epochs to show (its charts stay as
 * views.js builds them, only hidden).
 */
export function emptyViews(app, panel) {
  const line = document.createElement('p');
  line.className = 'info views-empty';
  line.dataset.testid = 'views-empty';
  line.textContent = 'Loss, accuracy, the confusion matrix and weight histograms appear here after the first epoch.';
  panel.querySelector('h2').after(line);
  const update = () => panel.classList.toggle('empty', !(app.run.history?.length > 0) && !app.run.started);
  for (const type of ['run-reset', 'run-status', 'epochs', 'run-cleared', 'done']) app.on(type, update);
  update();
}
