// End-to-end tests of the sweep builder (www/sweep/builder.js, builder-panel.js): the form made
// from the engine's schema writes the spec JSON the CLI reads, and that spec runs; a spec pasted
// as JSON fills the form; the engine's error for a bad range appears beside its field; the starting
// spec sweeps around the page's network inside the schema's ranges.
//
// Run: node --test tests/e2e/sweep-builder.test.mjs   (needs `make wasm` and www/data/digits.*)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as harness from './harness.mjs';

const SHOTS = path.join(harness.ROOT, 'tests/e2e/screenshots');
const DIGITS = existsSync(path.join(harness.WWW, 'data/digits.json'));

let server;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await harness.startServer();
  browser = await harness.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close?.();
});

const base = {
  seed: 42,
  layers: [{ units: 16, activation: 'relu', init: 'he_uniform' }, { units: 10, activation: 'softmax', init: 'xavier_uniform' }],
  loss: 'cross_entropy',
  task: 'multiclass',
  optimizer: { name: 'adam', lr: 0.003 },
  batch_size: 32,
  epochs: 2,
  validation_split: 0.2,
};

async function open() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await harness.gotoSection(page, 'sweeps');
  await page.waitForSelector('[data-testid=sweep-builder] [data-testid=sweep-param-optimizer\\.lr]');
  // the starting spec follows the loaded data set's config
  await page.waitForFunction(() => window.mlpLab?.summary && JSON.parse(document.querySelector('[data-testid=sweep-spec]').value).dataset);
  return { page, context, errors };
}

const id = (s) => `[data-testid="${s}"]`;
const specShown = async (page) => JSON.parse(await page.inputValue(id('sweep-spec')));

test('a spec built with the form is the JSON the CLI reads, and it runs', { skip: !DIGITS && 'no www/data/digits.json' }, async () => {
  const { page, context, errors } = await open();
  // the part the form does not show (the network and the data set) comes from the text
  await page.fill(id('sweep-spec'), JSON.stringify({ dataset: 'digits', base }));
  await page.selectOption(id('sweep-field-method'), 'random');
  await page.selectOption(id('sweep-field-metric'), 'val_accuracy');
  await page.fill(id('sweep-field-max_trials'), '3');
  await page.fill(id('sweep-field-seed'), '7');
  await page.fill(id('sweep-field-workers'), '1');
  await page.check(id('sweep-param-optimizer.lr'));
  await page.fill(id('sweep-min-optimizer.lr'), '0.001');
  await page.fill(id('sweep-max-optimizer.lr'), '0.03');
  await page.selectOption(id('sweep-scale-optimizer.lr'), 'log');
  await page.check(id('sweep-param-optimizer.name'));
  await page.check(id('sweep-choice-optimizer.name-adam'));
  await page.check(id('sweep-choice-optimizer.name-sgd'));
  await page.check(id('sweep-param-hidden_units'));
  await page.selectOption(id('sweep-mode-hidden_units'), 'values');
  await page.fill(id('sweep-values-hidden_units'), '8, 16');
  const expected = {
    dataset: 'digits',
    base,
    method: 'random',
    metric: 'val_accuracy',
    max_trials: 3,
    seed: 7,
    workers: 1,
    parameters: {
      'optimizer.name': { values: ['sgd', 'adam'] }, // in the schema's order
      hidden_units: { values: [8, 16] },
      'optimizer.lr': { min: 0.001, max: 0.03, scale: 'log' },
    },
  };
  const built = await specShown(page);
  assert.deepEqual(built, expected);
  assert.deepEqual(Object.keys(built.parameters).sort(), Object.keys(expected.parameters).sort());
  // no error beside any field for a valid spec, once the engine has checked it
  await page.waitForSelector('[data-testid=sweep-builder][data-check=ok]', { timeout: 30_000 });
  assert.deepEqual((await page.locator('[data-testid=sweep-builder] .field-error').allTextContents()).filter((t) => t), []);
  await page.locator(id('sweep-builder')).screenshot({ path: path.join(SHOTS, 'sweep-builder.png') });

  await page.click(id('sweep-start'));
  await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 120_000 });
  const rows = await page.locator('[data-testid=sweep-row]').evaluateAll((r) => r.map((x) => x.dataset.status));
  assert.deepEqual(rows, ['completed', 'completed', 'completed']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a spec pasted as JSON shows in the form', async () => {
  const { page, context, errors } = await open();
  const pasted = {
    method: 'grid', metric: 'val_loss', goal: 'minimize', max_trials: 4, dataset: 'iris', base,
    parameters: { batch_size: { values: [16, 32] }, hidden_activation: { values: ['relu', 'tanh'] }, hidden_layers: { min: 1, max: 3 } },
    early_termination: { kind: 'asha', min_epochs: 1, reduction_factor: 2 },
  };
  await page.fill(id('sweep-spec'), JSON.stringify(pasted, null, 2));
  assert.equal(await page.inputValue(id('sweep-field-method')), 'grid');
  assert.equal(await page.inputValue(id('sweep-field-metric')), 'val_loss');
  assert.equal(await page.inputValue(id('sweep-field-goal')), 'minimize');
  assert.equal(await page.inputValue(id('sweep-field-max_trials')), '4');
  assert.equal(await page.inputValue(id('sweep-field-early_termination.kind')), 'asha');
  assert.equal(await page.inputValue(id('sweep-field-early_termination.reduction_factor')), '2');
  assert.equal(await page.isChecked(id('sweep-param-batch_size')), true);
  assert.equal(await page.inputValue(id('sweep-mode-batch_size')), 'values');
  assert.equal(await page.inputValue(id('sweep-values-batch_size')), '16, 32');
  assert.equal(await page.isChecked(id('sweep-choice-hidden_activation-relu')), true);
  assert.equal(await page.isChecked(id('sweep-choice-hidden_activation-tanh')), true);
  assert.equal(await page.isChecked(id('sweep-choice-hidden_activation-sigmoid')), false);
  assert.equal(await page.inputValue(id('sweep-mode-hidden_layers')), 'range');
  assert.equal(await page.inputValue(id('sweep-max-hidden_layers')), '3');
  assert.equal(await page.isChecked(id('sweep-param-optimizer.lr')), false);
  // and back: an edit of the form keeps everything else of the pasted spec
  await page.fill(id('sweep-field-max_trials'), '5');
  assert.deepEqual(await specShown(page), { ...pasted, max_trials: 5 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a range whose max is below its min shows the engine’s error beside that field', async () => {
  const { page, context, errors } = await open();
  await page.fill(id('sweep-spec'), JSON.stringify({ method: 'random', metric: 'val_accuracy', max_trials: 2, dataset: 'iris', base, parameters: {} }));
  await page.check(id('sweep-param-optimizer.lr'));
  await page.fill(id('sweep-min-optimizer.lr'), '0.1');
  await page.fill(id('sweep-max-optimizer.lr'), '0.01');
  const slot = page.locator('[data-error-for="parameters.optimizer.lr.max"]');
  await page.waitForSelector('[data-testid=sweep-builder][data-check=problem]', { timeout: 30_000 });
  assert.match(await slot.textContent(), /must be greater than min \(0\.1\), found 0\.01/);
  assert.equal(await page.getAttribute(id('sweep-max-optimizer.lr'), 'aria-invalid'), 'true');
  // fixed, the error goes
  await page.fill(id('sweep-max-optimizer.lr'), '0.5');
  await page.waitForSelector('[data-testid=sweep-builder][data-check=ok]', { timeout: 30_000 });
  assert.equal(await slot.textContent(), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the starting spec sweeps around the page’s network, inside the ranges and names of the engine’s schema', async () => {
  const { page, context, errors } = await open();
  const [config, sweep] = await page.evaluate(() => [window.mlpLab.config, JSON.parse(document.querySelector('[data-testid=sweep-spec]').value)]);
  assert.deepEqual(sweep.base.layers, config.layers);
  const lr = config.optimizer.lr;
  assert.deepEqual(sweep.parameters['optimizer.lr'], { min: Number((lr / 10).toPrecision(6)), max: Number((lr * 10).toPrecision(6)), scale: 'log' });
  assert.deepEqual(sweep.parameters.batch_size, { values: [config.batch_size / 2, config.batch_size, config.batch_size * 2] });
  const units = config.layers[0].units;
  assert.deepEqual(sweep.parameters.hidden_units, { min: units / 4, max: units * 2, type: 'int', scale: 'log' });
  assert.equal(sweep.metric, 'val_accuracy');
  assert.equal(sweep.early_termination.reduction_factor, 3, 'η is the schema’s default');
  // a batch size of 1 cannot be halved: the schema's minimum keeps the list inside its range
  const small = await page.evaluate(async () => {
    const { specFromPage } = await import('./ui/sweep.js');
    const c = structuredClone(window.mlpLab.config);
    c.batch_size = 1;
    return JSON.parse(specFromPage(c, 'mnist')).parameters.batch_size;
  });
  assert.deepEqual(small, { values: [1, 2] });
  // the engine takes the starting spec as it is (typed back, so the engine checks it)
  await page.fill(id('sweep-spec'), JSON.stringify(sweep));
  await page.waitForSelector('[data-testid=sweep-builder][data-check=ok]', { timeout: 30_000 });
  assert.deepEqual(errors, []);
  await context.close();
});
