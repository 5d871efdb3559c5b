// One run across several page workers (www/worker-shards.js, issue 14): the same config trained
// on 1, 2 and 3 workers ends with byte-identical weights and history — through SharedArrayBuffers
// on a cross-origin isolated page and through transferred buffers without isolation — and a
// checkpoint made with 2 workers continues with 1 to the same end. Driven through the worker
// protocol (www/protocol.js) from tests/e2e/worker-page.html in headless Chromium; and the page's
// Workers setting.
//
// Run: node --test tests/e2e/workers.test.mjs   (needs `make wasm`: www/pkg and www/pkg-shards)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from './harness.mjs';

let isolated;
let plain;
let browser;

before(async () => {
  isolated = await harness.startServer();
  plain = await harness.startServer({ isolated: false });
  browser = await harness.launchBrowser();
});

after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

/**
 * Wide enough that a batch is worth sharing (www/worker-shards.js workersFor: ≈ 6 × 256 rows ×
 * 67k parameters per batch), batch 256: 4 shards.
 */
const CONFIG = {
  seed: 5,
  layers: [
    { units: 256, activation: 'relu', init: 'he_uniform' },
    { units: 256, activation: 'tanh' },
    { units: 2, activation: 'softmax' },
  ],
  loss: 'cross_entropy',
  optimizer: { name: 'adam', lr: 0.003 },
  regularization: { kind: 'l2', lambda: 0.0001 },
  clip: { kind: 'norm', max_norm: 5 },
  batch_size: 256,
  epochs: 4,
  validation_split: 0.2,
  test_split: 0.1,
  standardize: true,
};
const DATA = { kind: 'toy', name: 'spirals', n: 1500, noise: 0.1, seed: 9 };

async function openWorker(server) {
  const { page, context, errors } = await harness.newPage(browser);
  await page.goto(`${server.url}e2e/worker-page.html`);
  await page.evaluate(() => {
    window.__msgs = [];
    window.__worker = new Worker('/worker.js', { type: 'module' });
    window.__worker.onmessage = (e) => window.__msgs.push(e.data);
    window.__worker.onerror = (e) => window.__msgs.push({ type: 'worker-onerror', message: e.message });
  });
  const w = {
    page,
    context,
    errors,
    send: (msg) => page.evaluate((m) => window.__worker.postMessage(m), msg),
    mark: () => page.evaluate(() => window.__msgs.length),
    /** The first message of `type` from index `from` (an error arriving first fails). */
    async next(type, from = 0, timeout = 120_000) {
      const handle = await page.waitForFunction(([t, from]) => {
        for (let i = from; i < window.__msgs.length; i++) {
          const m = window.__msgs[i];
          if (m.type === t || m.type === 'error' || m.type === 'worker-onerror') return i + 1;
        }
        return 0;
      }, [type, from], { timeout, polling: 20 });
      const i = (await handle.jsonValue()) - 1;
      const m = await page.evaluate((i) => window.__msgs[i], i);
      if (m.type !== type) throw new Error(`expected ${type}, got ${m.type}: ${JSON.stringify(m)}`);
      return m;
    },
    all: (type, from = 0) => page.evaluate(([t, from]) => window.__msgs.slice(from).filter((m) => m.type === t), [type, from]),
  };
  await w.send({ type: 'init' });
  await w.next('ready');
  await w.send({ type: 'load-data', source: DATA });
  await w.next('data-loaded');
  return w;
}

/** A history without the wall-clock seconds of each epoch (the one thing runs may differ in). */
const timeless = (epochs) => epochs.map(({ seconds, ...r }) => r);

/** Trains CONFIG (or `message`'s run) on `workers` workers to the end: {started, model, history, checkpoints}. */
async function train(w, workers, message = {}, { pauseOnce = false } = {}) {
  const from = await w.mark();
  await w.send({ type: 'start', config: CONFIG, workers, ...message });
  const started = await w.next('started', from);
  if (pauseOnce) {
    await w.next('progress', from);
    await w.send({ type: 'pause' });
    await w.next('paused', from);
    await w.send({ type: 'resume' });
  }
  const done = await w.next('done', from);
  assert.equal(done.error, undefined);
  const at = await w.mark();
  await w.send({ type: 'export-model' });
  const model = (await w.next('model', at)).json;
  return { started, model, history: timeless(done.history.epochs), checkpoints: await w.all('checkpoint', from), done };
}

test('a run trained on 1, 2 and 3 workers sharing shared memory ends with byte-identical weights and history', async () => {
  const w = await openWorker(isolated);
  assert.equal(await w.page.evaluate(() => self.crossOriginIsolated), true);
  const one = await train(w, 1);
  const two = await train(w, 2, {}, { pauseOnce: true });
  const three = await train(w, 3);
  assert.deepEqual([one.started.workers, two.started.workers, three.started.workers], [1, 2, 3]);
  assert.deepEqual([two.started.exchange, three.started.exchange], ['shared', 'shared']);
  assert.equal(one.history.length, 4);
  assert.ok(one.history[3].train_loss < one.history[0].train_loss, 'the run learns');
  assert.equal(two.model, one.model);
  assert.equal(three.model, one.model);
  assert.deepEqual(two.history, one.history);
  assert.deepEqual(three.history, one.history);
  assert.deepEqual([two.done.test_metrics, three.done.test_metrics], [one.done.test_metrics, one.done.test_metrics]);
  assert.deepEqual(w.errors, []);
  await w.context.close();
});

test('without cross-origin isolation 2 workers exchange transferred buffers and end byte-identical to 1', async () => {
  const w = await openWorker(plain);
  assert.equal(await w.page.evaluate(() => self.crossOriginIsolated), false);
  const one = await train(w, 1);
  const two = await train(w, 2, {}, { pauseOnce: true });
  const three = await train(w, 3);
  assert.deepEqual([two.started.workers, two.started.exchange, three.started.workers], [2, 'transfer', 3]);
  assert.equal(two.model, one.model);
  assert.equal(three.model, one.model);
  assert.deepEqual(two.history, one.history);
  assert.deepEqual(three.history, one.history);
  assert.deepEqual(w.errors, []);
  await w.context.close();
});

test('a checkpoint made with 2 workers continues with 1 (and one made with 1 with 2) to the same end', async () => {
  const w = await openWorker(isolated);
  const whole = await train(w, 1);
  for (const [first, then] of [[2, 1], [1, 2]]) {
    const run = await train(w, first, { coalesce_epochs: false });
    const cp = run.checkpoints.find((c) => c.epoch < CONFIG.epochs);
    assert.ok(cp, `a checkpoint before the last epoch (got epochs ${run.checkpoints.map((c) => c.epoch)})`);
    // the records of epochs 1..K as the page keeps them (with histograms)
    const epochs = await w.page.evaluate((k) => window.__msgs.filter((m) => m.type === 'epoch').slice(-4).map((m) => m.record).slice(0, k), cp.epoch);
    const resumed = await train(w, then, { model: cp.model, history: { epochs }, optimizer: cp.optimizer });
    assert.equal(resumed.started.resumed_from, cp.epoch);
    assert.equal(resumed.started.workers, then);
    assert.equal(resumed.model, whole.model, `${first} → ${then} workers after epoch ${cp.epoch}`);
    assert.deepEqual(resumed.history, whole.history);
  }
  assert.deepEqual(w.errors, []);
  await w.context.close();
});

test('stopping a run on 2 workers ends its helpers, and the next run trains', async () => {
  const w = await openWorker(isolated);
  const from = await w.mark();
  await w.send({ type: 'start', config: { ...CONFIG, epochs: 200 }, workers: 2 });
  assert.equal((await w.next('started', from)).workers, 2);
  await w.next('progress', from);
  await w.send({ type: 'stop' });
  await w.next('stopped', from);
  const again = await train(w, 2);
  const one = await train(w, 1);
  assert.equal(again.model, one.model);
  assert.deepEqual(w.errors, []);
  await w.context.close();
});

test('a run on small batches or a tiny net uses one worker whatever is asked', async () => {
  const w = await openWorker(isolated);
  const from = await w.mark();
  await w.send({ type: 'start', config: { ...CONFIG, batch_size: 64 }, workers: 4 });
  assert.equal((await w.next('started', from)).workers, 1);
  await w.next('done', from);
  const at = await w.mark();
  const tiny = { ...CONFIG, layers: [{ units: 8, activation: 'tanh' }, { units: 2, activation: 'softmax' }] };
  await w.send({ type: 'start', config: tiny, workers: 4 });
  assert.equal((await w.next('started', at)).workers, 1);
  await w.next('done', at);
  assert.deepEqual(w.errors, []);
  await w.context.close();
});

test('the page’s Workers field defaults to the cores (at most 4), refuses a bad count and is kept across reloads', async () => {
  const { page, context, errors } = await harness.newPage(browser);
  await page.goto(isolated.url);
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  const field = page.getByTestId('workers');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(await field.inputValue(), String(Math.min(cores, 4)));
  await field.fill('0');
  const message = field.locator('xpath=..').locator('.field-error');
  assert.equal(await message.textContent(), 'workers: a whole number from 1 to 8, found "0"');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await field.fill('3');
  assert.equal(await message.textContent(), '');
  await page.reload();
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  assert.equal(await page.getByTestId('workers').inputValue(), '3');
  assert.deepEqual(errors, []);
  await context.close();
});
