// The npm package, as a user gets it: `make package` packs target/mlp-lab-<version>.tgz; the
// tarball is installed (`npm install --offline`, no network) into a temporary folder beside a
// copy of examples/embed/index.html, that folder is served on 127.0.0.1 (no Content-Security-
// Policy: the example is one file with an inline module script and import map), and headless
// Chromium runs the example. It must train every epoch in the package's worker, learn the
// circle, predict the two points right, and export JSON and ONNX; the JSON it exports must be a
// model `mlp-lab predict --kernel portable` predicts to the same float32 bits, and a second
// trainer's ONNX must run in onnxruntime with its predictions (within 1e-5 relative).
// The package's index.d.ts is type-checked with a usage file when `typescript` is installed.
//
// Run: node --test tests/e2e/package.test.mjs   (needs cargo, wasm-pack and npm; builds with make)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { ROOT, launchBrowser, newPage } from './harness.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
let dir;
let tarball;
let server;
let url;

before(async () => {
  execFileSync('make', ['--no-print-directory', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const version = JSON.parse(readFileSync(path.join(ROOT, 'target', 'package', 'package.json'), 'utf8')).version;
  tarball = path.join(ROOT, 'target', `mlp-lab-${version}.tgz`);
  dir = mkdtempSync(path.join(tmpdir(), 'mlp-lab-package-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name": "embed-example", "private": true}\n');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  copyFileSync(path.join(ROOT, 'examples', 'embed', 'index.html'), path.join(dir, 'index.html'));
  writeFileSync(path.join(dir, 'blank.html'), '<!doctype html><title>blank</title>\n');
  server = createServer((req, res) => {
    const file = path.join(dir, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/index.html`;
});

after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds the ES module, its worker, the types, the README and one engine', () => {
  const installed = path.join(dir, 'node_modules', 'mlp-lab');
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'mlp-lab');
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.types, './index.d.ts');
  const files = readdirSync(installed, { recursive: true }).filter((f) => !statSync(path.join(installed, f)).isDirectory()).sort();
  assert.deepEqual(files, ['README.md', 'engine/mlp_lab.js', 'engine/mlp_lab_bg.wasm', 'index.d.ts', 'index.js', 'package.json', 'worker.js']);
  assert.match(readFileSync(path.join(installed, 'README.md'), 'utf8'), /for await \(const epoch of trainer\.epochs\(\)\)/);
  console.log(`package: ${statSync(tarball).size} bytes (${path.basename(tarball)}); example: ${readFileSync(path.join(dir, 'index.html'), 'utf8').split('\n').length - 1} lines`);
});

test('the embed example is under 60 lines', () => {
  const lines = readFileSync(path.join(ROOT, 'examples', 'embed', 'index.html'), 'utf8').split('\n').length - 1;
  assert.ok(lines < 60, `${lines} lines`);
});

test('the example trains in the package worker, predicts, and exports a model the CLI predicts alike', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const { page, errors } = await newPage(browser);
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.result || document.body.dataset.error, null, { timeout: 120_000 });
  const failure = await page.evaluate(() => document.body.dataset.error);
  assert.equal(failure, undefined, `the example failed: ${failure}`);
  const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  assert.deepEqual(errors, []);
  assert.ok(workers.some((w) => w.endsWith('/node_modules/mlp-lab/worker.js')), `workers: ${workers}`);

  assert.deepEqual(result.epochs.map((e) => e.epoch), Array.from({ length: 60 }, (_, i) => i + 1));
  const last = result.epochs.at(-1);
  assert.ok(last.train_loss < result.epochs[0].train_loss / 2, `loss ${result.epochs[0].train_loss} → ${last.train_loss}`);
  assert.ok(last.val_accuracy >= 0.9, `validation accuracy ${last.val_accuracy}`);
  assert.deepEqual(result.labels, ['inside', 'outside']);
  for (const row of result.values) assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-5, `${row}`);
  assert.ok(result.onnxBytes > 100);

  // The exported JSON is a model file: the CLI predicts the same two points the same way.
  const model = path.join(dir, 'model.json');
  const rows = path.join(dir, 'points.csv');
  writeFileSync(model, result.json);
  writeFileSync(rows, 'f0,f1\n0,0\n0.95,-0.9\n');
  const cli = process.env.MLP_LAB_BIN || path.join(ROOT, 'target', 'release', 'mlp-lab');
  if (!process.env.MLP_LAB_BIN) execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'mlp-lab'], { cwd: ROOT, stdio: 'inherit' });
  const csv = execFileSync(cli, ['predict', '--model', model, '--data', rows, '--kernel', 'portable'], { encoding: 'utf8' });
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'prediction,p_inside,p_outside');
  lines.slice(1).forEach((line, r) => {
    const [label, ...numbers] = line.split(',');
    assert.equal(label, result.labels[r]);
    assert.deepEqual(numbers.map((v) => Math.fround(Number(v))), result.values[r]);
  });
});

test('toONNX bytes run in onnxruntime with the predictions predict() gives; bad data and configs reject with where', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const { page } = await newPage(browser);
  await page.goto(url.replace('index.html', 'blank.html'));
  // Regression from CSV text, per-neuron activations, standardised inputs; then a bad CSV.
  const out = await page.evaluate(async () => {
    const { createTrainer } = await import('/node_modules/mlp-lab/index.js');
    const lines = ['a,b,y'];
    for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 8 - 1},${(i % 11) / 5 - 1},${Math.sin(i)}`);
    const config = { layers: [{ units: 8, activation: ['tanh', 'relu', 'sigmoid', 'tanh', 'tanh', 'relu', 'identity', 'leaky_relu'] }, { units: 1, activation: 'identity' }],
      loss: 'mse', task: 'regression', epochs: 5, batch_size: 16, standardize: true };
    const trainer = await createTrainer(config, { csv: lines.join('\n') });
    for await (const epoch of trainer.epochs()) void epoch;
    const rows = [[0.1, -0.5], [-1, 1], [0.75, 0.2]];
    const { columns, values } = await trainer.predict(rows);
    const onnx = Array.from(await trainer.toONNX());
    const refusal = async (cfg, data) => {
      try {
        await createTrainer(cfg, data);
        return null;
      } catch (e) {
        return { message: e.message, kind: e.kind, name: e.name, field: e.field, line: e.line, column: e.column };
      }
    };
    const classes = { ...config, layers: [{ units: 3, activation: 'softmax' }], loss: 'cross_entropy', task: 'multiclass' };
    const refused = {
      csv: await refusal(config, { csv: 'a,b,y\n1,2,3\n4,oops,6\n' }),
      ragged: await refusal(config, { features: [[1, 2], [3]], targets: [1, 2] }),
      nan: await refusal(config, { features: [[1, 2], [3, NaN]], targets: [1, 2] }),
      index: await refusal(classes, { features: [[1, 2], [3, 4]], targets: [0, 1.5] }),
      config: await refusal({ ...config, layers: [{ units: 0, activation: 'tanh' }, { units: 1, activation: 'identity' }] }, { features: [[1, 2]], targets: [1] }),
    };
    trainer.close();
    return { columns, values, onnx, rows, refused };
  });
  assert.deepEqual(out.columns, ['prediction']);
  const session = await ort.InferenceSession.create(Uint8Array.from(out.onnx));
  const input = new ort.Tensor('float32', Float32Array.from(out.rows.flat()), [out.rows.length, 2]);
  const { output } = await session.run({ input });
  let worst = 0;
  output.data.forEach((v, r) => {
    const want = out.values[r][0];
    assert.ok(Math.abs(v - want) <= 1e-5 * Math.abs(want) + 1e-6, `row ${r}: onnxruntime ${v}, predict ${want}`);
    worst = Math.max(worst, Math.abs(v - want));
  });
  console.log(`onnxruntime vs trainer.predict(): largest difference ${worst.toExponential(2)}`);
  const { csv, ragged, nan, index, config } = out.refused;
  assert.equal(csv?.name, 'MlpLabError');
  assert.deepEqual([csv.kind, csv.line, csv.column], ['data', 3, 2]);
  assert.match(csv.message, /line 3, column 2 \(b\): not a number "oops"/);
  assert.deepEqual([ragged?.kind, ragged.field], ['request', 'features[1]']);
  assert.match(ragged.message, /features\[1\] has 1 values but row 0 has 2/);
  assert.match(nan?.message, /row 2, feature 2: NaN is not a finite number/);
  assert.match(index?.message, /targets\[1\] = 1\.5 is not a class index/);
  assert.deepEqual([config?.kind, config.field], ['config', 'layers[0].units']);
});

test('index.d.ts type-checks with a usage file (when typescript is installed)', (t) => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    t.skip('typescript is not installed in node_modules');
    return;
  }
  const usage = path.join(dir, 'usage.ts');
  writeFileSync(usage, `import { createTrainer, schema, MlpLabError, type EpochRecord } from 'mlp-lab';
const trainer = await createTrainer({ layers: [{ units: 4, activation: 'relu' }, { units: 3, activation: 'softmax' }], epochs: 2 },
  { features: [[1, 2], [3, 4]], targets: ['a', 'b'] });
const seen: EpochRecord[] = [];
for await (const epoch of trainer.epochs()) seen.push(epoch);
const { labels, values }: { labels: string[] | null; values: number[][] } = await trainer.predict([[1, 2]]);
const onnx: Uint8Array = await trainer.toONNX();
const json: string = await trainer.toJSON();
const fields: string[] = (await schema()).config.fields.map((f) => f.path);
const fromCsv = await createTrainer('{"layers": []}', { csv: 'a,y\\n1,2\\n', target: 'y' });
try { await fromCsv.evaluate('val'); } catch (e) { if (e instanceof MlpLabError) console.log(e.field, e.line); }
console.log(labels, values, onnx.length, json.length, fields, seen.length);
trainer.close();
`);
  execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', usage],
    { cwd: dir, stdio: 'inherit' });
});
