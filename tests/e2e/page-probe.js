// Injected by core-flow.mjs's server as the page's first script (same origin, so the page's CSP
// lets it run), the same way in every browser engine: it records console errors, uncaught
// errors and every message the page's workers send, with the page's clock, for any driver to
// read with one script call (window.__probe).
(() => {
  const probe = { errors: [], messages: [] };
  window.__probe = probe;
  const text = (v) => (v instanceof Error ? `${v.name}: ${v.message}` : typeof v === 'string' ? v : JSON.stringify(v));
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    probe.errors.push(args.map(text).join(' '));
    consoleError(...args);
  };
  window.addEventListener('error', (e) => probe.errors.push(`uncaught: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => probe.errors.push(`unhandled rejection: ${text(e.reason)}`));
  const KEEP = new Set(['ready', 'data-loaded', 'started', 'done', 'prediction', 'error']);
  const record = (m) => {
    const at = performance.now();
    if (m?.type === 'epochs') {
      for (const r of m.records) probe.messages.push({ type: 'epoch', at, record: { ...r, weight_histograms: undefined, grad_histograms: undefined } });
    } else if (m?.type === 'epoch') {
      probe.messages.push({ type: 'epoch', at, record: { ...m.record, weight_histograms: undefined, grad_histograms: undefined } });
    } else if (m && KEEP.has(m.type)) {
      probe.messages.push({ ...m, at, history: undefined, model: undefined });
    }
  };
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => record(e.data));
    }
  };
})();
