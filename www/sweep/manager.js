// Runs the page's sweeps one after another (a sweep already uses every trial worker). On page
// load it picks up, in the order they were made, the sweeps the store holds as running or
// paused: that is how a reload resumes a sweep.
import { SweepRunner, createSweep } from './runner.js';
import * as store from './store.js';

export class SweepManager {
  constructor() {
    this.listeners = new Set();
    this.queue = [];
    this.current = null;
    this.busy = false;
  }

  on(fn) {
    this.listeners.add(fn);
  }

  emit(type, payload, runner) {
    for (const fn of this.listeners) {
      try {
        fn(type, payload, runner);
      } catch (e) {
        console.error(`sweep manager listener (${type}):`, e);
      }
    }
  }

  async resumeFromStore() {
    const rows = await store.listSweeps();
    for (const row of rows.filter((r) => r.status === 'running' || r.status === 'paused')) this.queue.push(row);
    this.pump();
    return rows;
  }

  /** Stores a new sweep and queues it; returns its row (throws on a bad spec). */
  async add(options) {
    const row = await createSweep(options);
    this.queue.push(row);
    this.emit('queued', { row });
    this.pump();
    return row;
  }

  async pump() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const row = this.queue.shift();
        let runner;
        try {
          runner = await SweepRunner.open(row);
        } catch (e) {
          await store.putSweep({ ...row, status: 'failed', message: e.message }).catch(() => {});
          this.emit('failed', { row, message: e.message });
          continue;
        }
        this.current = runner;
        runner.on((type, payload) => this.emit(type, payload, runner));
        this.emit('runner', { row }, runner);
        try {
          await runner.run();
        } catch (e) {
          // A bug, not a bad trial (those are failed records): keep the sweep resumable.
          console.error('sweep stopped:', e);
          runner.close();
          await store.putSweep({ ...runner.row, status: 'paused', message: e.message }).catch(() => {});
          this.emit('failed', { row: runner.row, message: `${e.message} (the sweep is paused; reload to resume it)` }, runner);
        }
        this.current = null;
        this.emit('finished', { row: runner.row }, runner);
      }
    } finally {
      this.busy = false;
    }
  }
}
