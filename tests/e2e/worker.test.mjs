// End-to-end tests of the training worker (www/worker.js + the wasm engine in www/pkg/) in
// headless Chromium, driven through the protocol in www/protocol.js from a blank page
// (tests/e2e/worker-page.html) served with the page's CSP.
//
// Run: node --test tests/e2e/   (needs `make wasm`)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await harness.startServer();
  browser = await harness.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const SPIRALS = {
  seed: 1,
  layers: [
    { units: 24, activation: 'tanh' },
    { units: 24, activation: 'tanh' },
    { units: 2, activation: 'softmax' },
  ],
  loss: 'cross_entropy',
  optimizer: { name: 'adam', lr: 0.01 },
  batch_size: 32,
  epochs: 30,
  validation_split: 0.2,
  test_split: 0.1,
  standardize: true,
};

/**
 * A page with a fresh worker whose messages are recorded in `window.__msgs`; `url` picks the
 * engine (`/worker.js?engine=sweep`: the sweep build, as a sweep's trial workers start it).
 */
async function openWorker(url = '/worker.js') {
  const { page, context, errors } = await harness.newPage(browser);
  await page.goto(`${server.url}e2e/worker-page.html`);
  await page.evaluate((url) => {
    window.__msgs = [];
    window.__worker = new Worker(url, { type: 'module' });
    window.__worker.onmessage = (e) => window.__msgs.push(e.data);
    window.__worker.onerror = (e) => window.__msgs.push({ type: 'worker-onerror', message: e.message });
  }, url);
  return { page, context, errors };
}

const send = (page, msg) => page.evaluate((m) => window.__worker.postMessage(m), msg);
const mark = (page) => page.evaluate(() => window.__msgs.length);

/** Plain copies (typed arrays as arrays, histograms dropped) of the messages from index `from`. */
const messagesFrom = (page, from = 0) => page.evaluate((from) => window.__msgs.slice(from).map((m) => {
  const out = {};
  for (const [k, v] of Object.entries(m)) out[k] = ArrayBuffer.isView(v) ? Array.from(v) : v;
  if (out.record) out.record = { ...out.record, weight_histograms: out.record.weight_histograms?.length };
  return out;
}), from);

/**
 * The first message of `type` at index ≥ `from`; an unexpected error or worker failure
 * arriving first fails the test with its message.
 */
async function next(page, type, { from = 0, timeout = 30_000 } = {}) {
  const handle = await page.waitForFunction(([t, from]) => {
    for (let i = from; i < window.__msgs.length; i++) {
      const m = window.__msgs[i];
      if (m.type === t || (t !== 'error' && (m.type === 'error' || m.type === 'worker-onerror'))) return i + 1;
    }
    return 0;
  }, [type, from], { timeout, polling: 20 });
  const index = (await handle.jsonValue()) - 1;
  const [m] = await messagesFrom(page, index);
  if (m.type !== type) throw new Error(`expected ${type}, got ${m.type}: ${m.message}`);
  Object.defineProperty(m, 'index', { value: index, enumerable: false });
  return m;
}

async function ready(page) {
  await send(page, { type: 'init' });
  return next(page, 'ready');
}

async function loadToy(page, name = 'spirals', n = 600) {
  const from = await mark(page);
  await send(page, { type: 'load-data', source: { kind: 'toy', name, n, noise: 0.05, seed: 3 } });
  return next(page, 'data-loaded', { from });
}

test('init answers ready with SIMD on', async () => {
  const { page, context, errors } = await openWorker();
  const m = await ready(page);
  assert.equal(m.simd, true);
  assert.match(m.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a toy set loads and a short run reports progress, epochs and done with falling loss', async () => {
  const { page, context, errors } = await openWorker();
  await ready(page);
  const loaded = await loadToy(page, 'circles');
  assert.deepEqual(
    { n: loaded.summary.n, d: loaded.summary.d, task: loaded.summary.task_hint, k: loaded.summary.n_classes },
    { n: 600, d: 2, task: 'binary', k: 2 },
  );

  const from = await mark(page);
  await send(page, { type: 'start', config: SPIRALS });
  const started = await next(page, 'started', { from });
  assert.equal(started.epochs, 30);
  assert.equal(started.train_n + started.val_n + started.test_n, 600);
  assert.ok(started.val_n > 0 && started.test_n > 0);
  const done = await next(page, 'done', { from, timeout: 60_000 });
  const all = await messagesFrom(page, from);
  const progress = all.filter((m) => m.type === 'progress');
  const epochs = all.filter((m) => m.type === 'epoch').map((m) => m.record);
  assert.ok(progress.length >= 1);
  const p = progress[progress.length - 1];
  assert.equal(p.epoch, 30);
  assert.ok(p.examples_per_second > 0, `examples/s ${p.examples_per_second}`);
  assert.ok(Number.isFinite(p.train_loss));
  assert.equal(p.grad_norms.length, 3);
  assert.deepEqual(epochs.map((r) => r.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
  assert.ok(epochs[29].train_loss < 0.5 * epochs[0].train_loss,
    `loss ${epochs[0].train_loss} → ${epochs[29].train_loss}`);
  assert.ok(epochs[29].val_accuracy > 0.9, `val accuracy ${epochs[29].val_accuracy}`);
  assert.equal(done.history.epochs.length, 30);
  assert.ok(done.val_metrics.accuracy > 0.9 && Array.isArray(done.test_metrics.confusion_matrix));

  // After the run: evaluation, predictions (one row and a batch, ids echoed), rows of a split.
  let at = await mark(page);
  await send(page, { type: 'evaluate', split: 'test', id: 7 });
  const ev = await next(page, 'evaluation', { from: at });
  assert.equal(ev.id, 7);
  assert.equal(ev.metrics.confusion_matrix.flat().reduce((a, b) => a + b), started.test_n);
  at = await mark(page);
  await send(page, { type: 'predict', features: new Float32Array([0.1, -0.2]) });
  const pr = await next(page, 'prediction', { from: at });
  assert.equal(pr.outputs.length, 2);
  assert.ok(Math.abs(pr.outputs[0] + pr.outputs[1] - 1) < 1e-5);
  at = await mark(page);
  await send(page, { type: 'predict-batch', id: 8, features: new Float32Array([0, 0, 0.5, 0.5, -0.5, 0.3]), rows: 3 });
  const batch = await next(page, 'predictions', { from: at });
  assert.deepEqual([batch.id, batch.rows, batch.cols, batch.outputs.length], [8, 3, 2, 6]);
  at = await mark(page);
  await send(page, { type: 'predict-split', id: 9, split: 'val', limit: 5, features: true });
  const rows = await next(page, 'split-predictions', { from: at });
  assert.deepEqual([rows.id, rows.rows, rows.d, rows.k, rows.cols], [9, 5, 2, 1, 2]);
  assert.equal(rows.features.length, 10);
  // Raw (unscaled) features: the circles lie within about [-1.2, 1.2].
  assert.ok(rows.features.every((v) => Math.abs(v) < 1.5), `${rows.features}`);
  assert.equal(rows.outputs.length, 10);
  assert.ok(rows.targets.every((t) => t === 0 || t === 1));
  at = await mark(page);
  await send(page, { type: 'confusion-matrix', split: 'val' });
  const cm = await next(page, 'confusion-matrix', { from: at });
  assert.deepEqual(cm.class_names, ['outer', 'inner']);
  assert.equal(cm.matrix.flat().reduce((a, b) => a + b), started.val_n);
  await send(page, { type: 'histograms', bins: 12 });
  const hist = await next(page, 'histograms', { from: at });
  assert.deepEqual(hist.weights.map((h) => h.counts.length), [12, 12, 12]);
  assert.equal(hist.grad_norms.length, 3);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a coalesced run posts the epochs of a slice in one message, histograms where the engine keeps them, and done without the history', async () => {
  const { page, context, errors } = await openWorker();
  await ready(page);
  await loadToy(page, 'circles', 100);
  const from = await mark(page);
  // one batch an epoch: thousands of epochs a second
  await send(page, { type: 'start', config: { ...SPIRALS, batch_size: 128, epochs: 3000, validation_split: 0, test_split: 0 }, coalesce_epochs: true });
  const done = await next(page, 'done', { from, timeout: 120_000 });
  const all = await page.evaluate((start) => window.__msgs.slice(start)
    .filter((m) => m.type === 'epoch' || m.type === 'epochs')
    .map((m) => ({
      type: m.type,
      kept: m.histogram_epochs,
      records: (m.records ?? [m.record]).map((r) => ({
        epoch: r.epoch, w: r.weight_histograms.length, g: r.grad_histograms?.length ?? 0, loss: r.train_loss, norms: r.grad_norms.length,
      })),
    })), from);
  assert.equal(all.filter((m) => m.type === 'epoch').length, 0, 'no per-epoch messages');
  const records = all.flatMap((m) => m.records);
  assert.deepEqual(records.map((r) => r.epoch), Array.from({ length: 3000 }, (_, i) => i + 1));
  assert.ok(all.length < 1500, `${all.length} messages for 3000 epochs`);
  assert.ok(records.every((r) => Number.isFinite(r.loss) && r.norms === 3), 'every epoch keeps its scalars');
  for (const m of all) {
    const kept = new Set(m.kept);
    for (const r of m.records) {
      assert.deepEqual([r.w, r.g], kept.has(r.epoch) ? [3, 3] : [0, 0], `epoch ${r.epoch}: histograms as the engine keeps them`);
    }
  }
  const last = all.at(-1).kept;
  assert.ok(last.length <= 1000 && last.length > 500, `${last.length} epochs keep histograms`);
  assert.deepEqual([last[0], last.at(-1)], [1, 3000]);
  assert.equal(done.history, undefined, 'the page has the epochs already');
  assert.equal(done.epochs_done, 3000);
  assert.deepEqual(errors, []);
  await context.close();
});

test('pause stops progress, requests are answered while paused and running, resume and stop work', async () => {
  const { page, context, errors } = await openWorker();
  await ready(page);
  await loadToy(page, 'circles', 4000);
  let from = await mark(page);
  await send(page, { type: 'start', config: { ...SPIRALS, epochs: 100000 } });
  await next(page, 'started', { from });
  await next(page, 'progress', { from });
  const p2 = await next(page, 'progress', { from: (await mark(page)) });
  assert.ok(p2.eta_seconds > 0, `eta ${p2.eta_seconds}`);

  // A request while training is answered between slices.
  let at = await mark(page);
  const t0 = Date.now();
  await send(page, { type: 'predict', features: [0.5, 0.5] });
  await next(page, 'prediction', { from: at });
  assert.ok(Date.now() - t0 < 2000, `prediction took ${Date.now() - t0} ms while training`);

  at = await mark(page);
  await send(page, { type: 'pause' });
  await next(page, 'paused', { from: at });
  const pausedAt = await mark(page);
  await page.waitForTimeout(500);
  let during = (await messagesFrom(page, pausedAt)).filter((m) => m.type === 'progress');
  assert.equal(during.length, 0, 'no progress while paused');
  await send(page, { type: 'evaluate', split: 'val' });
  const ev = await next(page, 'evaluation', { from: pausedAt });
  assert.ok(ev.metrics.accuracy >= 0 && ev.metrics.accuracy <= 1);

  at = await mark(page);
  await send(page, { type: 'resume' });
  await next(page, 'resumed', { from: at });
  await next(page, 'progress', { from: at });

  at = await mark(page);
  await send(page, { type: 'stop' });
  await next(page, 'stopped', { from: at });
  const stoppedAt = await mark(page);
  await page.waitForTimeout(400);
  during = (await messagesFrom(page, stoppedAt)).filter((m) => m.type === 'progress');
  assert.equal(during.length, 0, 'no progress after stop');

  // The stopped run's model exports, imports back and predicts the same.
  at = await mark(page);
  await send(page, { type: 'predict', features: [0.2, -0.7] });
  const before = await next(page, 'prediction', { from: at });
  await send(page, { type: 'export-model' });
  const exported = await next(page, 'model', { from: at });
  const model = JSON.parse(exported.json);
  assert.equal(model.format, 'mlp-lab-model');
  assert.ok(model.input_scaling, 'the standardisation travels with the model');
  at = await mark(page);
  await send(page, { type: 'import-model', json: exported.json });
  const imported = await next(page, 'model-imported', { from: at });
  assert.equal(imported.summary.input, 2);
  await send(page, { type: 'predict', features: [0.2, -0.7] });
  const after = await next(page, 'prediction', { from: at });
  assert.deepEqual(after.outputs, before.outputs);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad config is refused naming the field, by validate and by start', async () => {
  const { page, context } = await openWorker();
  await ready(page);
  await loadToy(page);
  const bad = { ...SPIRALS, layers: [{ units: 0, activation: 'tanh' }, { units: 2, activation: 'softmax' }] };
  let at = await mark(page);
  await send(page, { type: 'validate', config: { ...bad, batch_size: 0 } });
  const problems = await next(page, 'config-problems', { from: at });
  assert.deepEqual(problems.problems.map((p) => p.field), ['layers[0].units', 'batch_size']);
  at = await mark(page);
  await send(page, { type: 'validate', config: SPIRALS });
  assert.deepEqual((await next(page, 'config-problems', { from: at })).problems, []);

  // with_data: also what Start would refuse against the loaded spirals (2 classes), by field
  const wide = { ...SPIRALS, layers: [...SPIRALS.layers.slice(0, -1), { units: 5, activation: 'softmax' }] };
  at = await mark(page);
  await send(page, { type: 'validate', config: wide });
  assert.deepEqual((await next(page, 'config-problems', { from: at })).problems, [], 'the config alone is valid');
  at = await mark(page);
  await send(page, { type: 'validate', config: wide, with_data: true });
  const fit = (await next(page, 'config-problems', { from: at })).problems;
  assert.deepEqual(fit.map((p) => p.field), ['layers[2].units']);
  assert.match(fit[0].message, /2 classes but the output layer has 5 units/);
  at = await mark(page);
  await send(page, { type: 'start', config: wide });
  assert.equal((await next(page, 'error', { from: at })).message.includes('2 classes but the output layer has 5 units'), true, 'Start refuses it alike');
  at = await mark(page);
  await send(page, { type: 'validate', config: { ...SPIRALS, loss: 'mse', layers: [...SPIRALS.layers.slice(0, -1), { units: 1, activation: 'identity' }] }, with_data: true });
  assert.deepEqual((await next(page, 'config-problems', { from: at })).problems.map((p) => p.field), ['loss']);

  at = await mark(page);
  await send(page, { type: 'start', config: bad });
  const err = await next(page, 'error', { from: at });
  assert.equal(err.where, 'config');
  assert.equal(err.field, 'layers[0].units');
  assert.match(err.message, /^layers\[0\]\.units: must be at least 1/);

  at = await mark(page);
  await send(page, { type: 'start', config: { ...SPIRALS, layers: [{ units: 4, activation: 'swish' }] } });
  const parse = await next(page, 'error', { from: at });
  assert.equal(parse.where, 'config');
  assert.equal(parse.field, 'layers[0].activation');
  assert.match(parse.message, /unknown activation `swish`/);
  await context.close();
});

test('CSV and IDX sources load; bad data and unknown messages come back as errors', async () => {
  const { page, context, errors } = await openWorker();
  await ready(page);
  const rows = ['a,b,label'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 7},${(i * 3) % 5},${i % 3 === 0 ? 'yes' : 'no'}`);
  let at = await mark(page);
  await send(page, { type: 'load-data', source: { kind: 'csv', name: 'small', text: rows.join('\n'), target: 'label' } });
  const csv = await next(page, 'data-loaded', { from: at });
  assert.deepEqual([csv.summary.n, csv.summary.d, csv.summary.n_classes], [40, 2, 2]);
  assert.deepEqual(csv.summary.class_names, ['no', 'yes']);
  assert.equal(csv.summary.source_kind, 'csv');
  assert.equal(csv.summary.k, undefined, 'classes: no target columns count');

  // real-valued targets: the summary says how many target columns (the output layer's units)
  at = await mark(page);
  await send(page, { type: 'load-data', source: { kind: 'csv', name: 'values', text: ['a,b,t', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 4},${(i * 0.37).toFixed(2)}`)].join('\n'), target: 't' } });
  const values = await next(page, 'data-loaded', { from: at });
  assert.deepEqual([values.summary.task_hint, values.summary.k], ['regression', 1]);

  at = await mark(page);
  await send(page, { type: 'load-data', source: { kind: 'csv', name: 'broken', text: 'a,b,label\n1,2,x\n3,oops,y\n', target: 'label' } });
  const bad = await next(page, 'error', { from: at });
  assert.equal(bad.where, 'data');
  assert.match(bad.message, /broken.*line 3/);

  // Four 2×2 images and their labels, as IDX bytes.
  const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2, ...Array.from({ length: 16 }, (_, i) => i * 16)]);
  const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 3, 1, 4, 1]);
  at = await mark(page);
  await page.evaluate(([i, l]) => {
    const images = new Uint8Array(i).buffer;
    const labels = new Uint8Array(l).buffer;
    window.__worker.postMessage({ type: 'load-data', source: { kind: 'idx', name: 'tiny', images, labels } }, [images, labels]);
  }, [Array.from(images), Array.from(labels)]);
  const idx = await next(page, 'data-loaded', { from: at });
  assert.deepEqual([idx.summary.n, idx.summary.d, idx.summary.n_classes], [4, 4, 10]);
  assert.deepEqual(idx.summary.image_shape, [2, 2, 1]);
  // the engine's samples of it, for the page's grid
  at = await mark(page);
  await send(page, { type: 'samples', id: 5, count: 2 });
  const { samples } = await next(page, 'samples', { from: at });
  assert.deepEqual([samples.shape, samples.layout, samples.images.map((i) => i.label)], [[2, 2, 1], 'hwc', ['3', '4']]);
  assert.deepEqual(Array.from(samples.images[0].pixels, (v) => Math.round(v * 255)), [0, 16, 32, 48]);

  at = await mark(page);
  await page.evaluate(([i, l]) => {
    const source = { kind: 'idx', name: 'cut', images: new Uint8Array(i).buffer, labels: new Uint8Array(l).buffer };
    window.__worker.postMessage({ type: 'load-data', source });
  }, [Array.from(images.slice(0, 20)), Array.from(labels)]);
  assert.match((await next(page, 'error', { from: at })).message, /cut training images/);

  at = await mark(page);
  await send(page, { type: 'import-model', json: '{"format": "mlp-lab-model", "version": 1, "input": 2, "layers": []}' });
  const model = await next(page, 'error', { from: at });
  assert.equal(model.where, 'model');
  assert.equal(model.field, 'layers');

  at = await mark(page);
  await send(page, { type: 'evaluate', split: 'val', id: 3 });
  const req = await next(page, 'error', { from: at });
  assert.deepEqual([req.where, req.request, req.id], ['request', 'evaluate', 3]);

  at = await mark(page);
  await send(page, { type: 'fly' });
  assert.match((await next(page, 'error', { from: at })).message, /unknown message type "fly"/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a diverging run reports an error naming the learning rate, then done with the epochs so far', async () => {
  const { page, context } = await openWorker();
  await ready(page);
  const rows = ['x1,x2,y'];
  for (let i = 0; i < 200; i++) rows.push(`${i % 10},${(i * 7) % 13},${(i % 10) * 30 + 5}`);
  let at = await mark(page);
  await send(page, { type: 'load-data', source: { kind: 'csv', name: 'lin', text: rows.join('\n'), target: 'y' } });
  // Ten distinct whole numbers read as classes until a regression config asks for values.
  assert.equal((await next(page, 'data-loaded', { from: at })).summary.task_hint, 'multiclass');
  at = await mark(page);
  await send(page, {
    type: 'start',
    config: {
      layers: [{ units: 8, activation: 'relu' }, { units: 1, activation: 'identity' }],
      loss: 'mse', optimizer: { name: 'sgd', lr: 100 }, batch_size: 10, epochs: 50,
    },
  });
  const err = await next(page, 'error', { from: at, timeout: 60_000 });
  assert.equal(err.where, 'train');
  assert.match(err.message, /learning rate 100 is probably too high/);
  const done = await next(page, 'done', { from: err.index + 1 });
  assert.equal(done.error, err.message);
  const epochs = (await messagesFrom(page, at)).filter((m) => m.type === 'epoch');
  assert.equal(done.history.epochs.length, epochs.length);
  await context.close();
});

test('a sweep trial runs as the engine’s TrialRun: its metric per epoch, the coordinator’s answers, a late stop', async () => {
  const { page, context, errors } = await openWorker('/worker.js?engine=sweep');
  await ready(page);
  await loadToy(page, 'circles');
  // A coordinator stand-in: stop at epoch 3, continue otherwise (answers arrive as the worker trains on).
  await page.evaluate(() => window.__worker.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type !== 'epoch' || m.value === null) return;
    const decision = window.__stopAt === m.record.epoch ? 'stop' : 'continue';
    window.__worker.postMessage({ type: 'trial-decision', epoch: m.record.epoch, decision });
  }));
  const trial = async (stopAt) => {
    await page.evaluate((e) => { window.__stopAt = e; }, stopAt);
    const from = await mark(page);
    await send(page, { type: 'start', config: SPIRALS, trial: { id: 4, params: { 'optimizer.lr': 0.01 }, metric: 'val_accuracy' } });
    const done = await next(page, 'done', { from, timeout: 60_000 });
    const epochs = (await messagesFrom(page, from)).filter((m) => m.type === 'epoch');
    return { done, epochs };
  };
  const whole = await trial(null);
  assert.equal(whole.done.trial.status, 'completed');
  assert.deepEqual([whole.done.trial.id, whole.done.trial.epochs, whole.done.trial.params], [4, 30, { 'optimizer.lr': 0.01 }]);
  assert.deepEqual(whole.done.trial.curve, whole.epochs.map((m) => m.value));
  assert.deepEqual(whole.epochs.map((m) => m.value), whole.epochs.map((m) => m.record.val_accuracy));
  assert.ok(whole.done.val_metrics.accuracy > 0.9 && Array.isArray(whole.done.test_metrics.confusion_matrix));

  const stopped = await trial(3);
  assert.deepEqual([stopped.done.trial.status, stopped.done.trial.epochs], ['stopped_early', 3]);
  assert.deepEqual(stopped.done.trial.curve, whole.done.trial.curve.slice(0, 3), 'the same trial, cut at its stop');
  assert.equal(stopped.done.trial.metric, whole.done.trial.curve[2]);
  assert.equal(stopped.done.val_metrics, null, 'the weights trained after the stop are not the trial’s');

  // A metric the data cannot give fails the trial with the engine's message.
  const from = await mark(page);
  await send(page, { type: 'start', config: { ...SPIRALS, validation_split: 0 }, trial: { id: 5, params: {}, metric: 'val_loss' } });
  const failed = await next(page, 'done', { from, timeout: 60_000 });
  assert.equal(failed.trial.status, 'failed');
  assert.match(failed.trial.message, /val_loss is not available at epoch 1 \(the trial has no validation set\)/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the trainer build refuses a sweep trial, naming the build that runs it', async () => {
  const { page, context, errors } = await openWorker();
  await ready(page);
  await loadToy(page, 'circles');
  const from = await mark(page);
  await send(page, { type: 'start', config: SPIRALS, trial: { id: 1, params: {}, metric: 'val_accuracy' } });
  const err = await next(page, 'error', { from });
  assert.deepEqual([err.where, err.request], ['train', 'start']);
  assert.match(err.message, /no sweep trials: start it as worker\.js\?engine=sweep/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a prepared set loads with one of its columns as the regression target', async (t) => {
  const { page, context, errors } = await openWorker();
  await ready(page);
  const source = await page.evaluate(async () => {
    const res = await fetch('/data/breast-cancer.json');
    if (!res.ok) return null;
    const manifest = await res.json();
    const train = await (await fetch(`/data/${manifest.train.file}`)).arrayBuffer();
    return { manifest: JSON.stringify(manifest), train: Array.from(new Uint8Array(train)) };
  });
  if (!source) {
    t.skip('no www/data/breast-cancer.json');
    await context.close();
    return;
  }
  const from = await mark(page);
  await page.evaluate(({ manifest, train }) => {
    const buffer = new Uint8Array(train).buffer;
    const message = { kind: 'prepared', name: 'breast-cancer-area', file: 'breast-cancer', target: 'mean area', train: buffer, manifest };
    window.__worker.postMessage({ type: 'load-data', source: message }, [buffer]);
  }, source);
  const { summary } = await next(page, 'data-loaded', { from });
  assert.deepEqual([summary.name, summary.d, summary.task_hint, summary.k], ['breast-cancer-area', 29, 'regression', 1]);
  assert.ok(!summary.feature_names.includes('mean area'));
  assert.deepEqual(errors, []);
  await context.close();
});
