// The page-worker rules of www/worker-shards.js and www/shard-replica.js — which shards each
// worker computes, and how many workers a run uses — in Node, without a browser.
//
// Run: node --test tests/e2e/worker-shards-rules.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shardsOf } from '../../www/shard-replica.js';
import { workersFor, MAX_WORKERS } from '../../www/worker-shards.js';

test('every shard of a batch is computed by exactly one worker, in contiguous runs in worker order', () => {
  for (let k = 1; k <= 8; k++) {
    for (let n = 1; n <= 10; n++) {
      const runs = Array.from({ length: n }, (_, t) => shardsOf(t, n, k));
      const covered = runs.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
      assert.deepEqual(covered, Array.from({ length: k }, (_, i) => i), `${k} shards on ${n} workers: ${JSON.stringify(runs)}`);
      const busy = runs.filter(([a, b]) => b > a).length;
      assert.equal(busy, Math.min(n, k), `${k} shards on ${n} workers: every worker up to the shard count has work`);
    }
  }
});

/** A stand-in for a wasm Trainer: what workersFor reads. */
const trainer = ({ shards, params, rows, batches }) => ({
  batch_shards: () => shards,
  param_count: () => params,
  sizes: () => ({ train_n: rows, batches_per_epoch: batches }),
});

test('a run uses no more workers than a batch has shards, nor than asked, nor than the cap', () => {
  // MNIST 784-256-128-10 (235,146 parameters), 4096 rows
  const mnist = (batch, shards) => trainer({ shards, params: 235_146, rows: 4096, batches: 4096 / batch });
  assert.equal(workersFor(mnist(32, 1), 4), 1);
  assert.equal(workersFor(mnist(128, 2), 4), 2);
  assert.equal(workersFor(mnist(128, 2), 1), 1);
  assert.equal(workersFor(mnist(512, 8), 3), 3);
  assert.equal(workersFor(mnist(512, 8), 50), Math.min(8, MAX_WORKERS));
  for (const bad of [0, -2, NaN, undefined, 1.5]) assert.equal(workersFor(mnist(512, 8), bad), 1, String(bad));
});

test('a batch with too little work per worker to pay for the exchange trains on one', () => {
  // 2-8-8-1: 105 parameters, never worth sharing; nets either side of the bound (16 M) at batch 128
  assert.equal(workersFor(trainer({ shards: 8, params: 105, rows: 4096, batches: 8 }), 2), 1);
  assert.equal(workersFor(trainer({ shards: 2, params: 40_000, rows: 1280, batches: 10 }), 2), 1); // 15.4 M a worker
  assert.equal(workersFor(trainer({ shards: 2, params: 45_000, rows: 1280, batches: 10 }), 2), 2); // 17.3 M
});
