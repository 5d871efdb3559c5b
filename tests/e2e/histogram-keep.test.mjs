// Which epochs keep their histograms on the page (www/histogram-keep.js) — in Node, without a
// browser. The engine's history (src/train/history.rs) thins the same way.
//
// Run: node --test tests/e2e/histogram-keep.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramKeeper, keepHistograms, MAX_HISTOGRAM_EPOCHS } from '../../www/histogram-keep.js';

const rec = (epoch, histograms = true) => ({ epoch, train_loss: 1 / epoch, weight_histograms: histograms ? [{ counts: [1] }] : [], grad_histograms: histograms ? [{ counts: [1] }] : [] });
const withHistograms = (records) => records.filter((r) => r.weight_histograms.length > 0).map((r) => r.epoch);

function run(n, every = () => true) {
  const keeper = histogramKeeper();
  const records = [];
  for (let e = 1; e <= n; e++) {
    const r = rec(e, every(e));
    records.push(r);
    keepHistograms(keeper, r);
  }
  return { keeper, records };
}

test('a short run keeps every epoch’s histograms', () => {
  const { records, keeper } = run(MAX_HISTOGRAM_EPOCHS);
  assert.equal(withHistograms(records).length, MAX_HISTOGRAM_EPOCHS);
  assert.equal(keeper.kept.length, MAX_HISTOGRAM_EPOCHS);
});

test('a long run keeps every epoch but the histograms of at most a thousand, evenly spaced, and the latest', () => {
  const { records, keeper } = run(30_000);
  assert.equal(records.length, 30_000);
  assert.ok(records.every((r, i) => r.epoch === i + 1 && r.train_loss > 0), 'scalars stay');
  const kept = withHistograms(records);
  assert.ok(kept.length <= MAX_HISTOGRAM_EPOCHS && kept.length > MAX_HISTOGRAM_EPOCHS / 2, `${kept.length} kept`);
  assert.deepEqual(keeper.kept.map((r) => r.epoch), kept, 'the keeper lists exactly those');
  assert.equal(kept.at(-1), 30_000);
  const gaps = new Set(kept.slice(0, -1).slice(1).map((e, i) => e - kept[i]));
  assert.deepEqual([...gaps], [keeper.stride], 'one stride between all but the latest');
  assert.equal(kept[0], 1);
  assert.ok(records.filter((r) => r.weight_histograms.length === 0).every((r) => Object.isFrozen(r.weight_histograms)), 'the dropped share one empty list');
});

test('a saved run read back goes on as the uninterrupted one', () => {
  const whole = withHistograms(run(20_000).records);
  for (const cut of [1, 999, 1001, 4096, 13_333]) {
    const { records } = run(cut);
    const keeper = histogramKeeper(records);
    for (let e = cut + 1; e <= 20_000; e++) {
      const r = rec(e);
      records.push(r);
      keepHistograms(keeper, r);
    }
    assert.deepEqual(withHistograms(records), whole, `continued from ${cut}`);
  }
});

test('epochs that come without histograms (a coalesced slice’s middle) are spread over too', () => {
  // histograms on the first 200 epochs and every 7th after, as the worker's slices send them
  const { records } = run(50_000, (e) => e <= 200 || e % 7 === 0);
  const kept = withHistograms(records);
  assert.ok(kept.length <= MAX_HISTOGRAM_EPOCHS, `${kept.length} kept`);
  assert.equal(kept.at(-1), 49_994, 'the latest with histograms');
  // every stretch of the run is represented: no gap above twice the mean spacing
  const gaps = kept.slice(1).map((e, i) => e - kept[i]);
  const mean = 50_000 / kept.length;
  assert.ok(Math.max(...gaps) <= 2 * mean + 7, `largest gap ${Math.max(...gaps)}, mean ${mean.toFixed(1)}`);
});
