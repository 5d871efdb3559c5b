// The run store's writer (a worker): puts and deletes of the page's RunStore (./runs.js) run here,
// one at a time in the order they were posted, so IndexedDB's copy of a record (5 MB of model text
// for an MNIST checkpoint) is made on this thread instead of the page's. Answers {id} or {id,
// error: {message, quota}} (the RunStoreError's, which names the run and says when storage is full).
import { openRunStore } from './runs.js';

let store = null;
let queue = Promise.resolve();

self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};

async function handle({ id, op, record, key }) {
  try {
    store ??= await openRunStore();
    if (op === 'put') await store.putHere(record);
    else if (op === 'delete') await store.deleteHere(key);
    else throw new Error(`unknown store operation ${JSON.stringify(op)}`);
    self.postMessage({ id });
  } catch (e) {
    self.postMessage({ id, error: { message: String(e?.message ?? e), quota: Boolean(e?.quota) } });
  }
}
