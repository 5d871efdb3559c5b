// The training setting "Workers": how many page workers one run trains on (www/worker-shards.js).
// The weights are the same for any number; more only makes a run faster where a batch is big
// enough to share (the worker then uses fewer: README, "Threads, shards and kernels"). Kept in
// localStorage, defaulting to the browser's cores, at most DEFAULT_MAX_WORKERS.
import { el, field } from './dom.js';
import { DEFAULT_MAX_WORKERS, MAX_WORKERS } from '../worker-shards.js';

const KEY = 'mlp-lab.workers';

/** The default: one worker per core, capped (the page and the browser need a core too). */
export function defaultWorkers() {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, DEFAULT_MAX_WORKERS));
}

/** The workers a run asks for: the setting, else the default. */
export function workersSetting() {
  let saved = null;
  try {
    saved = Number(localStorage.getItem(KEY));
  } catch {
    // storage refused (private mode, a sandboxed frame): the default
  }
  return Number.isInteger(saved) && saved >= 1 && saved <= MAX_WORKERS ? saved : defaultWorkers();
}

/** The number input for the setting; a value outside 1..MAX_WORKERS is refused with a message. */
export function workersField() {
  const input = el('input', { type: 'number', min: 1, max: MAX_WORKERS, step: 1, value: workersSetting(), testid: 'workers' });
  // not a config field: no `field` path, so the config problems never clear this one's message
  const wrap = field('Workers', input, {
    hint: `page workers a run trains on (default ${defaultWorkers()}: this browser's cores, at most ${DEFAULT_MAX_WORKERS}); the same weights for any number`,
  });
  const error = wrap.querySelector('.field-error');
  input.addEventListener('input', () => {
    const v = Number(input.value);
    const ok = Number.isInteger(v) && v >= 1 && v <= MAX_WORKERS;
    error.textContent = ok ? '' : `workers: a whole number from 1 to ${MAX_WORKERS}, found ${JSON.stringify(input.value)}`;
    input.setAttribute('aria-invalid', String(!ok));
    if (!ok) return;
    try {
      localStorage.setItem(KEY, String(v));
    } catch {
      // not kept beyond this page
    }
  });
  return wrap;
}
