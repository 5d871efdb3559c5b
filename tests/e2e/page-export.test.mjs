// The page's *Download ONNX* and *Predict a CSV* (www/ui/export.js, www/export-worker.js): train
// the Iris preset in headless Chromium, download the model JSON and the ONNX file, and drop a CSV
// of 1,000 feature rows (the model's feature names as its header, plus the target column when the
// model names one, which is ignored) on *Predict a CSV*. The predictions CSV the page downloads must be byte for byte
// what `mlp-lab predict --kernel portable` writes for the downloaded model and the same file; the
// ONNX file run by onnxruntime must give the page's probabilities within 1e-5 relative (+1e-6
// absolute, see onnx.test.mjs for why). A CSV with a bad cell shows its line and column beside the
// control, and asking for ONNX before any model exists says so.
//
// Needs `make wasm` (www/pkg and www/pkg-export) and the release CLI (built here, or MLP_LAB_BIN).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { ROOT, WWW, startServer, launchBrowser, newPage } from './harness.mjs';

const ROWS = 1000;
const RTOL = 1e-5;
const ATOL = 1e-6;
let server;
let browser;
let dir;
let bin;

before(async () => {
  if (!existsSync(path.join(WWW, 'pkg-export', 'mlp_lab_bg.wasm'))) throw new Error('www/pkg-export is missing: run `make wasm`');
  bin = process.env.MLP_LAB_BIN;
  if (!bin) {
    execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'mlp-lab'], { cwd: ROOT, stdio: 'inherit' });
    bin = path.join(ROOT, 'target', 'release', 'mlp-lab');
  }
  dir = mkdtempSync(path.join(tmpdir(), 'mlp-lab-page-export-'));
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Seeded rows spread over Iris's ranges, and the target column (a species) when the model names one. */
function rowsCsv(header, target) {
  let s = 0x2545f491;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0xffffffff;
  };
  const ranges = [[4, 8], [2, 4.5], [1, 7], [0.1, 2.5]];
  const rows = [];
  for (let i = 0; i < ROWS; i++) rows.push(ranges.map(([lo, hi]) => Number((lo + next() * (hi - lo)).toFixed(3))));
  const species = ['setosa', 'versicolor', 'virginica'];
  const withTarget = (cells, value) => (target ? [...cells, value] : cells).join(',');
  const lines = [withTarget(header, target), ...rows.map((r, i) => withTarget(r, species[i % 3]))];
  return { rows, text: `${lines.join('\n')}\n` };
}

async function saved(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync(await download.path());
}

/** The numbers of a predictions CSV (every column after `prediction`), row by row. */
function probabilities(csv) {
  const [header, ...lines] = csv.trim().split('\n');
  return { header: header.split(','), rows: lines.map((l) => l.split(',').slice(1).map(Number)), labels: lines.map((l) => l.split(',')[0]) };
}

test('the page exports ONNX and predicts a CSV exactly as the CLI does; a bad CSV names its line and column', async () => {
  const { page, errors } = await newPage(browser);
  await page.goto(server.url);
  await page.waitForSelector('.engine.ok', { timeout: 30_000 });

  // Before any model: the ONNX button says there is none (and nothing is downloaded).
  await page.click('[data-testid=export-onnx]');
  await page.waitForFunction(() => /No model to export yet/.test(document.querySelector('[data-testid=files-status]').textContent), null, { timeout: 20_000 });

  await page.selectOption('[data-testid=preset-select]', 'iris.json');
  await page.waitForFunction(() => window.mlpLab?.summary?.name === 'iris', null, { timeout: 60_000 });
  await page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 30_000 });
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => document.querySelector('[data-testid=run-state]')?.textContent === 'done', null, { timeout: 120_000 });

  const modelJson = (await saved(page, () => page.click('[data-testid=export-model]'))).toString('utf8');
  const onnx = await saved(page, () => page.click('[data-testid=export-onnx]'));
  const model = JSON.parse(modelJson);
  assert.equal(model.feature_names.length, 4);
  const modelFile = path.join(dir, 'iris.model.json');
  writeFileSync(modelFile, modelJson);

  const { rows, text } = rowsCsv(model.feature_names, model.target);
  const csvFile = path.join(dir, 'new-flowers.csv');
  writeFileSync(csvFile, text);
  await page.setInputFiles('[data-testid=predict-csv]', csvFile);
  await page.waitForSelector('[data-testid=predictions-preview], [data-testid=predict-status].bad', { timeout: 30_000 });
  assert.equal(await page.locator('[data-testid=predict-status].bad').count(), 0, await page.textContent('[data-testid=predict-status]'));
  const preview = await page.$$eval('[data-testid=predictions-preview] tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(preview[0], ['prediction', 'p_setosa', 'p_versicolor', 'p_virginica']);
  assert.equal(preview.length, 11, 'the header and the first 10 rows');
  const pageCsv = (await saved(page, () => page.click('[data-testid=predictions-download]'))).toString('utf8');

  const cliCsv = execFileSync(bin, ['predict', '--model', modelFile, '--data', csvFile, '--kernel', 'portable'], { encoding: 'utf8' });
  assert.equal(pageCsv, cliCsv, 'the page writes the CLI’s bytes');
  const table = probabilities(pageCsv);
  assert.equal(table.rows.length, ROWS);
  assert.deepEqual(preview.slice(1), pageCsv.trim().split('\n').slice(1, 11).map((l) => l.split(',')));
  const nativeCsv = execFileSync(bin, ['predict', '--model', modelFile, '--data', csvFile], { encoding: 'utf8' });
  const native = probabilities(nativeCsv);

  const session = await ort.InferenceSession.create(onnx);
  const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [ROWS, 4]);
  const { output } = await session.run({ input });
  let worst = { abs: 0, rel: 0 };
  let nativeWorst = 0;
  for (let r = 0; r < ROWS; r++) {
    for (let j = 0; j < 3; j++) {
      const [a, b] = [output.data[r * 3 + j], table.rows[r][j]];
      const diff = Math.abs(a - b);
      assert.ok(diff <= RTOL * Math.max(Math.abs(a), Math.abs(b)) + ATOL, `row ${r + 1}, ${table.header[j + 1]}: onnxruntime ${a}, page ${b}`);
      worst = { abs: Math.max(worst.abs, diff), rel: Math.max(worst.rel, diff / Math.max(Math.abs(a), Math.abs(b), 1e-30)) };
      nativeWorst = Math.max(nativeWorst, Math.abs(native.rows[r][j] - b));
    }
  }
  console.log(`onnxruntime vs the page: largest difference ${worst.abs.toExponential(2)} absolute, ${worst.rel.toExponential(2)} relative, over ${ROWS}×3 probabilities; ` +
    `the native kernel's CLI vs the page: ${nativeWorst.toExponential(2)} (${nativeCsv === pageCsv ? 'same bytes' : 'bytes differ'})`);

  // A bad cell: line 3 (the second data row), column 2.
  const bad = text.split('\n');
  bad[2] = bad[2].replace(/^([^,]*),[^,]*/, '$1,five');
  const badFile = path.join(dir, 'bad.csv');
  writeFileSync(badFile, bad.join('\n'));
  await page.setInputFiles('[data-testid=predict-csv]', badFile);
  await page.waitForSelector('[data-testid=predict-status].bad', { timeout: 30_000 });
  const status = await page.textContent('[data-testid=predict-status]');
  assert.match(status, /bad\.csv: line 3, column 2 \(sepal width \(cm\)\): not a number "five"/);
  assert.equal(await page.locator('[data-testid=predictions-preview]').count(), 0, 'no stale preview');
  assert.equal(await page.locator('[data-testid=predictions-download]').isDisabled(), true);
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
});
