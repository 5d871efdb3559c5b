// The page builds its forms from the engine's schema (sent with the worker's 'ready'): every
// select lists the engine's names in its order, an optimizer shows the fields it takes with the
// engine's defaults as placeholders, a kind's required field starts at the schema's example, and
// fitting the output layer to the data uses the engine's pairing of task, loss and activation.
// Also: no page module keeps a list of the engine's names of its own.
//
// Run: node --test tests/e2e/schema.test.mjs   (needs `make wasm`)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as harness from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await harness.startServer();
  browser = await harness.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close?.();
});

/** The page on the spirals, its forms built, with the schema the worker sent. */
async function openPage() {
  const { page, errors } = await harness.newPage(browser);
  await page.goto(`${server.url.replace(/\/$/, '')}/#`);
  await page.waitForSelector('.engine.ok', { timeout: 30_000 });
  await page.selectOption('[data-testid=dataset-select]', 'spirals');
  await page.waitForFunction(() => window.mlpLab.summary?.name === 'spirals', null, { timeout: 30_000 });
  const schema = await page.evaluate(async () => (await import('./schema.js')).schema());
  return { page, errors, schema };
}

const optionValues = (page, testid) => page.$$eval(`[data-testid=${testid}] option`, (os) => os.map((o) => o.value));
const names = (schema, key) => schema.names[key].map((n) => n.name);

test('every select lists the engine’s names in the engine’s order', async () => {
  const { page, errors, schema } = await openPage();
  assert.equal(schema.version, 1);
  const selects = [
    ['layer-0-activation', 'activations'], ['layer-0-init', 'inits'], ['loss-select', 'losses'],
    ['optimizer-select', 'optimizers'], ['regularization-select', 'regularizations'], ['clip-select', 'clip_kinds'],
  ];
  for (const [testid, key] of selects) {
    const values = (await optionValues(page, testid)).filter((v) => v !== '__mixed');
    assert.deepEqual(values, names(schema, key), testid);
  }
  assert.deepEqual(await optionValues(page, 'task-select'), ['', ...names(schema, 'tasks')]);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('each optimizer shows the fields it takes with the engine’s defaults as placeholders', async () => {
  const { page, errors, schema } = await openPage();
  for (const entry of schema.names.optimizers) {
    await page.selectOption('[data-testid=optimizer-select]', entry.name);
    await page.waitForFunction((n) => window.mlpLab.config.optimizer.name === n, entry.name);
    for (const path of entry.fields) {
      const testid = path === 'optimizer.lr' ? 'lr' : `optimizer-${path.split('.')[1]}`;
      const input = page.locator(`[data-testid=${testid}]`);
      assert.equal(await input.count(), 1, `${entry.name}: ${testid}`);
      assert.equal(Number(await input.getAttribute('placeholder')), entry.defaults[path], `${entry.name}: ${path}`);
    }
    const shown = await page.$$eval('[data-field^="optimizer."]', (els) => els.map((e) => e.dataset.field).filter((f) => f !== 'optimizer.name'));
    assert.deepEqual(shown.sort(), [...entry.fields].sort(), `${entry.name} shows only its fields`);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('choosing a kind starts its required field at the schema’s example, and a range bounds its input', async () => {
  const { page, errors, schema } = await openPage();
  const field = (p) => schema.config.fields.find((f) => f.path === p);
  await page.selectOption('[data-testid=regularization-select]', 'l2');
  await page.waitForFunction(() => window.mlpLab.config.regularization?.kind === 'l2');
  assert.equal(await page.evaluate(() => window.mlpLab.config.regularization.lambda), field('regularization.lambda').example);
  await page.selectOption('[data-testid=clip-select]', 'norm');
  await page.waitForFunction(() => window.mlpLab.config.clip?.kind === 'norm');
  assert.equal(await page.evaluate(() => window.mlpLab.config.clip.max_norm), field('clip.max_norm').example);
  assert.equal(await page.evaluate(() => window.mlpLab.config.clip.value), undefined);
  const epochs = page.locator('[data-testid=epochs]');
  assert.equal(Number(await epochs.getAttribute('max')), field('epochs').max.value);
  assert.equal(Number(await epochs.getAttribute('min')), field('epochs').min.value);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('fitting the output layer uses the engine’s pairing of task, loss and output activation', async () => {
  const { page, errors, schema } = await openPage();
  // spirals (2-32-32-1): two classes, so the binary task's loss and activation, on one unit
  const output = `layer-${await page.evaluate(() => window.mlpLab.config.layers.length - 1)}-units`;
  await page.fill(`[data-testid=${output}]`, '5');
  await page.locator(`[data-testid=${output}]`).dispatchEvent('change');
  await page.selectOption('[data-testid=loss-select]', 'mse');
  await page.click('[data-testid=fit-output]');
  const binary = schema.names.tasks.find((t) => t.name === 'binary');
  const config = await page.evaluate(() => window.mlpLab.config);
  const last = config.layers.at(-1);
  assert.deepEqual([last.units, last.activation, config.loss, config.task], [1, binary.output_activation, binary.loss, 'binary']);
  await page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 30_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

/** Page modules (not the built engine) whose text names `name` as a string literal. */
function modulesNaming(name) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        if (!['pkg', 'pkg-sweep', 'data', 'presets'].includes(entry)) walk(file);
      } else if (file.endsWith('.js') && new RegExp(`['"\`]${name}['"\`]`).test(readFileSync(file, 'utf8'))) {
        out.push(path.relative(harness.ROOT, file));
      }
    }
  };
  walk(harness.WWW);
  return out;
}

test('no page module keeps a list of the engine’s activation, init, optimizer or schedule names', () => {
  // names that only a copy of an engine table would spell out in page code
  for (const name of ['leaky_relu', 'xavier_normal', 'he_normal', 'random_normal', 'rmsprop', 'adamw', 'nag', 'cosine']) {
    const copies = modulesNaming(name);
    assert.deepEqual(copies, [], `${name} is spelled out in ${copies.join(', ')}`);
  }
});
