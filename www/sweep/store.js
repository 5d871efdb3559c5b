// The sweeps' IndexedDB database, `mlp-lab-sweeps` (single runs live in `mlp-lab`, which this
// file never opens). Two stores:
//   sweeps  {id, kind: 'sweep'|'report', report?: 'activation'|'init', spec (JSON text),
//            dataRef, workers, status: 'running'|'paused'|'done'|'failed', created, updated,
//            message?}
//   trials  {sweep, id, started (Date.now() when the trial was handed to a worker), record (the
//            CLI's trials.jsonl line), history: [slim epoch records], valMetrics, testMetrics,
//            confusion?: {split, matrix, class_names}}
// A trial is written once it is finished, before the coordinator hears of it, so a reload
// never loses a finished trial; unfinished trials are simply run again.

const DB_NAME = 'mlp-lab-sweeps';
const DB_VERSION = 1;

let opening = null;

function open() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('sweeps')) db.createObjectStore('sweeps', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('trials')) {
        const trials = db.createObjectStore('trials', { keyPath: ['sweep', 'id'] });
        trials.createIndex('sweep', 'sweep');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(new Error(`cannot open the sweep database ${DB_NAME}: ${req.error?.message ?? 'unknown error'}`));
    };
    req.onblocked = () => reject(new Error(`the sweep database ${DB_NAME} is blocked by another tab; close it and reload`));
  });
  return opening;
}

/** Runs `fn(store)` in a transaction on `name` and resolves with the request's result once committed. */
async function tx(name, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(name, mode);
    const req = fn(t.objectStore(name));
    let result;
    if (req) req.onsuccess = () => { result = req.result; };
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(new Error(`sweep database (${name}): ${t.error?.message ?? 'write failed'}`));
    t.onabort = () => reject(new Error(`sweep database (${name}): ${t.error?.message ?? 'transaction aborted'}`));
  });
}

export function newSweepId() {
  return `s${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export function putSweep(sweep) {
  return tx('sweeps', 'readwrite', (s) => s.put({ ...sweep, updated: Date.now() }));
}

export function getSweep(id) {
  return tx('sweeps', 'readonly', (s) => s.get(id));
}

export async function listSweeps() {
  const all = (await tx('sweeps', 'readonly', (s) => s.getAll())) || [];
  return all.sort((a, b) => a.created - b.created);
}

export function putTrial(trial) {
  return tx('trials', 'readwrite', (s) => s.put(trial));
}

export async function trialsOf(sweepId) {
  const all = (await tx('trials', 'readonly', (s) => s.index('sweep').getAll(sweepId))) || [];
  return all.sort((a, b) => a.id - b.id);
}

export async function deleteSweep(id) {
  const trials = await trialsOf(id);
  await tx('trials', 'readwrite', (s) => {
    for (const t of trials) s.delete([id, t.id]);
    return null;
  });
  await tx('sweeps', 'readwrite', (s) => s.delete(id));
}
