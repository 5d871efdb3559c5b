// End-to-end tests of the page (www/) in headless Chromium: the real worker and wasm engine,
// driven through the controls a person uses. Screenshots of the main views go to
// tests/e2e/screenshots/ (gitignored) for a person to look at.
//
// Run: node --test tests/e2e/   (needs `make wasm`; the MNIST test also needs www/data/mnist*)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as harness from './harness.mjs';
import { startFrameProbe, stopFrameProbe, longestMainThreadTask } from './frames.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'tests/e2e/screenshots');
const MNIST_PRESENT = existsSync(path.join(ROOT, 'www/data/mnist.json'));
/**
 * The page's responsiveness while it trains: no task on its main thread may use more than
 * MAX_FRAME_GAP_MS of CPU time (at any load: CPU time does not stretch when other processes
 * hold the cores), and no gap between animation frames may exceed MAX_FRAME_GAP_MS of wall
 * time — OVERLOADED_FRAME_GAP_MS when the 1-minute load average is above 1.5 per core, since
 * frames then also wait for a core the page cannot get (README.md, Tests, says the same).
 */
const MAX_FRAME_GAP_MS = 200;
const OVERLOADED_FRAME_GAP_MS = 1000;

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
  await server?.stop?.();
});

function baseUrl() {
  const url = server.url || server.origin || `http://127.0.0.1:${server.port}`;
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Opens the page with a recorder of every message the worker sends (installed before any page
 * script runs, independent of the page's own code), and collects console errors.
 */
async function openPage(hash = '', viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
    if (m.type() !== 'error') return;
    // Without prepared data the page asks for data/mnist.json, gets a 404 and says how to add it.
    const from = m.location()?.url || '';
    if (!MNIST_PRESENT && /\/data\/[^/]+\.json$/.test(from) && /404/.test(m.text())) return;
    errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const keep = new Set(['ready', 'data-loaded', 'config-problems', 'started', 'epoch', 'paused', 'resumed', 'stopped', 'done', 'evaluation', 'prediction', 'error']);
    window.__workerMessages = [];
    window.__epochMessages = 0;
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          const m = e.data;
          // the page's runs get an 'epochs' message per slice: recorded as an 'epoch' per record
          if (m?.type === 'epochs') {
            window.__epochMessages += 1;
            for (const record of m.records) window.__workerMessages.push({ type: 'epoch', record: { ...record, weight_histograms: undefined, grad_histograms: undefined } });
            return;
          }
          if (m?.type === 'epoch') window.__epochMessages += 1;
          if (!m || !keep.has(m.type)) return;
          const copy = { ...m };
          if (copy.record) copy.record = { ...copy.record, weight_histograms: undefined };
          if (copy.history) copy.history = undefined;
          window.__workerMessages.push(copy);
        });
      }
    };
  });
  await page.goto(baseUrl() + hash);
  await page.waitForSelector('.engine.ok', { timeout: 30_000 });
  return { page, errors, warnings, context };
}

const messages = (page, type) => page.evaluate((t) => window.__workerMessages.filter((m) => m.type === t), type);

async function waitForMessage(page, type, timeout = 30_000, after = 0) {
  await page.waitForFunction(([t, n]) => window.__workerMessages.filter((m) => m.type === t).length > n, [type, after], { timeout, polling: 100 });
  const all = await messages(page, type);
  return all[all.length - 1];
}

async function shot(page, name, selector) {
  const file = path.join(SHOTS, `${name}.png`);
  if (selector) {
    // a clip of the page, not an element screenshot: live charts never hold still for Playwright
    await page.locator(selector).scrollIntoViewIfNeeded();
    const box = await page.locator(selector).boundingBox();
    await page.screenshot({ path: file, fullPage: true, clip: { x: box.x, y: box.y + await page.evaluate(() => window.scrollY), width: box.width, height: box.height } });
  } else await page.screenshot({ path: file, fullPage: true });
}

async function chooseData(page, id) {
  const before = (await messages(page, 'data-loaded')).length;
  await page.selectOption('[data-testid=dataset-select]', id);
  if (id !== 'custom') await waitForMessage(page, 'data-loaded', 60_000, before);
  // A load still on its way (the set the page opened with) is answered before the test goes on,
  // and the page shows the set chosen, not that one.
  // (The sets chosen here are toy or prepared ones whose summary is named by their id.)
  await page.waitForFunction((want) => window.mlpLab.loads.length === 0 && (want === 'custom' ? window.mlpLab.summary === null : window.mlpLab.summary?.name === want),
    id, { timeout: 60_000 });
}

async function setField(page, testid, value) {
  await page.fill(`[data-testid=${testid}]`, String(value));
  await page.locator(`[data-testid=${testid}]`).dispatchEvent('change');
}

/** Waits until the page has the worker's verdict on the current config with no problems. */
async function waitStartable(page) {
  await page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 30_000 });
}

test('the page loads with no console errors and the engine ready', async () => {
  const { page, errors, context } = await openPage();
  await page.waitForSelector('[data-testid=dataset-select]');
  await page.waitForTimeout(1000);
  for (const id of ['dataset-select', 'preset-select', 'start', 'pause', 'resume', 'stop', 'epoch', 'train-loss', 'val-accuracy',
    'test-accuracy', 'examples-per-second', 'loss-chart', 'confusion-matrix', 'config-error', 'draw-canvas', 'prediction', 'export-model', 'import-model']) {
    assert.equal(await page.locator(`[data-testid=${id}]`).count(), 1, `one element with data-testid=${id}`);
  }
  await shot(page, 'page-loaded');
  await context.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('a bad config shows the engine’s message next to the field and does not start', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'spirals');
  await waitStartable(page);
  await page.fill('[data-testid=lr]', '-1');
  const box = page.locator('[data-testid=config-error]');
  await box.getByText('optimizer.lr').waitFor({ timeout: 10_000 });
  assert.match(await box.textContent(), /greater than 0/);
  const slot = page.locator('[data-error-for="optimizer.lr"]');
  assert.match(await slot.textContent(), /must be a number greater than 0, found -1/);
  assert.equal(await page.locator('[data-testid=start]').isDisabled(), true, 'Start is refused');
  await page.locator('[data-testid=start]').click({ force: true });
  await page.waitForTimeout(500);
  assert.equal((await messages(page, 'started')).length, 0, 'no run started');

  // a per-neuron problem lands on its neuron cell: softmax mixed into a hidden layer's cells is fine
  // for the engine, so use an output layer that no longer matches the loss instead
  await page.fill('[data-testid=lr]', '0.01');
  await page.selectOption('[data-testid=layer-2-activation]', 'tanh');
  await box.getByText('loss').first().waitFor({ timeout: 10_000 });
  assert.match(await page.locator('[data-error-for=loss]').textContent(), /binary_cross_entropy needs sigmoid outputs/);
  await shot(page, 'config-error', '#designer-panel');
  await context.close();
  assert.deepEqual(errors, []);
});

test('a per-neuron problem from a link marks its neuron cell with the engine’s message', async () => {
  const preset = JSON.parse(readFileSync(path.join(ROOT, 'www/presets/circles.json'), 'utf8'));
  const config = preset.config;
  config.layers[0].activation = ['tanh', 'tanh', 'bogus', 'tanh', 'tanh', 'tanh', 'tanh', 'tanh'];
  const hash = `#run=${Buffer.from(JSON.stringify({ data: { name: 'circles' }, config })).toString('base64url')}`;
  const { page, errors, context } = await openPage(hash);
  const cell = page.locator('[data-testid=neuron-0-2]');
  await page.waitForSelector('[data-testid=neuron-0-2][aria-invalid=true]', { timeout: 20_000 });
  assert.match(await cell.getAttribute('class'), /\bbad\b/);
  assert.match(await page.textContent('[data-error-for="layers[0].neurons"]'), /unknown variant `bogus`/);
  assert.match(await page.textContent('[data-testid=config-error]'), /layers\[0\]\.activation\[2\]/);
  assert.equal(await page.locator('[data-testid=start]').isDisabled(), true);
  // clicking the cell gives it the next activation, and the problem goes away
  await cell.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=config-error]').textContent === '', null, { timeout: 20_000 });
  await page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 20_000 });
  assert.equal(await page.locator('[data-testid=neuron-0-2][aria-invalid=true]').count(), 0);
  await context.close();
  assert.deepEqual(errors, []);
});

test('pause, resume and stop a run on the spirals', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'spirals');
  await setField(page, 'epochs', 100000); // far more than the test waits for: it stops the run
  await waitStartable(page);
  await page.click('[data-testid=start]');
  await waitForMessage(page, 'epoch', 30_000);
  await page.waitForTimeout(300);

  await page.click('[data-testid=pause]', { timeout: 30_000 }); // a page flooded by epochs would not take the click
  await waitForMessage(page, 'paused');
  await page.waitForSelector('[data-testid=resume]:not([disabled])');
  const epochsAtPause = (await messages(page, 'epoch')).length;
  // The engine's progress.epoch counts the epochs completed and progress.batch the batches into
  // the next: the bar counts both, the readout names the epoch under way, and the per-batch loss
  // sits at epoch + batch fraction (never before 0). Read after two frames: the last progress
  // before the pause is on screen by then.
  const shown = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const bar = document.querySelector('[data-testid=progress]');
    resolve({
      p: window.mlpLab.run.progress, value: bar.value, max: bar.max,
      epoch: document.querySelector('[data-testid=epoch]').textContent,
      live: (window.mlpLab.run.liveLoss ?? []).map(([x]) => x),
      seconds: window.mlpLab.runSeconds(),
    });
  }))));
  const atPause = await shown();
  const p = atPause.p;
  assert.equal(atPause.max, p.epochs * p.batches_per_epoch);
  assert.equal(atPause.value, p.epoch * p.batches_per_epoch + p.batch, `bar at ${atPause.value} for epoch ${p.epoch} batch ${p.batch}`);
  assert.equal(atPause.epoch, String(p.epoch + 1), 'the readout is the epoch under way');
  assert.ok(atPause.live.length > 0, 'per-batch loss readings');
  assert.ok(atPause.live.every((x) => x >= 0 && x <= p.epoch + 1), `per-batch loss at x ${Math.min(...atPause.live)}…${Math.max(...atPause.live)}`);
  await page.waitForTimeout(700);
  assert.equal((await messages(page, 'epoch')).length, epochsAtPause, 'no epoch finishes while paused');
  assert.equal(await page.textContent('[data-testid=run-state]'), 'paused');
  const later = await shown();
  assert.ok(Math.abs(later.seconds - atPause.seconds) < 0.05, `training time ${atPause.seconds} s → ${later.seconds} s while paused`);

  await page.click('[data-testid=resume]');
  await waitForMessage(page, 'resumed');
  await waitForMessage(page, 'epoch', 30_000, epochsAtPause);
  assert.equal(await page.textContent('[data-testid=run-state]'), 'running');
  await page.waitForTimeout(1500);
  await shot(page, 'spirals-boundary', '#views-panel');

  await page.click('[data-testid=stop]');
  await waitForMessage(page, 'stopped');
  await page.waitForSelector('[data-testid=start]:not([disabled])');
  assert.equal(await page.textContent('[data-testid=run-state]'), 'stopped');
  const n = (await messages(page, 'epoch')).length;
  await page.waitForTimeout(700);
  assert.equal((await messages(page, 'epoch')).length, n, 'no epoch after stop');
  // a stopped run has no time left and no speed; the bar says where it stopped
  assert.equal(await page.textContent('[data-testid=eta]'), '–');
  assert.equal(await page.textContent('[data-testid=examples-per-second]'), '–');
  assert.match(await page.textContent('[data-testid=progress-text]'), /^\d+% \(stopped\)$/);
  assert.equal(await page.textContent('[data-testid=epoch]'), String((await messages(page, 'epoch')).at(-1).record.epoch));
  await context.close();
  assert.deepEqual(errors, []);
});

test('a long run on a small set: one message per slice, every epoch kept, at most a thousand with histograms, and Pause answers', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'iris');
  await page.waitForFunction(() => window.mlpLab.tracker, null, { timeout: 30_000 });
  await setField(page, 'epochs', 100000);
  await waitStartable(page);
  await page.click('[data-testid=start]');
  // iris finishes thousands of epochs a second; before, each was a message with its histograms
  // and the page froze within seconds
  await page.waitForFunction(() => window.mlpLab.run.history.length >= 30000, null, { timeout: 180_000, polling: 250 });
  await page.click('[data-testid=pause]', { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=run-state]').textContent === 'paused', null, { timeout: 10_000 });
  const run = await page.evaluate(() => {
    const h = window.mlpLab.run.history;
    return {
      n: h.length,
      contiguous: h.every((e, i) => e.epoch === i + 1),
      scalars: h.every((e) => Number.isFinite(e.train_loss) && Number.isFinite(e.lr) && e.grad_norms.length === 2),
      withHistograms: h.filter((e) => e.weight_histograms.length === 2 && e.grad_histograms.length === 2).map((e) => e.epoch),
      messages: window.__epochMessages,
    };
  });
  assert.ok(run.contiguous, 'epochs 1, 2, 3, … without gaps');
  assert.ok(run.scalars, 'every epoch keeps its losses, learning rate and gradient norms');
  const kept = run.withHistograms;
  assert.ok(kept.length <= 1001, `${kept.length} of ${run.n} epochs keep their histograms`);
  // the engine's rule: the first epoch, the latest, and evenly spaced between
  assert.deepEqual([kept[0], kept.at(-1)], [1, run.n], 'the first epoch and the last one keep their histograms');
  const gaps = new Set(kept.slice(1, -1).map((e, i) => e - kept[i]));
  assert.equal(gaps.size, 1, `evenly spaced: gaps ${[...gaps]}`);
  assert.ok(run.messages < run.n / 10, `${run.messages} epoch messages for ${run.n} epochs`);
  // the saved record has the same epochs, in the record's format
  const id = await page.evaluate(() => window.mlpLab.tracker.current.id);
  await page.click('[data-testid=stop]');
  await page.waitForFunction(() => window.mlpLab.tracker.idle && window.mlpLab.run.status === 'stopped', null, { timeout: 60_000 });
  const saved = await page.evaluate(async (runId) => {
    const { openRunStore } = await import('./store/runs.js');
    const r = await (await openRunStore()).get(runId);
    return { status: r.status, n: r.history.length, contiguous: r.history.every((e, i) => e.epoch === i + 1), lists: r.history.every((e) => Array.isArray(e.weight_histograms) && Array.isArray(e.grad_histograms)) };
  }, id);
  assert.deepEqual(saved, { status: 'stopped', n: run.n, contiguous: true, lists: true });
  await shot(page, 'iris-long-run', '#views-panel');
  await context.close();
  assert.deepEqual(errors, []);
});

test('picking another data set mid-run stops the run, keeps it with its weights, and clears the readouts and curves', async () => {
  const { page, errors, warnings, context } = await openPage();
  await chooseData(page, 'spirals');
  await page.waitForFunction(() => window.mlpLab.tracker, null, { timeout: 30_000 });
  await setField(page, 'epochs', 100000);
  await waitStartable(page);
  await page.click('[data-testid=start]');
  await waitForMessage(page, 'epoch', 30_000);
  const id = await page.evaluate(() => window.mlpLab.tracker.current.id);
  await chooseData(page, 'circles');
  await page.waitForFunction((runId) => {
    const t = window.mlpLab.tracker;
    const r = t.list().find((x) => x.id === runId);
    return r && r.status === 'stopped' && t.idle;
  }, id, { timeout: 30_000 });
  const record = await page.evaluate((runId) => window.mlpLab.tracker.full(runId).then((r) => ({ error: r.error, epochs: r.history.length, modelEpoch: r.modelEpoch, model: Boolean(r.model) })), id);
  assert.match(record.error, /the data set changed/);
  assert.ok(record.epochs > 0 && record.model && record.modelEpoch === record.epochs, `the final weights are kept: ${JSON.stringify(record)}`);
  await page.waitForFunction(() => /was stopped after \d+ epochs? because the data set changed/.test(document.querySelector('[data-testid=run-message]').textContent), null, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.mlpLab.summary.name), 'circles');
  assert.equal(await page.evaluate(() => window.mlpLab.run.history.length), 0, 'the charts have no epochs of the old run');
  for (const id of ['epoch', 'train-loss', 'val-loss', 'test-accuracy', 'eta']) assert.equal(await page.textContent(`[data-testid=${id}]`), '–', id);
  assert.equal(await page.textContent('[data-testid=progress-text]'), '');
  // the stopped run was evaluated and listed before the new data freed its trainer
  await page.waitForSelector('[data-testid=runs] tbody tr', { timeout: 10_000 });
  assert.match(await page.textContent('[data-testid=runs] tbody tr'), /spirals.*\d+\.\d\d%/);
  assert.deepEqual(warnings.filter((w) => /could not be read|worker error|no model/.test(w)), []);
  await waitStartable(page);
  await context.close();
  assert.deepEqual(errors, []);
});

test('an output layer that does not fit the loaded data is refused before Start, next to its units; a blank field is “required”', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'iris');
  await waitStartable(page);
  await setField(page, 'layer-1-units', 5);
  const box = page.locator('[data-testid=config-error]');
  await box.getByText('layers[1].units').waitFor({ timeout: 10_000 });
  assert.match(await box.textContent(), /3 classes but the output layer has 5 units/);
  assert.match(await page.textContent('[data-error-for="layers[1].units"]'), /3 classes but the output layer has 5 units/);
  assert.equal(await page.locator('[data-testid=start]').isDisabled(), true, 'Start is refused');
  await setField(page, 'layer-1-units', 3);
  await waitStartable(page);
  // a units field left blank says so plainly, not in serde's words
  await page.fill('[data-testid=layer-0-units]', '');
  await box.getByText('layers[0].units').waitFor({ timeout: 10_000 });
  assert.match(await page.textContent('[data-error-for="layers[0].units"]'), /required/);
  assert.doesNotMatch(await box.textContent(), /invalid type/);
  assert.equal(await page.locator('[data-testid=start]').isDisabled(), true);
  await context.close();
  assert.deepEqual(errors, []);
});

test('“Your file” with nothing loaded, or an empty CSV, leaves nothing to start and says why', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'spirals');
  await waitStartable(page);
  await chooseData(page, 'custom');
  await page.waitForSelector('[data-testid=start][disabled]', { state: 'attached', timeout: 10_000 });
  const rows = ['a,b,y', ...Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5},${i % 2}`)];
  const before = (await messages(page, 'data-loaded')).length;
  await page.setInputFiles('[data-testid=file-input]', { name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await waitForMessage(page, 'data-loaded', 30_000, before);
  await page.waitForSelector('[data-testid=csv-options]:not([hidden])');
  await page.setInputFiles('[data-testid=file-input]', { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.waitForFunction(() => /empty\.csv is empty/.test(document.querySelector('[data-testid=data-status]').textContent), null, { timeout: 10_000 });
  assert.match(await page.getAttribute('[data-testid=data-status]', 'class'), /\bbad\b/);
  await page.waitForSelector('[data-testid=start][disabled]', { state: 'attached', timeout: 10_000 });
  assert.equal(await page.locator('[data-testid=csv-options]').isHidden(), true, 'the last file’s columns are gone');
  assert.equal(await page.textContent('[data-testid=data-summary]'), '');
  assert.equal(await page.evaluate(() => window.mlpLab.summary), null);
  await context.close();
  assert.deepEqual(errors, []);
});

test('a load answered after the user chose “Your file” is not shown: nothing to start, the choice stays', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'spirals');
  const before = (await messages(page, 'data-loaded')).length;
  // Regenerate posts spirals to the worker; “Your file” is chosen the moment it is sent
  await page.evaluate(() => {
    const app = window.mlpLab;
    const post = app.post;
    app.post = function (message, transfer) {
      post.call(this, message, transfer);
      if (message?.type !== 'load-data') return;
      app.post = post;
      const select = document.querySelector('[data-testid=dataset-select]');
      select.value = 'custom';
      select.dispatchEvent(new Event('change'));
    };
    document.querySelector('[data-testid=toy-regenerate]').click();
  });
  await waitForMessage(page, 'data-loaded', 30_000, before);
  await page.waitForFunction(() => window.mlpLab.loads.length === 0, null, { timeout: 30_000 });
  assert.equal((await messages(page, 'data-loaded')).at(-1).summary.name, 'spirals', 'the worker did load spirals');
  assert.equal(await page.evaluate(() => window.mlpLab.summary), null);
  assert.equal(await page.inputValue('[data-testid=dataset-select]'), 'custom');
  assert.equal(await page.textContent('[data-testid=data-summary]'), '');
  await page.waitForSelector('[data-testid=start][disabled]', { state: 'attached', timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.mlpLab.dataRef.name), 'custom');
  await context.close();
  assert.deepEqual(errors, []);
});

test('while another set is on its way nothing can start: the page holds no data until it loads', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'spirals');
  await waitStartable(page);
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  await page.route('**/data/iris.json', async (route) => {
    await gate;
    await route.continue();
  });
  const before = (await messages(page, 'data-loaded')).length;
  await page.selectOption('[data-testid=dataset-select]', 'iris');
  await page.waitForFunction(() => /Loading/.test(document.querySelector('[data-testid=data-status]').textContent), null, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.mlpLab.summary), null, 'the spirals are not what the page holds now');
  assert.equal(await page.isDisabled('[data-testid=start]'), true, 'Start waits for iris');
  release();
  await waitForMessage(page, 'data-loaded', 30_000, before);
  await waitStartable(page);
  assert.equal(await page.evaluate(() => window.mlpLab.summary.name), 'iris');
  await context.close();
  assert.deepEqual(errors, []);
});

test('a CSV picked from disk trains', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'custom');
  // three Gaussian blobs in 4-D with a text label column in the middle
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const rows = ['x1,x2,species,x3,x4'];
  const centres = { alpha: [0, 0, 0, 0], beta: [3, 3, 0, 1], gamma: [0, 3, 3, -2] };
  for (let i = 0; i < 300; i++) {
    const name = Object.keys(centres)[i % 3];
    const c = centres[name];
    const v = c.map((m) => (m + gauss() * 0.6).toFixed(4));
    rows.push([v[0], v[1], name, v[2], v[3]].join(','));
  }
  const before = (await messages(page, 'data-loaded')).length;
  await page.setInputFiles('[data-testid=file-input]', { name: 'blobs.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  // the one column of words is taken as the target
  const loaded = await waitForMessage(page, 'data-loaded', 30_000, before);
  assert.equal(await page.inputValue('[data-testid=csv-target]'), 'species');
  assert.equal(loaded.summary.d, 4);
  assert.equal(loaded.summary.n_classes, 3);
  await page.waitForFunction(() => document.querySelector('[data-testid=layer-2-units]')?.value === '3');
  await setField(page, 'epochs', 30);
  await waitStartable(page);
  await page.click('[data-testid=start]');
  const done = await waitForMessage(page, 'done', 120_000);
  const acc = done.test_metrics.accuracy;
  assert.ok(acc > 0.9, `blobs test accuracy ${acc}`);
  assert.equal(await page.textContent('[data-testid=test-accuracy]'), `${(acc * 100).toFixed(2)}%`);
  await shot(page, 'csv-trained');
  await context.close();
  assert.deepEqual(errors, []);
});

test('IDX (gzip) and CIFAR-10 files picked by the user load, show a grid of their images and train', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'custom');
  // 60 IDX images of 6×6: class k is a bright bar in row k (k = 0..2); gzip-compressed
  const n = 60;
  const images = Buffer.alloc(16 + n * 36);
  images.writeUInt32BE(0x00000803, 0); images.writeUInt32BE(n, 4); images.writeUInt32BE(6, 8); images.writeUInt32BE(6, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0); labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    labels[8 + i] = k;
    for (let c = 0; c < 6; c++) images[16 + i * 36 + k * 6 + c] = 200 + ((i * 7 + c) % 50);
  }
  let before = (await messages(page, 'data-loaded')).length;
  await page.setInputFiles('[data-testid=file-input]', [
    { name: 'bars-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: gzipSync(images) },
    { name: 'bars-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: gzipSync(labels) },
  ]);
  let loaded = await waitForMessage(page, 'data-loaded', 30_000, before);
  assert.equal(loaded.summary.n, n);
  assert.equal(loaded.summary.d, 36);
  await page.waitForSelector('[data-testid=samples]:not([hidden])', { timeout: 10_000 });
  await shot(page, 'idx-upload-samples', '[data-testid=samples]');
  await setField(page, 'epochs', 40);
  await waitStartable(page);
  const doneBefore = (await messages(page, 'done')).length;
  await page.click('[data-testid=start]');
  const done = await waitForMessage(page, 'done', 120_000, doneBefore);
  assert.ok(done.test_metrics.accuracy >= 0.9, `bars accuracy ${done.test_metrics.accuracy}`);

  // 30 CIFAR records: label byte + R, G, B planes of 32×32
  const cifar = Buffer.alloc(30 * 3073);
  for (let i = 0; i < 30; i++) {
    cifar[i * 3073] = i % 10;
    cifar.fill((i * 37) % 256, i * 3073 + 1 + (i % 3) * 1024, i * 3073 + 1 + ((i % 3) + 1) * 1024);
  }
  before = (await messages(page, 'data-loaded')).length;
  await page.setInputFiles('[data-testid=file-input]', { name: 'data_batch_1.bin', mimeType: 'application/octet-stream', buffer: cifar });
  loaded = await waitForMessage(page, 'data-loaded', 30_000, before);
  assert.equal(loaded.summary.n, 30);
  assert.equal(loaded.summary.d, 3072);
  await page.waitForSelector('[data-testid=samples]:not([hidden])', { timeout: 10_000 });
  await shot(page, 'cifar-upload-samples', '[data-testid=samples]');

  // a broken CIFAR file: the engine's message, and no grid left over from the set before
  const seen = (await messages(page, 'error')).length;
  await page.setInputFiles('[data-testid=file-input]', { name: 'broken_batch.bin', mimeType: 'application/octet-stream', buffer: cifar.subarray(0, 5000) });
  await waitForMessage(page, 'error', 30_000, seen);
  await page.waitForSelector('[data-testid=samples][hidden]', { state: 'attached', timeout: 10_000 });
  assert.match(await page.textContent('[data-testid=data-status]'), /3073/);
  await context.close();
  assert.deepEqual(errors, []);
});

test('the config in the URL hash reloads identically', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'circles');
  await page.click('[data-testid=add-layer]');
  await page.fill('[data-testid=lr]', '0.005');
  await page.selectOption('[data-testid=optimizer-select]', 'rmsprop');
  await page.fill('[data-testid=optimizer-momentum]', '0.5');
  await page.selectOption('[data-testid=regularization-select]', 'l2');
  await setField(page, 'batch-size', 48);
  await waitStartable(page);
  const url = page.url();
  assert.match(url, /#run=/);
  const values = async (p) => p.evaluate(() => [...document.querySelectorAll('#designer-panel [data-field], #optimizer-panel [data-field]')]
    .map((e) => `${e.dataset.field}=${e.type === 'checkbox' ? e.checked : e.value ?? ''}`));
  const original = await values(page);

  const second = await openPage(url.slice(url.indexOf('#')));
  await second.page.waitForFunction(() => document.querySelector('[data-testid=batch-size]')?.value === '48');
  await second.page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 30_000 });
  assert.equal(second.page.url(), url, 'the reloaded page writes back the same link');
  assert.deepEqual(await values(second.page), original);
  assert.equal(await second.page.inputValue('[data-testid=dataset-select]'), 'circles');
  await second.context.close();

  // a bad link pasted into the open page says so too, and the page keeps its settings
  await page.evaluate(() => { location.hash = '#run=not-base64!!'; });
  await page.waitForFunction(() => /could not be read/.test(document.querySelector('[data-testid=run-message]').textContent), null, { timeout: 10_000 });
  assert.equal(await page.inputValue('[data-testid=batch-size]'), '48');

  // an unreadable link is refused with a message, not a crash
  const third = await openPage('#run=not-base64!!');
  await third.page.waitForFunction(() => /could not be read/.test(document.querySelector('[data-testid=run-message]').textContent), null, { timeout: 60_000 });
  await third.context.close();
  await context.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(second.errors, []);
});

test('MNIST with its preset reaches 95% test accuracy, the page stays responsive, and the drawing predicts', async (t) => {
  if (!MNIST_PRESENT) {
    const reason = 'www/data/mnist.json is absent: run `make serve` with ../shared/data present (or mlp-lab prepare-data) to add the prepared MNIST subset';
    console.log(`# skipping the MNIST test: ${reason}`);
    t.skip(reason);
    return;
  }
  const { page, errors, warnings, context } = await openPage();
  await page.waitForSelector('[data-testid=samples]:not([hidden])', { timeout: 60_000 });
  assert.equal(await page.inputValue('[data-testid=preset-select]'), 'mnist.json');
  await waitStartable(page);
  await startFrameProbe(page);
  await browser.startTracing(page, { categories: ['toplevel'] });
  const started = Date.now();
  await page.click('[data-testid=start]');
  await waitForMessage(page, 'epoch', 120_000);
  await page.waitForTimeout(500);
  await shot(page, 'mnist-training');
  const done = await waitForMessage(page, 'done', 400_000);
  const probe = await stopFrameProbe(page);
  const task = longestMainThreadTask(await browser.stopTracing());
  const load = os.loadavg()[0];
  const overloaded = load > os.cpus().length * 1.5;
  t.diagnostic(`animation frames during training: ${probe.frames}, longest gap ${probe.max.toFixed(0)} ms, 99th percentile ${probe.p99.toFixed(0)} ms, load average ${load.toFixed(1)} on ${os.cpus().length} cores`);
  t.diagnostic(`main-thread tasks: ${task.tasks} (${task.withCpuTime} with CPU time), longest ${task.cpuMs.toFixed(0)} ms of CPU, ${task.wallMs.toFixed(0)} ms of wall time`);
  assert.ok(probe.frames > 20, `the probe saw ${probe.frames} frames`);
  assert.ok(task.tasks > 20 && task.withCpuTime > 0.9 * task.tasks, `the trace holds ${task.tasks} main-thread tasks, ${task.withCpuTime} with their CPU time`);
  assert.ok(task.cpuMs <= MAX_FRAME_GAP_MS, `a main-thread task used ${task.cpuMs.toFixed(0)} ms of CPU (limit ${MAX_FRAME_GAP_MS})`);
  const gapLimit = overloaded ? OVERLOADED_FRAME_GAP_MS : MAX_FRAME_GAP_MS;
  if (overloaded) t.diagnostic(`load above 1.5 per core: frame gaps up to ${OVERLOADED_FRAME_GAP_MS} ms allowed (the CPU-time limit above still holds)`);
  assert.ok(probe.max <= gapLimit, `longest gap between animation frames ${probe.max.toFixed(0)} ms (limit ${gapLimit} at load ${load.toFixed(1)})`);

  const acc = done.test_metrics.accuracy;
  assert.ok(acc >= 0.95, `MNIST test accuracy ${acc}`);
  assert.equal(await page.textContent('[data-testid=test-accuracy]'), `${(acc * 100).toFixed(2)}%`, 'shown as the worker reported it');
  const lastEpoch = (await messages(page, 'epoch')).at(-1).record;
  assert.equal(await page.textContent('[data-testid=epoch]'), String(lastEpoch.epoch));
  if (lastEpoch.val_accuracy !== undefined) {
    assert.equal(await page.textContent('[data-testid=val-accuracy]'), `${(lastEpoch.val_accuracy * 100).toFixed(2)}%`);
  }
  const shownRate = await page.textContent('[data-testid=examples-per-second]');
  assert.match(shownRate, /^\d+$/);
  t.diagnostic(`MNIST subset: test accuracy ${(acc * 100).toFixed(2)}% after ${lastEpoch.epoch} epochs, ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s from start to done, ${shownRate} examples/s shown`);
  await page.waitForTimeout(800);
  await shot(page, 'mnist-done');
  await shot(page, 'mnist-loss', '[data-chart=loss]');
  await shot(page, 'mnist-confusion', '[data-chart=confusion]');
  await shot(page, 'mnist-histograms', '[data-chart=hist]');
  await shot(page, 'mnist-gradients', '[data-chart=grads]');

  // draw a "1": a vertical stroke in the middle of the canvas
  const canvas = page.locator('[data-testid=draw-canvas]');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const before = (await messages(page, 'prediction')).length;
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.48, box.y + box.height * 0.85, { steps: 12 });
  await page.mouse.up();
  const reply = await waitForMessage(page, 'prediction', 10_000, before);
  const probs = reply.outputs;
  const best = probs.indexOf(Math.max(...probs));
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=prediction]').textContent));
  assert.match(await page.textContent('[data-testid=prediction]'), new RegExp(`^${best} \\(`));
  assert.equal(best, 1, `a vertical stroke reads as 1 (probabilities ${probs.map((p) => p.toFixed(2)).join(' ')})`);
  await shot(page, 'mnist-draw', '#try-panel');

  // a picked test image predicts too
  const n = (await messages(page, 'prediction')).length;
  await page.click('[data-testid=test-example-0]');
  await waitForMessage(page, 'prediction', 10_000, n);
  await context.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings.filter((w) => /willReadFrequently/.test(w)), [], 'the drawing canvas is read back without Canvas2D warnings');
});

test('the model and the config download and upload', async () => {
  const { page, errors, context } = await openPage();
  await chooseData(page, 'circles');
  await setField(page, 'epochs', 40);
  await waitStartable(page);
  await page.click('[data-testid=start]');
  await waitForMessage(page, 'done', 60_000);

  const save = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
    return readFileSync(await download.path(), 'utf8');
  };
  const modelJson = await save('export-model');
  const model = JSON.parse(modelJson);
  assert.equal(model.format, 'mlp-lab-model');
  assert.deepEqual(model.layers.map((l) => l.units), [8, 1]);
  const configJson = await save('export-config');
  assert.deepEqual(JSON.parse(configJson), await page.evaluate(() => JSON.parse(JSON.stringify(window.mlpLab.config))));

  const other = await openPage();
  await chooseData(other.page, 'circles');
  await other.page.setInputFiles('[data-testid=import-config]', { name: 'run.config.json', mimeType: 'application/json', buffer: Buffer.from(configJson) });
  await other.page.waitForFunction(() => document.querySelector('[data-testid=epochs]')?.value === '40');
  await other.page.setInputFiles('[data-testid=import-model]', { name: 'circles.model.json', mimeType: 'application/json', buffer: Buffer.from(modelJson) });
  await other.page.waitForFunction(() => /^Loaded circles\.model\.json/.test(document.querySelector('[data-testid=files-status]').textContent));
  // circles has no test file and nothing has split it: the imported model can try the loaded rows
  await other.page.waitForFunction(() => document.querySelectorAll('[data-testid=test-row-select] option').length > 1, null, { timeout: 10_000 });
  const predictions = (await messages(other.page, 'prediction')).length;
  await other.page.selectOption('[data-testid=test-row-select]', '1');
  await waitForMessage(other.page, 'prediction', 10_000, predictions);
  await other.page.waitForFunction(() => /^(outer|inner) \(/.test(document.querySelector('[data-testid=prediction]').textContent));
  // the uploaded model is the one in use: downloading it again gives the same weights
  const [again] = await Promise.all([other.page.waitForEvent('download'), other.page.click('[data-testid=export-model]')]);
  assert.deepEqual(JSON.parse(readFileSync(await again.path(), 'utf8')).layers, model.layers);
  // a broken model file is refused with the engine's message
  await other.page.setInputFiles('[data-testid=import-model]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"mlp-lab-model","version":1,"input":2,"layers":[]}') });
  await other.page.waitForFunction(() => /broken\.json: .*layers/.test(document.querySelector('[data-testid=files-status]').textContent));
  await other.context.close();
  await context.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
});

test('the narrow layout stacks the panels', async () => {
  const { page, errors, context } = await openPage('', { width: 390, height: 844 });
  const data = await page.locator('#data-panel').boundingBox();
  const run = await page.locator('#run-panel').boundingBox();
  assert.ok(run.y > data.y + data.height - 1, 'the run panel comes below the data panel');
  assert.ok(data.width <= 390, 'no horizontal overflow of the panels');
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 392, `page is ${scrollWidth}px wide at a 390px viewport`);
  await shot(page, 'narrow');
  // the finished-runs table scrolls sideways inside the run panel instead of widening the page
  await chooseData(page, 'circles');
  await setField(page, 'epochs', 3);
  await waitStartable(page);
  await page.click('[data-testid=start]');
  await waitForMessage(page, 'done', 60_000);
  await page.waitForSelector('[data-testid=runs]:not([hidden])');
  const widthAfter = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(widthAfter <= 392, `with the finished-runs table the page is ${widthAfter}px wide at a 390px viewport`);
  await shot(page, 'narrow-runs', '#run-panel');
  await context.close();
  assert.deepEqual(errors, []);
});
