// The Train section's loss chart: its "per batch" series joins only readings within an epoch of
// each other. A small set trains many epochs between two readings of the worker's live loss; the
// chart once joined those few readings by straight lines across the plot.
//
// Run: node --test tests/e2e/loss-chart.test.mjs   (needs `make wasm`)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from './harness.mjs';
import { digitsConfig, runHash, slowDigitsConfig } from './runs-helpers.mjs';

const env = harness.serverAndBrowser();

async function train(config, until) {
  const { page, context, errors } = await harness.newPage(env.browser);
  await page.goto(env.server.url + runHash(config));
  await page.waitForFunction(() => window.mlpLab?.summary && !document.querySelector('[data-testid=start]').disabled, null, { timeout: 60_000 });
  await page.click('[data-testid=start]');
  await page.waitForFunction(until, null, { timeout: 120_000 });
  // the chart as drawn after the last reading
  await page.evaluate(() => new Promise((resolve) => setTimeout(() => requestAnimationFrame(resolve), 300)));
  const chart = await page.evaluate(() => ({
    span: document.querySelector('[data-testid=loss-chart]').dataset.thinSpan,
    readings: window.mlpLab.run.liveLoss.map(([x]) => x),
  }));
  await context.close();
  assert.deepEqual(errors, []);
  return chart;
}

test('on a set that trains many epochs between two loss readings, the per-batch series draws no line across epochs', async () => {
  const chart = await train(digitsConfig({ epochs: 40 }), () => window.mlpLab.run.status === 'done');
  const apart = chart.readings.slice(1).map((x, i) => x - chart.readings[i]);
  assert.ok(apart.some((d) => d > 1), `readings more than an epoch apart happened (${chart.readings.map((x) => x.toFixed(2))})`);
  assert.notEqual(chart.span, undefined, 'the chart says what its thin series joined');
  assert.ok(Number(chart.span) <= 1, `the per-batch line joins readings at most an epoch apart (widest ${chart.span})`);
});

test('on a set with several loss readings per epoch, the per-batch series is drawn between them', async () => {
  const chart = await train(slowDigitsConfig(4), () => window.mlpLab.run.history.length >= 2);
  const span = Number(chart.span);
  assert.ok(span > 0 && span <= 1, `the per-batch line is drawn, joining readings within an epoch (widest ${chart.span})`);
});
