// Which epochs keep their histograms on the page: the engine decides (src/train/history.rs),
// the page's copy of a run follows (www/run-histograms.js). In Node, without a browser: the
// trainer wasm (www/pkg) trains as the worker does, a slice of epochs at a time, and the
// page-side copy is fed exactly what the worker posts for a coalesced run (the records as the
// engine's history holds them, and the epochs that keep histograms).
//
// Run: node --test tests/e2e/histogram-keep.test.mjs   (needs `make wasm`)

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, * as wasm from '../../www/pkg/mlp_lab.js';
import { histogramsOf, keepAsEngine } from '../../www/run-histograms.js';

const MAX_HISTOGRAM_EPOCHS = 1000;

before(async () => {
  await init({ module_or_path: readFileSync(new URL('../../www/pkg/mlp_lab_bg.wasm', import.meta.url)) });
});

// One batch an epoch on a tiny set: thousands of epochs a second.
const config = (epochs) => ({
  seed: 3,
  layers: [{ units: 3, activation: 'tanh' }, { units: 2, activation: 'softmax' }],
  optimizer: { name: 'sgd', lr: 0.01 },
  batch_size: 32,
  epochs,
});

const withHistograms = (records) => records.filter((r) => r.weight_histograms.length > 0).map((r) => r.epoch);

/** Trains like the worker (slices of `slice` batches) into a page-side run {history, histograms}. */
function train(trainer, page = { history: [], histograms: histogramsOf() }, slice = 700) {
  while (!trainer.done) {
    const step = trainer.step(slice);
    keepAsEngine(page.histograms, step.finished, step.histogram_epochs);
    page.history.push(...step.finished);
  }
  return page;
}

function run(epochs, data) {
  const trainer = new wasm.Trainer(config(epochs), data);
  const page = train(trainer);
  return { trainer, page };
}

test('a short run keeps every epoch’s histograms on the page', () => {
  const data = wasm.DataSet.toy('circles', 32, 0.1, 1);
  const { page } = run(MAX_HISTOGRAM_EPOCHS, data);
  assert.equal(withHistograms(page.history).length, MAX_HISTOGRAM_EPOCHS);
  assert.equal(page.histograms.kept.length, MAX_HISTOGRAM_EPOCHS);
});

test('a long run keeps every epoch but the histograms of at most a thousand, evenly spaced, as the engine does', () => {
  const data = wasm.DataSet.toy('circles', 32, 0.1, 1);
  const { trainer, page } = run(30_000, data);
  const { history } = page;
  assert.equal(history.length, 30_000);
  assert.ok(history.every((r, i) => r.epoch === i + 1 && Number.isFinite(r.train_loss)), 'scalars stay');
  const kept = withHistograms(history);
  assert.ok(kept.length <= MAX_HISTOGRAM_EPOCHS && kept.length > MAX_HISTOGRAM_EPOCHS / 2, `${kept.length} kept`);
  assert.deepEqual(kept, withHistograms(trainer.history().epochs), 'the page keeps exactly the engine’s');
  assert.deepEqual(page.histograms.kept.map((r) => r.epoch), kept, 'and lists exactly those');
  assert.equal(kept.at(-1), 30_000);
  assert.equal(kept[0], 1);
  const gaps = new Set(kept.slice(0, -1).slice(1).map((e, i) => e - kept[i]));
  assert.equal(gaps.size, 1, `one stride between all but the latest: ${[...gaps]}`);
  assert.ok(history.filter((r) => r.weight_histograms.length === 0).every((r) => Object.isFrozen(r.weight_histograms)), 'the dropped share one empty list');
});

test('a run resumed from a saved epoch goes on keeping what the uninterrupted run keeps', () => {
  const data = wasm.DataSet.toy('circles', 32, 0.1, 1);
  const whole = withHistograms(run(5000, data).page.history);
  for (const cut of [999, 1001, 2048, 3333]) {
    const first = new wasm.Trainer(config(5000), data);
    const saved = { history: [], histograms: histogramsOf() };
    while (saved.history.length < cut) {
      const step = first.step(1);
      keepAsEngine(saved.histograms, step.finished, step.histogram_epochs);
      saved.history.push(...step.finished);
    }
    // As the page stores it and reads it back after a crash: the epochs up to the cut.
    const history = saved.history.slice(0, cut);
    const page = { history, histograms: histogramsOf(history) };
    const rest = new wasm.Trainer(config(5000), data, first.checkpoint_model());
    rest.resume({ epochs: history }, first.checkpoint_optimizer());
    train(rest, page);
    assert.deepEqual(withHistograms(page.history), whole, `continued from ${cut}`);
    first.free();
    rest.free();
  }
});
