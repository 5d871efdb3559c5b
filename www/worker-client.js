// One client of the training worker's protocol (./protocol.js), used by the page (app/app.js) and
// by every sweep trial worker (sweep/pool.js): requests carry an id the worker echoes, the answer
// (or an 'error' with that id) settles the request, and a worker's error reaches the caller as a
// WorkerError with the engine's structured fields — callers read `field` and `kind`, never the
// message text.

/** An 'error' message from the worker as an Error: {where, kind, field, detail, request}. */
export class WorkerError extends Error {
  constructor(m) {
    super(String(m?.message ?? 'the worker failed'));
    this.name = 'WorkerError';
    for (const key of ['where', 'kind', 'field', 'detail', 'request']) if (m?.[key] !== undefined) this[key] = m[key];
  }
}

export class WorkerClient {
  /** prefix: makes this client's ids its own; timeoutMs: a request unanswered this long fails (null: never). */
  constructor({ prefix = 'r', timeoutMs = null } = {}) {
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    this.worker = null;
    this.waiters = new Map();
    this.nextId = 1;
  }

  /** Speaks to `worker` from now on; `onMessage` hears every message it sends. */
  attach(worker, onMessage) {
    this.worker = worker;
    worker.addEventListener('message', (e) => onMessage(e.data));
    return worker;
  }

  post(message, transfer = []) {
    this.worker.postMessage(message, transfer);
  }

  /** A fresh id for a message the caller posts itself and matches by id. */
  id() {
    return `${this.prefix}${this.nextId++}`;
  }

  /** Posts `message` (with an id when it has none) and resolves with its `replyType` answer. */
  request(message, replyType, transfer = []) {
    const id = message.id ?? this.id();
    return new Promise((resolve, reject) => {
      const waiter = { replyType, type: message.type, resolve, reject, timer: 0 };
      if (this.timeoutMs !== null) {
        waiter.timer = setTimeout(() => {
          this.waiters.delete(id);
          reject(new Error(`no ${replyType} from the worker within ${this.timeoutMs / 1000} s`));
        }, this.timeoutMs);
      }
      this.waiters.set(id, waiter);
      this.post({ ...message, id }, transfer);
    });
  }

  /** Settles the request `m` answers (its reply, or an error with its id); true when it did. */
  settle(m) {
    const waiter = m?.id !== undefined ? this.waiters.get(m.id) : undefined;
    if (!waiter || (m.type !== 'error' && m.type !== waiter.replyType)) return false;
    this.waiters.delete(m.id);
    clearTimeout(waiter.timer);
    if (m.type === 'error') waiter.reject(new WorkerError(m));
    else waiter.resolve(m);
    return true;
  }

  /** Fails every request still waiting (the worker is gone). */
  rejectAll(error) {
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}
