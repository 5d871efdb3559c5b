// Run tracking: every run the page trains becomes a record in the run store (www/store/runs.js),
// written at the end of every epoch (at most once a second) with the history so far and the
// worker's checkpoint (the weights and optimizer state after that epoch), so a crash or a reload
// loses at most the epoch under way (or the last second of epochs on a fast set). When the
// browser refuses to store (quota), the run stays in memory, training goes on and a banner says
// so; nothing is dropped silently.
//
// The run this tab is training holds a Web Lock named after its id, so another tab (or this one
// after a reload) can tell a live run from one that was interrupted.

import { newRecord } from './store/record.js';
import { openRunStore } from './store/runs.js';
import { download } from './ui/dom.js';

const LOCK_PREFIX = 'mlp-lab-run:';
/**
 * Checkpoints are written at most this often: a small set finishes many epochs a second, and
 * rewriting the whole record each time would keep the disk busy for nothing.
 */
const CHECKPOINT_EVERY_MS = 1000;
/**
 * ...and never more than this share of the time: a long run on a small set has hundreds of
 * thousands of epoch records, and the browser copies the whole record on the page's thread at
 * every write.
 */
const MAX_WRITE_SHARE = 0.05;

/** A copy without the model text: what the table keeps in memory for saved runs. */
const light = (r) => ({ ...r, model: null, optimizer: null, hasModel: Boolean(r.model || r.hasModel), hasOptimizer: Boolean(r.optimizer || r.hasOptimizer) });

export async function createTracker(app, alerts) {
  let store = null;
  try {
    store = await openRunStore({ writer: true });
  } catch (e) {
    alerts.show('storage', {
      testid: 'storage-alert',
      text: `Runs cannot be saved in this browser (${e.message}). They are kept in memory until the page closes; export them from the Runs panel to keep them.`,
    });
  }
  /** id → record: light copies of saved runs, full ones for the live run and unsaved runs. */
  const records = new Map();
  const unsaved = new Set();
  let current = null;
  let pendingResume = null;
  let releaseLock = null;
  /** Final models being fetched: the record's last write is still to come. */
  let settling = 0;
  const changed = () => app.emit('runs-changed');

  // --- writing, coalesced per record: a slow write is followed by one write of the latest state
  const dirty = new Map();
  let flushing = null;
  async function flush() {
    while (dirty.size > 0) {
      const [id, record] = dirty.entries().next().value;
      dirty.delete(id);
      await write(record);
    }
    flushing = null;
  }
  function save(record) {
    dirty.set(record.id, record);
    if (!flushing) flushing = flush();
    return flushing;
  }
  /** How long the last write of the live run took (ms), to space the next ones. */
  let lastWriteMs = 0;
  async function write(record) {
    if (!store) {
      unsaved.add(record.id);
      return;
    }
    try {
      const t0 = performance.now();
      await store.put(record);
      if (record === current) lastWriteMs = performance.now() - t0;
      unsaved.delete(record.id);
      if (alerts.has('quota') && unsaved.size === 0) alerts.clear('quota');
      if (record !== current) records.set(record.id, light(record));
    } catch (e) {
      unsaved.add(record.id);
      records.set(record.id, record);
      const live = record === current && record.status === 'running';
      alerts.show('quota', {
        testid: 'storage-alert',
        text: e.quota
          ? `Browser storage is full (QuotaExceededError): run “${record.name}” is kept in memory${live ? ' and keeps training' : ''}, but will not survive a reload. Export it from the Runs panel, or delete old runs to free space.`
          : `Run “${record.name}” could not be saved (${e.message}); it is kept in memory${live ? ' and keeps training' : ''}. Export it from the Runs panel to keep it.`,
      });
    }
    changed();
  }

  // --- the live run
  function holdLock(id) {
    releaseLock?.();
    releaseLock = null;
    if (!navigator.locks) return;
    navigator.locks.request(LOCK_PREFIX + id, () => new Promise((release) => { releaseLock = release; })).catch(() => {});
  }
  function finishLive() {
    releaseLock?.();
    releaseLock = null;
  }

  app.on('run-reset', (run) => {
    lastWriteMs = 0;
    if (pendingResume && run.resumeOf === pendingResume.record.id) {
      const { record, epoch } = pendingResume;
      current = record;
      current.status = 'running';
      current.endedAt = null;
      current.error = null;
      current.history = current.history.slice(0, epoch);
      current.resumes = [...(current.resumes ?? []), epoch];
    } else {
      current = newRecord({ config: run.config, data: app.dataRef, dataName: run.dataName });
    }
    pendingResume = null;
    records.set(current.id, current);
    holdLock(current.id);
    save(current);
    changed();
  });

  let lastCheckpointSave = -Infinity;
  let checkpointTimer = 0;
  app.on('worker:checkpoint', (m) => {
    if (!current || current.status !== 'running') return;
    current.history = app.run.history.slice(0, m.epoch);
    current.model = m.model;
    current.optimizer = m.optimizer ?? null;
    current.modelEpoch = m.epoch;
    const record = current;
    const saveCheckpoint = () => {
      checkpointTimer = 0;
      lastCheckpointSave = performance.now();
      // A run that ended meanwhile has had (or will have) its final write.
      if (record.status === 'running') save(record);
    };
    const wait = lastCheckpointSave + Math.max(CHECKPOINT_EVERY_MS, lastWriteMs / MAX_WRITE_SHARE) - performance.now();
    if (wait <= 0) saveCheckpoint();
    else if (!checkpointTimer) checkpointTimer = setTimeout(saveCheckpoint, wait);
  });

  app.on('done', (m) => {
    if (!current) return;
    const record = current;
    record.history = app.run.history.slice();
    record.testMetrics = m.test_metrics ?? null;
    record.valMetrics = m.val_metrics ?? null;
    record.status = m.error ? 'failed' : 'done';
    record.error = m.error ?? null;
    record.endedAt = Date.now();
    finishLive();
    keepFinalModel(record).then(() => {
      if (!m.error) return;
      alerts.show('diverged', {
        testid: 'diverged-alert',
        text: `Run “${record.name}” stopped: ${m.error}`,
        note: `The weights from the end of epoch ${record.modelEpoch}, the last good ones, are kept with the run.`,
        actions: [{ label: `Download the epoch ${record.modelEpoch} weights`, testid: 'download-last-good', onclick: () => download(`${record.id}-epoch-${record.modelEpoch}.model.json`, record.model ?? '') }],
      });
    });
  });

  app.on('worker:stopped', () => {
    if (!current || current.status !== 'running') return;
    const record = current;
    record.history = app.run.history.slice();
    record.status = 'stopped';
    record.error = app.run.stopReason ? `stopped: ${app.run.stopReason}` : 'stopped by the user';
    record.endedAt = Date.now();
    finishLive();
    keepFinalModel(record);
  });

  /** The final weights (after divergence: the last finite ones) replace the checkpoint. */
  async function keepFinalModel(record) {
    settling += 1;
    try {
      const reply = await app.request({ type: 'export-model', id: app.id() }, 'model');
      if (record.status !== 'running') {
        record.model = reply.json;
        record.modelEpoch = record.history.length;
        // Only an unfinished run is continued; a finished one needs no optimizer state.
        record.optimizer = null;
      }
    } catch (e) {
      console.warn('the final model could not be read; the record keeps its last checkpoint', e);
    }
    try {
      await save(record);
      if (current === record && !unsaved.has(record.id)) records.set(record.id, light(record));
    } finally {
      settling -= 1;
      changed();
    }
  }

  // --- startup: load the saved runs; runs left 'running' by a closed page are interrupted
  if (store) {
    try {
      const all = await store.all();
      const held = new Set(navigator.locks ? ((await navigator.locks.query()).held ?? []).map((l) => l.name) : []);
      for (const r of all) {
        if (r.status === 'running' && !held.has(LOCK_PREFIX + r.id)) {
          r.status = 'interrupted';
          r.error = `the page was closed or reloaded during epoch ${r.modelEpoch + 1}`;
          r.history = r.history.slice(0, r.modelEpoch);
          await store.put(r).catch(() => {});
        }
        records.set(r.id, light(r));
      }
    } catch (e) {
      alerts.show('storage', { testid: 'storage-alert', text: `The saved runs could not be read (${e.message}).` });
    }
  }

  return {
    get current() {
      return current;
    },
    list() {
      return [...records.values()].sort((a, b) => b.startedAt - a.startedAt);
    },
    /** Nothing waits to be written (the tests wait for this before reading IndexedDB). */
    get idle() {
      return settling === 0 && flushing === null && dirty.size === 0;
    },
    isUnsaved(id) {
      return unsaved.has(id);
    },
    /** The whole record, model included. */
    async full(id) {
      const r = records.get(id);
      if (!r) throw new Error(`there is no run ${id}`);
      if (r === current || unsaved.has(id) || !store) return r;
      return (await store.get(id)) ?? r;
    },
    /** Interrupted runs that can go on: a checkpoint or no epoch yet, fewer epochs than asked. */
    resumable() {
      return this.list().filter((r) => r.status === 'interrupted' && r.modelEpoch < r.epochs && (r.hasModel || r.model || r.modelEpoch === 0));
    },
    /** The live run died with the worker: keep it as interrupted at its last checkpoint. */
    async interrupt(reason) {
      const record = current;
      if (!record || record.status !== 'running') return null;
      record.status = 'interrupted';
      record.error = reason;
      record.history = record.history.slice(0, record.modelEpoch);
      finishLive();
      await save(record);
      return record;
    },
    /** The next 'run-reset' with run.resumeOf === record.id continues `record` after `epoch`. */
    prepareResume(record, epoch) {
      pendingResume = { record, epoch };
    },
    async remove(ids) {
      for (const id of ids) {
        if (current?.id === id && current.status === 'running') throw new Error(`run “${current.name}” is training; stop it before deleting it`);
      }
      for (const id of ids) {
        if (store) await store.delete(id);
        records.delete(id);
        unsaved.delete(id);
        if (current?.id === id) current = null;
      }
      changed();
    },
    /** Adds imported records; an id already present gets a new one, so nothing is overwritten. */
    async add(list, newId) {
      const added = [];
      for (const r of list) {
        const record = records.has(r.id) ? { ...r, id: newId(), name: `${r.name} (imported)` } : r;
        records.set(record.id, record);
        await save(record);
        added.push(record.id);
      }
      changed();
      return added;
    },
    async rename(id, name) {
      const r = await this.full(id);
      r.name = name;
      await save(r);
    },
  };
}
