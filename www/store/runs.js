// The run store: one IndexedDB record per training run, in the database `mlp-lab`, object store
// `runs` (keyPath `id`). A thin promise wrapper; what a record holds is described in
// www/store/record.js. Quota errors come back as a RunStoreError with `quota: true`, so the
// caller can keep the run in memory and say so instead of losing it silently.

export const DB_NAME = 'mlp-lab';
export const STORE = 'runs';
const VERSION = 1;

/** For the reliability tests: `beforePut(record)` runs before every write and may throw. */
export const testHooks = { beforePut: null };

export class RunStoreError extends Error {
  constructor(message, { quota = false, cause } = {}) {
    super(message, { cause });
    this.name = 'RunStoreError';
    this.quota = quota;
  }
}

export function isQuotaError(e) {
  return e?.name === 'QuotaExceededError' || e?.quota === true ||
    /quota/i.test(String(e?.name ?? '')) || /QuotaExceeded/i.test(String(e?.message ?? ''));
}

function wrap(what, e) {
  if (e instanceof RunStoreError) return e;
  const quota = isQuotaError(e);
  const reason = e?.message || e?.name || String(e);
  return new RunStoreError(quota
    ? `browser storage is full (${e?.name ?? 'QuotaExceededError'}) while ${what}`
    : `the browser's run storage failed while ${what}: ${reason}`, { quota, cause: e });
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction commits; rejects with its error when it aborts. */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Opens (creating on first use) the run store. Rejects with a RunStoreError when IndexedDB is
 * unavailable. With `writer`, puts and deletes go through a worker (./writer.js): IndexedDB copies
 * a record on the thread that puts it, and a checkpoint of MNIST's 784-256-128-10 network (5 MB of
 * model text) took 15–25 ms of the page's thread, 100 ms on a loaded machine; posting it to the
 * worker is a plain structured clone. Reads stay here.
 */
export async function openRunStore({ writer = false } = {}) {
  if (typeof indexedDB === 'undefined') throw new RunStoreError('this browser has no IndexedDB, so runs cannot be saved');
  let db;
  try {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const upgrade = request.result;
      if (!upgrade.objectStoreNames.contains(STORE)) upgrade.createObjectStore(STORE, { keyPath: 'id' });
    };
    request.onblocked = () => console.warn(`${DB_NAME}: another tab holds an older version of the database open`);
    db = await done(request);
  } catch (e) {
    throw wrap('opening the database', e);
  }
  db.onversionchange = () => db.close();
  return new RunStore(db, writer && typeof Worker !== 'undefined' ? new Writer() : null);
}

/** The writer worker's client: requests answered in order, an error as a RunStoreError. */
class Writer {
  constructor() {
    this.worker = new Worker(new URL('./writer.js', import.meta.url), { type: 'module' });
    this.waiting = new Map();
    this.next = 1;
    this.worker.onmessage = ({ data }) => {
      const w = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (data.error) w?.reject(new RunStoreError(data.error.message, { quota: data.error.quota }));
      else w?.resolve();
    };
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.failed = new RunStoreError(`the browser's run storage failed: its writer stopped (${e.message || 'worker error'})`);
      for (const w of this.waiting.values()) w.reject(this.failed);
      this.waiting.clear();
    };
  }

  send(message) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }
}

class RunStore {
  constructor(db, writer = null) {
    this.db = db;
    this.writer = writer;
  }

  async put(record) {
    if (testHooks.beforePut) {
      try {
        testHooks.beforePut(record);
      } catch (e) {
        throw wrap(`saving run “${record?.name ?? record?.id}”`, e);
      }
    }
    if (this.writer) return this.writer.send({ op: 'put', record });
    return this.putHere(record);
  }

  /** Writes `record` from this thread (the writer worker's own path). */
  async putHere(record) {
    const what = `saving run “${record?.name ?? record?.id}”`;
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      const ok = committed(tx);
      tx.objectStore(STORE).put(record);
      await ok;
    } catch (e) {
      throw wrap(what, e);
    }
  }

  async get(id) {
    try {
      return (await done(this.db.transaction(STORE).objectStore(STORE).get(id))) ?? null;
    } catch (e) {
      throw wrap(`reading run ${id}`, e);
    }
  }

  async all() {
    try {
      return await done(this.db.transaction(STORE).objectStore(STORE).getAll());
    } catch (e) {
      throw wrap('listing the saved runs', e);
    }
  }

  async delete(id) {
    // through the writer when there is one, so a delete never overtakes a put still queued there
    if (this.writer) return this.writer.send({ op: 'delete', key: id });
    return this.deleteHere(id);
  }

  async deleteHere(id) {
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      const ok = committed(tx);
      tx.objectStore(STORE).delete(id);
      await ok;
    } catch (e) {
      throw wrap(`deleting run ${id}`, e);
    }
  }
}
