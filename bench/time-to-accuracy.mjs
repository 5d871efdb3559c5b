#!/usr/bin/env node
// Time to accuracy in the page: opens www/ in headless Chromium, picks a preset (default the
// full-MNIST one), presses Start like a user and measures the wall time from the click until the
// test accuracy first reaches the target (default 98.0%). After each slice of epochs the page's
// worker reports ('epoch', or 'epochs' for the page's coalesced runs), the script asks that worker
// for the test-split accuracy (an `evaluate` request, the same one the page sends); that
// evaluation happens inside the timed run, so it counts against the result. The worker answers
// between slices, so an answer may already include some batches of the next epoch; the time
// recorded is when the answer arrived.
//
// With --python (a Python with torch), the same preset then trains in PyTorch on the same
// prepared files with --torch-threads threads (bench/torch_time_to_accuracy.py), and the result
// holds both times and their ratio, from this one run.
//
//   node bench/time-to-accuracy.mjs [--preset mnist-full.json] [--target 0.98] [--epochs N]
//                                   [--python PATH] [--torch-threads 2] [--quick] [--out bench]
//                                   [--timeout-min 30]
//
// --quick (make test): the 10k MNIST subset's preset, 1 epoch, target 85%.
// Needs `make wasm` and the prepared data in www/data (the full MNIST: make data FULL=1).
// Writes time-to-accuracy.json and prints one JSON line.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { launchBrowser, startServer, ROOT } from '../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const presetFile = opt('--preset', quick ? 'mnist.json' : 'mnist-full.json');
const target = Number(opt('--target', quick ? '0.85' : '0.98'));
const epochs = opt('--epochs', quick ? '1' : null);
const outDir = path.resolve(ROOT, opt('--out', 'bench'));
const python = opt('--python');
const torchThreads = opt('--torch-threads', '2');
// How long the page's run may take before the script gives up (a long preset on a busy machine).
const timeoutMs = Number(opt('--timeout-min', '30')) * 60_000;

const preset = JSON.parse(readFileSync(path.join(ROOT, 'www/presets', presetFile), 'utf8'));
if (!existsSync(path.join(ROOT, 'www/data', `${preset.dataset}.json`))) {
  console.error(`www/data/${preset.dataset}.json is missing: run make data${preset.dataset.endsWith('-full') ? ' FULL=1' : ''} (or mlp-lab prepare-data)`);
  process.exit(2);
}

/** Records the worker's messages and, after each slice of epochs, asks it for the test accuracy. */
function recordWorker() {
  window.__log = [];
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        const m = e.data;
        if (!m) return;
        const now = performance.now();
        const records = m.type === 'epoch' ? [m.record] : m.type === 'epochs' ? m.records : null;
        if (m.type === 'started') {
          window.__log.push({ type: 'started', t: now, train_n: m.train_n, val_n: m.val_n, test_n: m.test_n, workers: m.workers });
        } else if (records?.length) {
          window.__log.push({ type: 'epoch', epoch: records.at(-1).epoch, t: now });
          this.postMessage({ type: 'evaluate', split: 'test', id: `tta-${records.at(-1).epoch}` });
        } else if (m.type === 'evaluation' && String(m.id).startsWith('tta-')) {
          // (an answer to this script's request, not to the page's own)
          const last = window.__log.findLast((x) => x.type === 'epoch');
          window.__log.push({ type: 'test', epoch: last?.epoch ?? null, accuracy: m.metrics.accuracy, t: now });
        } else if (m.type === 'done' || m.type === 'error') {
          window.__log.push({ type: m.type, t: now, accuracy: m.test_metrics?.accuracy, message: m.message });
        }
      });
    }
  };
}

async function pageRun() {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.addInitScript(recordWorker);
    await page.goto(server.url.endsWith('/') ? server.url : `${server.url}/`);
    await page.waitForSelector('.engine.ok', { timeout: 60_000 });
    await page.selectOption('[data-testid=dataset-select]', preset.dataset);
    await page.waitForSelector('[data-testid=samples]:not([hidden])', { timeout: 180_000 });
    await page.selectOption('[data-testid=preset-select]', presetFile);
    await page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 60_000 });
    await page.waitForTimeout(1000);
    if (epochs) {
      await page.fill('[data-testid=epochs]', epochs);
      await page.waitForFunction((n) => window.mlpLab.config?.epochs === n, Number(epochs), { timeout: 10_000 });
    }
    const t0 = await page.evaluate(() => performance.now());
    await page.click('[data-testid=start]');
    await page.waitForFunction(() => window.__log.some((m) => m.type === 'done' || m.type === 'error'), null, { timeout: timeoutMs, polling: 500 });
    // The last slice's evaluation answer.
    await page.waitForFunction(() => {
      const log = window.__log;
      return log.filter((m) => m.type === 'test').length >= log.filter((m) => m.type === 'epoch').length;
    }, null, { timeout: 60_000, polling: 200 });
    const log = await page.evaluate(() => window.__log);
    const end = log.find((m) => m.type === 'done' || m.type === 'error');
    if (end.type === 'error') throw new Error(`training failed: ${end.message}`);
    const tests = log.filter((m) => m.type === 'test');
    const reached = tests.find((m) => m.accuracy >= target);
    const started = log.find((m) => m.type === 'started');
    return {
      workers: started?.workers ?? null,
      rows: started ? { train: started.train_n, validation: started.val_n, test: started.test_n } : null,
      seconds_to_target: reached ? +((reached.t - t0) / 1000).toFixed(1) : null,
      epoch_reached: reached ? reached.epoch : null,
      seconds_total: +((end.t - t0) / 1000).toFixed(1),
      final_test_accuracy: end.accuracy,
      test_accuracy_per_epoch: tests.map((m) => +m.accuracy.toFixed(4)),
      epochs_evaluated: tests.map((m) => m.epoch),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

function torchRun() {
  const argv = [path.join(ROOT, 'bench/torch_time_to_accuracy.py'), '--preset', path.join(ROOT, 'www/presets', presetFile),
    '--data', path.join(ROOT, 'www/data'), '--threads', torchThreads, '--target', String(target), ...(epochs ? ['--epochs', epochs] : [])];
  const r = spawnSync(python, argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${python} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/**
 * The matrix-product work of the page's run, to compare its speed with what the wasm kernel can
 * do (bench/results.json, "Matrix products in the worker"): per training example a layer of
 * `i` inputs and `o` units costs 2·i·o flops forward, 2·i·o for its weight gradient and, past
 * the first layer, 2·i·o for its input gradient; an evaluated row costs the forward pass. The
 * epoch's evaluations are the validation rows (the trainer's) and the test rows (this script's).
 * `gflop_s_to_match_pytorch`: the training work alone up to the epoch where the page reached
 * the target, over PyTorch's seconds to it — the speed the page would need with no evaluation,
 * no other work and every worker busy.
 */
function work(r) {
  if (!r.rows) return null;
  const d = JSON.parse(readFileSync(path.join(ROOT, 'www/data', `${preset.dataset}.json`), 'utf8')).d;
  const widths = [d, ...preset.config.layers.map((l) => l.units)];
  const pairs = widths.slice(1).map((o, k) => 2 * widths[k] * o);
  const forward = pairs.reduce((a, b) => a + b, 0);
  const train = 2 * forward + pairs.slice(1).reduce((a, b) => a + b, 0);
  const giga = (x) => +(x / 1e9).toFixed(2);
  const trainEpoch = r.rows.train * train;
  const evalEpoch = (r.rows.validation + r.rows.test) * forward;
  const out = {
    widths,
    gflop_train_per_epoch: giga(trainEpoch),
    gflop_evaluate_per_epoch: giga(evalEpoch),
    page_gflop_s: giga((r.epochs * (trainEpoch + evalEpoch)) / r.seconds_total),
  };
  if (r.epoch_reached != null) {
    out.gflop_train_to_target = giga(r.epoch_reached * trainEpoch);
    const t = r.pytorch?.seconds_to_target;
    if (t) out.gflop_s_to_match_pytorch = giga((r.epoch_reached * trainEpoch) / t);
  }
  return out;
}

const loadBefore = +loadavg()[0].toFixed(2);
const result = {
  date: new Date().toISOString(),
  command: `node bench/time-to-accuracy.mjs ${args.join(' ')}`.trim(),
  quick,
  preset: presetFile,
  dataset: preset.dataset,
  target,
  epochs: Number(epochs ?? preset.config.epochs),
  ...(await pageRun()),
  load_average: loadBefore,
  load_average_after_page: +loadavg()[0].toFixed(2),
  cores: cpus().length,
};
if (python) {
  result.pytorch = { ...torchRun(), load_average_after: +loadavg()[0].toFixed(2) };
  const [p, t] = [result.seconds_to_target, result.pytorch.seconds_to_target];
  result.page_seconds_over_pytorch = p != null && t ? +(p / t).toFixed(3) : null;
}
result.work = work(result);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'time-to-accuracy.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
