// End-to-end tests of sweeps and reports in the page (www/ui/sweep.js, www/ui/report.js,
// www/sweep/): a 6-trial random sweep on digits in the 2 trial workers its spec asks for finishes;
// a reload in the middle of a sweep resumes it from IndexedDB with every finished trial kept (the
// same start time and duration, so not rerun) and none run twice;
// the activation-functions report renders (screenshot in tests/e2e/screenshots/) and exports
// Markdown holding its table.
//
// Run: node --test tests/e2e/sweep.test.mjs   (needs `make wasm` and www/data/digits.*)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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

function url() {
  const u = server.url || `http://127.0.0.1:${server.port}`;
  return u.endsWith('/') ? u : `${u}/`;
}

const smallNet = (epochs) => ({
  seed: 42,
  layers: [{ units: 24, activation: 'relu', init: 'he_uniform' }, { units: 10, activation: 'softmax', init: 'xavier_uniform' }],
  loss: 'cross_entropy',
  task: 'multiclass',
  optimizer: { name: 'adam', lr: 0.003 },
  batch_size: 32,
  epochs,
  validation_split: 0.2,
  standardize: true,
});

function spec(epochs, units = { min: 8, max: 48, type: 'int' }, extra = {}) {
  return JSON.stringify({
    method: 'random', metric: 'val_accuracy', max_trials: 6, seed: 5, dataset: 'digits', base: smallNet(epochs),
    parameters: { 'optimizer.lr': { min: 0.001, max: 0.03, scale: 'log' }, hidden_units: units },
    ...extra,
  }, null, 2);
}

async function open(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url());
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=sweep-start]', { state: 'attached' });
  return { page, errors };
}

async function startSweep(page, specText, workers) {
  await harness.gotoSection(page, 'sweeps');
  await page.fill('[data-testid=sweep-spec]', specText);
  await page.fill('[data-testid=sweep-workers]', String(workers));
  await page.click('[data-testid=sweep-start]');
}

const finishedRows = (page) => page.locator('[data-testid=sweep-row]').count();

/** The trials the store holds for the page's one sweep. */
function storedTrials(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('mlp-lab-sweeps');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const all = req.result.transaction('trials').objectStore('trials').getAll();
      all.onsuccess = () => resolve(all.result.map((t) => ({
        sweep: t.sweep, id: t.id, started: t.started, status: t.record.status, metric: t.record.metric, seconds: t.record.seconds,
      })));
    };
  }));
}

test('a 6-trial random sweep on digits runs in the 2 workers its spec asks for and finishes with a best trial', { skip: !DIGITS && 'no www/data/digits.json' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const { page, errors } = await open(context);
  // Bad input is refused with a message naming what is wrong, and nothing starts.
  const bad = JSON.parse(spec(4));
  bad.parameters['optimizer.lr'].min = -1;
  await startSweep(page, JSON.stringify(bad), 2);
  await page.waitForFunction(() => /parameters\.optimizer\.lr\.min/.test(document.querySelector('[data-testid=sweep-message]').textContent), null, { timeout: 20_000 });
  await startSweep(page, spec(4), 0);
  assert.match(await page.textContent('[data-testid=sweep-message]'), /Trial workers must be a whole number from 1 to 16, found “0”/);
  await startSweep(page, '{"method": ', 2);
  assert.match(await page.textContent('[data-testid=sweep-message]'), /The spec is not valid JSON/);
  assert.equal(await page.textContent('[data-testid=sweep-status]'), 'No sweep yet.');
  // The spec's workers (2) wins over the box (1), and the box shows it.
  const twoWorkers = spec(4, undefined, { workers: 2 });
  await startSweep(page, twoWorkers, 1);
  assert.equal(await page.inputValue('[data-testid=sweep-workers]'), '2');
  // Both workers get a trial at once.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=sweep-table] tr.running').length === 2, null, { timeout: 60_000, polling: 50 });
  await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 120_000 });
  assert.equal(await finishedRows(page), 6);
  const metrics = await page.locator('[data-testid=sweep-row] td:nth-child(3)').allTextContents();
  for (const m of metrics) assert.match(m, /^\d+\.\d\d%$/, `every trial has a metric: ${metrics}`);
  const statuses = await page.locator('[data-testid=sweep-row]').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  assert.deepEqual(statuses, Array(6).fill('completed'));
  const best = await page.textContent('[data-testid=sweep-best]');
  assert.match(best, /^Best: trial \d, val_accuracy \d+\.\d\d%/);
  // The best shown is the highest metric in the table.
  const top = Math.max(...metrics.map((m) => parseFloat(m)));
  assert.ok(best.includes(`${top.toFixed(2)}%`), `${best} vs ${top}`);
  assert.match(await page.textContent('[data-testid=sweep-status]'), /6 \/ 6 trials finished · 2 workers · [\d.]+ trials\/min/);
  // The CLI's resume files: spec.json as run, and trials.jsonl with one record per trial.
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=sweep-download-trials]')]);
  const records = readFileSync(await jsonl.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => r.id), [0, 1, 2, 3, 4, 5]);
  for (const r of records) {
    assert.equal(r.status, 'completed');
    assert.equal(r.curve.length, 4);
    assert.equal(r.metric, r.curve[3]);
    assert.deepEqual(Object.keys(r.params).sort(), ['hidden_units', 'optimizer.lr']);
  }
  const [specFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=sweep-download-spec]')]);
  assert.deepEqual(JSON.parse(readFileSync(await specFile.path(), 'utf8')), JSON.parse(twoWorkers));
  await page.locator('#sweep-panel').screenshot({ path: path.join(SHOTS, 'sweep-finished.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('pause holds a sweep, and a reload in the middle resumes it: 6 finished trials, none lost or run twice', { skip: !DIGITS && 'no www/data/digits.json' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await open(context);
  // Slower trials (about 3 s each), so pausing and reloading land while some run.
  await startSweep(page, spec(60, { min: 64, max: 128, type: 'int' }), 2);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=sweep-table] tr.running').length > 0, null, { timeout: 60_000, polling: 50 });
  // Pause: no trial finishes and none starts until resumed.
  await page.click('[data-testid=sweep-pause]');
  await page.waitForSelector('[data-testid=sweep-status][data-status=paused]', { timeout: 10_000 });
  const paused = (await storedTrials(page)).length;
  const runningWhenPaused = await page.locator('[data-testid=sweep-table] tr.running').count();
  await page.waitForTimeout(2500);
  assert.equal((await storedTrials(page)).length, paused, 'no trial finishes while paused');
  assert.equal(await page.locator('[data-testid=sweep-table] tr.running').count(), runningWhenPaused);
  assert.equal(await page.isDisabled('[data-testid=sweep-pause]'), true);
  await page.click('[data-testid=sweep-resume]');
  await page.waitForSelector('[data-testid=sweep-status][data-status=running]', { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=sweep-row]').length >= 2, null, { timeout: 120_000, polling: 50 });
  const before = await storedTrials(page);
  assert.ok(before.length >= 2 && before.length < 6, `reloading mid-sweep: ${before.length} stored`);
  await page.reload();
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await page.waitForFunction(() => /Resumed/.test(document.querySelector('[data-testid=sweep-message]')?.textContent || ''), null, { timeout: 60_000 });
  await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 180_000 });
  const after = await storedTrials(page);
  assert.deepEqual(after.map((t) => t.id).sort(), [0, 1, 2, 3, 4, 5]);
  assert.equal(new Set(after.map((t) => t.sweep)).size, 1, 'one sweep, resumed, not a new one');
  for (const t of before) {
    const again = after.find((a) => a.id === t.id);
    // A rerun would reproduce the metric (same seed and params) but not when it started or
    // exactly how long it took.
    assert.ok(Number.isFinite(t.started) && t.seconds > 0, `trial ${t.id} has a start time and a duration`);
    assert.deepEqual(again, t, `trial ${t.id} kept, not rerun`);
  }
  assert.equal(await finishedRows(page), 6);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the activation-functions report renders with a table and findings, and exports Markdown with the table', { skip: !DIGITS && 'no www/data/digits.json' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const { page, errors } = await open(context);
  await page.selectOption('[data-testid=dataset-select]', 'digits');
  await page.waitForFunction(() => window.mlpLab?.dataRef?.name === 'digits' && window.mlpLab.summary?.name === 'digits', null, { timeout: 60_000 });
  await page.evaluate((cfg) => window.mlpLab.setConfig(() => cfg, { render: true }), smallNet(3));
  await harness.gotoSection(page, 'reports');
  await page.fill('[data-testid=report-epochs]', '3');
  await page.fill('[data-testid=report-seeds]', '2');
  await page.click('[data-testid=report-build]');
  await page.waitForSelector('[data-testid=report-activation][data-state=done]', { timeout: 150_000 });
  const rows = await page.locator('[data-testid=report-activation-table] tbody tr').allTextContents();
  assert.equal(rows.length, 4);
  for (const [i, name] of ['sigmoid', 'tanh', 'relu', 'leaky_relu'].entries()) assert.ok(rows[i].startsWith(name), rows[i]);
  for (const r of rows) assert.match(r, /\d+\.\d\d% ± \d+\.\d\d%/);
  const findings = await page.locator('[data-testid=report-activation-findings] li').allTextContents();
  assert.match(findings[0], /^Best hidden activation: (sigmoid|tanh|relu|leaky_relu), mean val_accuracy/);
  assert.match(findings[1], /beats the runner-up/);
  await page.locator('[data-testid=report-activation]').screenshot({ path: path.join(SHOTS, 'report-activation.png') });

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-activation-export-md]')]);
  const md = readFileSync(await download.path(), 'utf8');
  assert.match(md, /^# Activation functions: digits/);
  assert.match(md, /\| hidden activation \| runs \| final val_accuracy \(mean ± sd\)/);
  for (const name of ['sigmoid', 'tanh', 'relu', 'leaky_relu']) assert.match(md, new RegExp(`\\| ${name} \\| 2 \\|`));
  assert.match(md, /## Findings/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a trial worker that dies mid-trial is replaced and the trial runs again: 6 completed trials', { skip: !DIGITS && 'no www/data/digits.json' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await open(context);
  await startSweep(page, spec(60, { min: 64, max: 128, type: 'int' }), 2);
  await page.waitForFunction(() => window.mlpLab.sweeps.current?.workers?.[0]?.job?.history.length >= 2, null, { timeout: 60_000, polling: 50 });
  const killed = await page.evaluate(() => {
    const w = window.mlpLab.sweeps.current.workers[0];
    const id = w.job.plan.id;
    // The worker is gone as if the browser had ended it; the error event is what the page sees.
    w.worker.terminate();
    w.worker.dispatchEvent(new ErrorEvent('error', { message: 'killed by the test' }));
    return id;
  });
  await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 120_000 });
  const statuses = await page.locator('[data-testid=sweep-row]').evaluateAll((rows) => rows.map((r) => [Number(r.dataset.trial), r.dataset.status]));
  assert.deepEqual(statuses, [0, 1, 2, 3, 4, 5].map((i) => [i, 'completed']), `trial ${killed} was rerun, not failed`);
  assert.deepEqual(errors, []);
  await context.close();
});
