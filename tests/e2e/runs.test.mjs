// Run tracking in the page (issue #7): every run is saved in IndexedDB with its history, weight
// histograms, gradient norms, test metrics and model; the Runs panel lists, filters, sorts,
// exports (JSON, CSV), imports and compares them.
//
// Run: node --test tests/e2e/runs.test.mjs   (needs `make wasm`; uses the bundled digits set)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as harness from './harness.mjs';
import { digitsConfig, openApp, ready, start, finished, storedRun, storedRuns, contiguous } from './runs-helpers.mjs';

let server;
let browser;
let context;
let tmp;
const base = () => server.url;

before(async () => {
  server = await harness.startServer();
  browser = await harness.launchBrowser();
  // One context for the file: its IndexedDB outlives reloads and pages, as a person's profile does.
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mlp-lab-runs-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const rows = (page) => page.$$eval('[data-testid=run-row]', (trs) => trs.map((tr) => ({
  id: tr.dataset.runId,
  status: tr.dataset.status,
  cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.textContent])),
})));

async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const to = path.join(tmp, file.suggestedFilename());
  await file.saveAs(to);
  return to;
}

let firstId;

test('a finished run is in the runs table after a reload, with its history, histograms, metrics and model', async () => {
  const { page, errors } = await openApp(context, base(), digitsConfig({ epochs: 5 }));
  firstId = await start(page);
  await finished(page, firstId);
  await page.reload();
  await ready(page);
  await harness.gotoSection(page, 'runs');
  await page.waitForSelector(`[data-testid=run-row][data-run-id="${firstId}"]`);
  const row = (await rows(page)).find((r) => r.id === firstId);
  assert.equal(row.status, 'done');
  assert.equal(row.cells.epochs, '5/5');
  assert.match(row.cells.test, /^\d+\.\d\d%$/);

  const saved = await storedRun(page, firstId);
  assert.equal(saved.status, 'done');
  assert.equal(saved.dataName, 'digits');
  assert.deepEqual(saved.data, { name: 'digits' });
  assert.equal(saved.seed, 42);
  assert.ok(saved.endedAt >= saved.startedAt);
  assert.equal(saved.history.length, 5);
  assert.ok(contiguous(saved.history));
  for (const e of saved.history) {
    assert.ok(Number.isFinite(e.train_loss) && Number.isFinite(e.val_loss) && Number.isFinite(e.val_accuracy) && e.lr === 0.001, JSON.stringify(e).slice(0, 200));
    assert.equal(e.grad_norms.length, 2, 'one gradient norm per layer');
    assert.equal(e.weight_histograms.length, 2, 'one weight histogram per layer');
    assert.equal(e.weight_histograms[0].counts.reduce((a, b) => a + b, 0), 64 * 64, 'the first layer histogram counts every weight');
    assert.equal(e.grad_histograms.length, 2, 'one gradient histogram per layer');
    assert.equal(e.grad_histograms[1].counts.reduce((a, b) => a + b, 0), 64 * 10, 'the output layer gradient histogram counts every weight');
  }
  assert.equal(saved.testMetrics.confusion_matrix.length, 10);
  assert.ok(saved.testMetrics.accuracy > 0.5, `test accuracy ${saved.testMetrics.accuracy}`);
  assert.equal(saved.modelEpoch, 5);
  assert.ok(saved.model > 1000, 'the final model is stored');
  assert.deepEqual(errors, []);
  await page.close();
});

test('export JSON, delete, import: the run comes back as it was; CSV has a row per epoch; a bad file is refused by name', async () => {
  const { page, errors } = await openApp(context, base());
  await harness.gotoSection(page, 'runs');
  await page.waitForSelector(`[data-testid=run-row][data-run-id="${firstId}"]`);
  const before = await storedRun(page, firstId);
  await page.check(`[data-testid=run-row][data-run-id="${firstId}"] [data-testid=run-select]`);

  const jsonFile = await download(page, 'runs-export-json');
  const exported = JSON.parse(readFileSync(jsonFile, 'utf8'));
  assert.equal(exported.format, 'mlp-lab-runs');
  assert.equal(exported.runs.length, 1);
  assert.match(exported.runs[0].model, /"format":\s*"mlp-lab-model"/);

  const csv = readFileSync(await download(page, 'runs-export-csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'run_id,run_name,data,status,epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_mse,val_mae,val_r2,lr,seconds,grad_norms');
  assert.equal(csv.length, 6);
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[4]), ['1', '2', '3', '4', '5']);

  await harness.gotoSection(page, 'runs');
  await page.click('[data-testid=runs-delete]');
  await harness.gotoSection(page, 'runs');
  await page.click('[data-testid=runs-delete-confirm]');
  await harness.gotoSection(page, 'runs');
  await page.waitForSelector(`[data-testid=run-row][data-run-id="${firstId}"]`, { state: 'detached' });
  assert.equal(await storedRun(page, firstId), null, 'deleted from IndexedDB');

  await page.setInputFiles('[data-testid=runs-import-file]', jsonFile);
  await page.waitForFunction(() => /Imported 1 run/.test(document.querySelector('[data-testid=runs-status]').textContent));
  await harness.gotoSection(page, 'runs');
  await page.waitForSelector(`[data-testid=run-row][data-run-id="${firstId}"]`);
  const back = await storedRun(page, firstId);
  assert.deepEqual(back, before, 'the imported record equals the one exported');

  const broken = structuredClone(exported);
  broken.runs[0].history[3].train_loss = 'x';
  const brokenFile = path.join(tmp, 'broken-runs.json');
  writeFileSync(brokenFile, JSON.stringify(broken));
  await page.setInputFiles('[data-testid=runs-import-file]', brokenFile);
  await page.waitForFunction(() => document.querySelector('[data-testid=runs-status]').classList.contains('bad'));
  assert.equal(await page.textContent('[data-testid=runs-status]'),
    'broken-runs.json: runs[0].history[3].train_loss: expected a number or null, found "x"');
  assert.equal((await storedRuns(page)).length, 1, 'nothing was imported from the bad file');
  assert.deepEqual(errors, []);
  await page.close();
});

test('comparing two runs overlays their curves and highlights the config fields that differ; filter and sort work', async () => {
  const { page, errors } = await openApp(context, base(), digitsConfig({ epochs: 3, optimizer: { lr: 0.01 }, batch_size: 64 }));
  const second = await start(page);
  await finished(page, second);
  await harness.gotoSection(page, 'runs');
  await page.waitForSelector(`[data-testid=run-row][data-run-id="${second}"]`);

  await harness.gotoSection(page, 'runs');
  await page.fill('[data-testid=runs-filter]', '0.01');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 1);
  assert.equal((await rows(page))[0].id, second);
  await page.fill('[data-testid=runs-filter]', '');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 2);

  // Renaming is saved (and the filter finds the new name).
  await harness.gotoSection(page, 'runs');
  await page.click(`[data-testid=run-row][data-run-id="${second}"] [data-testid=run-rename]`);
  await page.fill('[data-testid=run-name-input]', 'fast lr <b>test</b>');
  await page.press('[data-testid=run-name-input]', 'Enter');
  await page.waitForFunction(() => /Renamed/.test(document.querySelector('[data-testid=runs-status]').textContent));
  assert.equal((await storedRun(page, second)).name, 'fast lr <b>test</b>');
  await page.fill('[data-testid=runs-filter]', 'FAST');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 1);
  assert.equal((await rows(page))[0].cells.name, 'fast lr <b>test</b>', 'shown as text, never as HTML');
  await page.fill('[data-testid=runs-filter]', '');
  await harness.gotoSection(page, 'runs');
  await page.click('[data-testid=runs-sort-lr]');
  assert.deepEqual((await rows(page)).map((r) => r.cells.lr), ['0.001', '0.01']);
  await harness.gotoSection(page, 'runs');
  await page.click('[data-testid=runs-sort-lr]');
  assert.deepEqual((await rows(page)).map((r) => r.cells.lr), ['0.01', '0.001']);

  await page.check('[data-testid=runs-select-all]');
  await harness.gotoSection(page, 'runs');
  await page.click('[data-testid=runs-compare]');
  await page.waitForSelector('#compare-panel:not([hidden]) [data-testid=diff-row]');
  const diff = await page.$$eval('[data-testid=compare-diff] tbody tr', (trs) => trs.map((tr) => ({
    field: tr.dataset.field, differs: tr.classList.contains('differs'),
    highlighted: [...tr.querySelectorAll('td')].every((td) => td.classList.contains('differs')),
  })));
  const differing = diff.filter((d) => d.differs).map((d) => d.field).sort();
  assert.deepEqual(differing, ['config.batch_size', 'config.epochs', 'config.optimizer.lr']);
  assert.ok(diff.filter((d) => d.differs).every((d) => d.highlighted), 'differing values are highlighted');
  assert.ok(diff.some((d) => d.field === 'config.layers[0].units' && !d.differs));
  assert.match(await page.textContent('[data-testid=compare-summary]'), /2 runs; 3 config fields differ/);
  await page.check('[data-testid=compare-only-diff]');
  assert.equal(await page.locator('[data-testid=compare-diff] tbody tr').count(), 3);

  // The overlay chart drew both runs' colors (the palette's first two).
  const colors = await page.$eval('[data-testid=compare-chart]', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] === 0x25 && d[i + 1] === 0x63 && d[i + 2] === 0xeb) seen.add('blue');
      if (d[i] === 0xdc && d[i + 1] === 0x26 && d[i + 2] === 0x26) seen.add('red');
    }
    return [...seen].sort();
  });
  assert.deepEqual(colors, ['blue', 'red']);
  assert.deepEqual(errors, []);
  await page.close();
});
