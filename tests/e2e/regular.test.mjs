// Dropout, augmentation and early stopping in the page: the designer's dropout input and the
// training settings write the config the engine reads; a run that stops early marks its kept
// epoch on the loss and accuracy curves; augmentation on data that is not images is refused
// with the engine's message naming `augment`.
//
// Run: node --test tests/e2e/regular.test.mjs   (needs `make wasm`)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as harness from './harness.mjs';
import { digitsConfig, openApp, start, finished, runHash } from './runs-helpers.mjs';

const env = harness.serverAndBrowser();

const base = () => env.server.url.replace(/\/$/, '') + '/';
const config = () => window.mlpLab.config;

test('the designer and the training settings write dropout, augment and early_stopping', async () => {
  const context = await env.browser.newContext();
  const { page, errors } = await openApp(context, base(), digitsConfig());
  await page.fill('[data-testid=layer-0-dropout]', '0.2');
  await page.waitForFunction(() => window.mlpLab.config.layers[0].dropout === 0.2);
  await page.fill('[data-testid=layer-0-dropout]', '');
  await page.waitForFunction(() => window.mlpLab.config.layers[0].dropout === undefined);
  await page.fill('[data-testid=augment-shift]', '2');
  await page.check('[data-testid=augment-flip]');
  assert.deepEqual(await page.evaluate(config).then((c) => c.augment), { shift: 2, flip: true });
  assert.equal(await page.locator('[data-testid=early-stopping-patience]').count(), 0);
  await page.check('[data-testid=early-stopping]');
  await page.waitForSelector('[data-testid=early-stopping-patience]');
  await page.selectOption('[data-testid=early-stopping-metric]', 'val_accuracy');
  await page.fill('[data-testid=early-stopping-patience]', '3');
  await page.check('[data-testid=early-stopping-restore]');
  const es = await page.evaluate(config).then((c) => c.early_stopping);
  assert.deepEqual(es, { metric: 'val_accuracy', patience: 3, restore_best: true });
  await page.uncheck('[data-testid=early-stopping]');
  await page.waitForFunction(() => window.mlpLab.config.early_stopping === undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a run that stops early marks its kept epoch on the curves', async () => {
  const context = await env.browser.newContext();
  const c = digitsConfig({
    epochs: 80,
    optimizer: { lr: 0.01 },
    validation_split: 0.2,
    augment: { shift: 1 },
    early_stopping: { metric: 'val_loss', patience: 2, restore_best: true },
  });
  c.layers[0].dropout = 0.1;
  const { page, errors } = await openApp(context, base(), c);
  const id = await start(page);
  await finished(page, id, 180_000);
  const run = await page.evaluate(() => {
    const r = window.mlpLab.run;
    return { status: r.status, kept: r.keptEpoch, stopped: r.stoppedAt, epochs: r.history.length, losses: r.history.map((e) => e.val_loss) };
  });
  assert.equal(run.status, 'done');
  assert.ok(run.stopped && run.stopped < 80, `stopped early: ${JSON.stringify(run)}`);
  assert.equal(run.epochs, run.stopped);
  const best = run.losses.indexOf(Math.min(...run.losses)) + 1;
  assert.equal(run.kept, best, 'restore_best keeps the lowest validation loss');
  await page.waitForFunction((k) => document.querySelector('[data-testid=loss-chart]')?.dataset.mark === String(k), run.kept);
  assert.equal(await page.getAttribute('[data-testid=accuracy-chart]', 'data-mark'), String(run.kept));
  assert.deepEqual(errors, []);
  await context.close();
});

test('augmentation of data that is not images and early stopping without validation rows are listed before Start, beside their fields', async () => {
  const context = await env.browser.newContext();
  const wine = JSON.parse(readFileSync(path.join(harness.ROOT, 'www/presets/wine.json'), 'utf8')).config;
  const bad = { ...wine, validation_split: 0, augment: { shift: 1 }, early_stopping: { metric: 'val_loss' } };
  const page = await context.newPage();
  await page.goto(base() + runHash(bad, { name: 'wine' }));
  const listed = () => document.querySelector('[data-testid=config-error]')?.innerText ?? '';
  await page.waitForFunction(() => /early_stopping/.test(document.querySelector('[data-testid=config-error]')?.innerText ?? ''), null, { timeout: 30_000 });
  const box = await page.evaluate(listed);
  assert.match(box, /augment\s+shifts and flips apply to image data sets only/);
  assert.match(box, /early_stopping\s+watches the validation split, and this run has none: set validation_split above 0/);
  assert.match(await page.textContent('[data-error-for="early_stopping"]'), /set validation_split above 0/);
  assert.equal(await page.getAttribute('[data-field="augment.shift"]', 'aria-invalid'), 'true', 'the augment problem marks the shift control');
  assert.equal(await page.isDisabled('[data-testid=start]'), true, 'Start waits until the problems are fixed');
  // Fixing both clears them and enables Start.
  await page.evaluate(() => window.mlpLab.setConfig((c) => { c.validation_split = 0.2; delete c.augment; }));
  await page.waitForFunction(() => (document.querySelector('[data-testid=config-error]')?.innerText ?? '').trim() === '', null, { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=start]').disabled, null, { timeout: 30_000 });
  assert.equal(await page.textContent('[data-error-for="early_stopping"]'), '');
  await context.close();
});
