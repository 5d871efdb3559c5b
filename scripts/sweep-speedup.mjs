// Trials per minute of the same sweep in the page with 1 and with 2 trial workers (headless
// Chromium, the real page, worker pool and engine). Prints one JSON line per run and a summary;
// also records the machine's load and the busiest other processes, since the machine may be
// shared.
//
//   node scripts/sweep-speedup.mjs [--data mnist] [--trials 8] [--epochs 2] [--workers 1,2]

import os from 'node:os';
import { execFileSync } from 'node:child_process';
import * as harness from '../tests/e2e/harness.mjs';

function args() {
  const out = { data: 'mnist', trials: 8, epochs: 2, workers: [1, 2] };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k}: needs a value`);
    if (k === '--data') out.data = v;
    else if (k === '--trials') out.trials = Number(v);
    else if (k === '--epochs') out.epochs = Number(v);
    else if (k === '--workers') out.workers = v.split(',').map(Number);
    else throw new Error(`unknown option ${k}; known: --data, --trials, --epochs, --workers`);
  }
  for (const [k, v] of [['--trials', out.trials], ['--epochs', out.epochs], ...out.workers.map((w) => ['--workers', w])]) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k}: must be a whole number ≥ 1, found ${v}`);
  }
  return out;
}

function spec({ data, trials, epochs }) {
  return JSON.stringify({
    method: 'random', metric: 'val_accuracy', max_trials: trials, seed: 3, dataset: data,
    base: {
      seed: 42,
      layers: [{ units: 128, activation: 'relu', init: 'he_uniform' }, { units: 10, activation: 'softmax', init: 'xavier_uniform' }],
      loss: 'cross_entropy', task: 'multiclass', optimizer: { name: 'adam', lr: 0.001 },
      batch_size: 64, epochs, validation_split: 0.1, standardize: false,
    },
    parameters: {
      'optimizer.lr': { min: 0.0003, max: 0.01, scale: 'log' },
      hidden_units: { values: [96, 128, 160] },
    },
  });
}

function busiest() {
  try {
    const lines = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu'], { encoding: 'utf8' }).trim().split('\n').slice(1, 7);
    return lines.map((l) => l.trim().replace(/\s+/, ' '));
  } catch {
    return [];
  }
}

async function runOnce(browser, server, opts, workers) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('.engine.ok', { timeout: 120_000 });
  await page.fill('[data-testid=sweep-spec]', spec(opts));
  await page.fill('[data-testid=sweep-workers]', String(workers));
  const load0 = os.loadavg()[0];
  const t0 = Date.now();
  await page.click('[data-testid=sweep-start]');
  await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 60 * 60_000 });
  const seconds = (Date.now() - t0) / 1000;
  const status = await page.textContent('[data-testid=sweep-status]');
  const pagePerMinute = Number(/([\d.]+) trials\/min/.exec(status)?.[1]);
  const seconds1 = await page.locator('[data-testid=sweep-row] td:nth-child(5)').allTextContents();
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return {
    workers, trials: opts.trials, wall_seconds: seconds, trials_per_minute_wall: (opts.trials / seconds) * 60,
    trials_per_minute_page: pagePerMinute, mean_trial_seconds: seconds1.map(Number).reduce((a, b) => a + b, 0) / seconds1.length,
    load_before: load0, load_after: os.loadavg()[0],
  };
}

const opts = args();
const server = await harness.startServer();
const browser = await harness.launchBrowser();
const results = [];
try {
  console.error(`cores: ${os.cpus().length}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; busiest: ${busiest().join(' | ')}`);
  for (const w of opts.workers) {
    const r = await runOnce(browser, server, opts, w);
    results.push(r);
    console.log(JSON.stringify(r));
  }
} finally {
  await browser.close();
  await server.close();
}
const one = results.find((r) => r.workers === 1);
const two = results.find((r) => r.workers === 2);
if (one && two) {
  console.log(`speedup 2 vs 1 worker: ${(two.trials_per_minute_wall / one.trials_per_minute_wall).toFixed(2)}× (wall), ` +
    `${one.trials_per_minute_wall.toFixed(2)} → ${two.trials_per_minute_wall.toFixed(2)} trials/min; busiest after: ${busiest().join(' | ')}`);
}
