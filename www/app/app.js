// The page's state and its one client of the training worker, as the panels see it (`app`): an
// event hub (on/once/emit), requests to the worker (./worker-client.js), and the mixins that
// hold each concern — the choice of data, the config and its problems, the run, and what the
// worker's messages change.
import { WorkerClient } from '../worker-client.js';
import { freshRun } from '../run-state.js';
import { dataLoads } from './data-loads.js';
import { configState } from './config-state.js';
import { runControl } from './run-control.js';
import { workerMessages } from './worker-messages.js';

const REQUEST_TIMEOUT_MS = 60_000;

export class App {
  constructor() {
    this.config = null;
    /** What data the run uses, as it goes in the link: {name, ...generator parameters}. */
    this.dataRef = null;
    /** The worker's data-loaded summary. */
    this.summary = null;
    this.problems = [];
    this.problemsFresh = false;
    this.ready = false;
    this.run = freshRun('idle');
    this.runs = [];
    this.presets = [];
    this.listeners = new Map();
    /** The one client of the training worker (requests and their answers). */
    this.client = new WorkerClient({ prefix: 'p', timeoutMs: REQUEST_TIMEOUT_MS });
    /** The number of the user's latest choice of data, and the loads posted and not yet answered. */
    this.dataGen = 0;
    this.loads = [];
    this.validateSeq = 0;
    this.validateSent = [];
    this.validateTimer = 0;
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  once(type, fn) {
    const wrap = (payload) => {
      this.listeners.set(type, (this.listeners.get(type) || []).filter((f) => f !== wrap));
      fn(payload);
    };
    this.on(type, wrap);
  }

  emit(type, payload) {
    for (const fn of this.listeners.get(type) || []) {
      try {
        fn(payload);
      } catch (e) {
        console.error(`while handling ${type}:`, e);
      }
    }
  }

  post(message, transfer = []) {
    this.client.post(message, transfer);
  }

  /** Sends a message and resolves with its reply of `replyType` (a WorkerError when it fails). */
  request(message, replyType, transfer = []) {
    return this.client.request(message, replyType, transfer);
  }

  /** The training worker; a new one (after a crash) is spoken to from then on. */
  get worker() {
    return this.client.worker;
  }

  attachWorker(worker) {
    return this.client.attach(worker, (m) => this.onWorkerMessage(m));
  }

  id() {
    return this.client.id();
  }
}

for (const part of [dataLoads, configState, runControl, workerMessages]) {
  Object.defineProperties(App.prototype, Object.getOwnPropertyDescriptors(part));
}
