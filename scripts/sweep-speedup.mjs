// Trials per minute of the same sweep with 1 and with 2 trial workers: in the page (headless
// Chromium, the real page, worker pool and engine) and natively (`mlp-lab sweep --workers N`).
// The worker counts run in the order given, so `--workers 1,2,1,2` gives two pairs; each run
// records the machine's load, since the machine may be shared. Writes sweep-speedup.json
// (every run, and the 2-vs-1 ratio of each pair) into --out and prints one JSON line per run.
// scripts/sweep-reports.mjs --speedup FILE puts the table into REPORTS.md.
//
//   node scripts/sweep-speedup.mjs [--data mnist] [--trials 8] [--epochs 2] [--workers 1,2]
//       [--native-data digits] [--native-trials 64] [--native-epochs 30] [--mlp-lab PATH] [--no-native]
//       [--quick] [--out bench]
//
// The native sweep runs on --native-data read by the CLI (its data directory: $MLP_LAB_DATA,
// else ../shared/data), because the page's MNIST is a 10k subset the CLI does not read, with
// more trials and epochs than the page's (a native trial on digits takes milliseconds); it is
// skipped, saying why, without the data directory. --quick (make test): digits, 2 trials of 1
// epoch, natively 4.

import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as harness from '../tests/e2e/harness.mjs';

function args() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const out = {
    quick, data: quick ? 'digits' : 'mnist', trials: quick ? 2 : 8, epochs: quick ? 1 : 2, workers: [1, 2],
    nativeData: 'digits', nativeTrials: quick ? 4 : 64, nativeEpochs: quick ? 1 : 30, native: true,
    mlpLab: path.join(harness.ROOT, 'target/release/mlp-lab'), out: path.join(harness.ROOT, 'bench'),
  };
  const flags = { '--quick': () => {}, '--no-native': () => { out.native = false; } };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (flags[k]) { flags[k](); continue; }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${k}: needs a value`);
    if (k === '--data') out.data = v;
    else if (k === '--trials') out.trials = Number(v);
    else if (k === '--epochs') out.epochs = Number(v);
    else if (k === '--workers') out.workers = v.split(',').map(Number);
    else if (k === '--native-data') out.nativeData = v;
    else if (k === '--native-trials') out.nativeTrials = Number(v);
    else if (k === '--native-epochs') out.nativeEpochs = Number(v);
    else if (k === '--mlp-lab') out.mlpLab = path.resolve(v);
    else if (k === '--out') out.out = path.resolve(v);
    else throw new Error(`unknown option ${k}; known: --data, --trials, --epochs, --workers, --native-data, --native-trials, --native-epochs, --mlp-lab, --no-native, --quick, --out`);
  }
  for (const [k, v] of [['--trials', out.trials], ['--epochs', out.epochs], ['--native-trials', out.nativeTrials], ['--native-epochs', out.nativeEpochs], ...out.workers.map((w) => ['--workers', w])]) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k}: must be a whole number ≥ 1, found ${v}`);
  }
  return out;
}

/** A random sweep over the learning rate and the hidden width (no early stopping). */
function spec({ data, trials, epochs }) {
  return {
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
  };
}

function busiest() {
  try {
    const lines = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu'], { encoding: 'utf8' }).trim().split('\n').slice(1, 7);
    return lines.map((l) => l.trim().replace(/\s+/, ' '));
  } catch {
    return [];
  }
}

const load = () => +os.loadavg()[0].toFixed(2);

async function pageRun(browser, server, opts, workers) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('.engine.ok', { timeout: 120_000 });
  await page.click('[role=tab][data-section=sweeps]'); // the workspace shows one section at a time
  await page.waitForSelector('[data-testid=section-sweeps]:not([hidden])');
  await page.fill('[data-testid=sweep-spec]', JSON.stringify(spec(opts)));
  await page.fill('[data-testid=sweep-workers]', String(workers));
  const loadBefore = load();
  const t0 = Date.now();
  await page.click('[data-testid=sweep-start]');
  await page.waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 60 * 60_000 });
  const seconds = (Date.now() - t0) / 1000;
  const status = await page.textContent('[data-testid=sweep-status]');
  const perTrial = (await page.locator('[data-testid=sweep-row] td:nth-child(5)').allTextContents()).map(Number);
  const statuses = await page.locator('[data-testid=sweep-row]').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  if (statuses.length !== opts.trials || statuses.some((s) => s === 'failed')) throw new Error(`page sweep with ${workers} workers: trial statuses ${statuses.join(', ')}`);
  return {
    where: 'page', data: opts.data, workers, trials: opts.trials, epochs: opts.epochs, wall_seconds: seconds,
    trials_per_minute_wall: (opts.trials / seconds) * 60,
    trials_per_minute_page: Number(/([\d.]+) trials\/min/.exec(status)?.[1]),
    mean_trial_seconds: perTrial.reduce((a, b) => a + b, 0) / perTrial.length,
    load_before: loadBefore, load_after: load(),
  };
}

function nativeRun(opts, workers) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlp-lab-speedup-'));
  try {
    const file = path.join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec({ data: opts.nativeData, trials: opts.nativeTrials, epochs: opts.nativeEpochs })));
    const loadBefore = load();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(opts.mlpLab, ['sweep', '--spec', file, '--workers', String(workers), '-q'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`mlp-lab sweep --workers ${workers} exited ${r.status}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' | ')}`);
    const trials = JSON.parse(r.stdout.trim().split('\n').at(-1)).trials;
    if (trials.length !== opts.nativeTrials || trials.some((t) => t.status === 'failed')) throw new Error(`native sweep with ${workers} workers: trial statuses ${trials.map((t) => t.status).join(', ')}`);
    const done = trials.length;
    return {
      where: 'native', data: opts.nativeData, workers, trials: opts.nativeTrials, trials_finished: done, epochs: opts.nativeEpochs, wall_seconds: seconds,
      trials_per_minute_wall: (opts.nativeTrials / seconds) * 60, load_before: loadBefore, load_after: load(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why the native sweep cannot run here, or null. */
function nativeMissing(opts) {
  if (!opts.native) return 'not asked for (--no-native)';
  if (!existsSync(opts.mlpLab)) return `${opts.mlpLab} is missing (cargo build --release)`;
  const dir = process.env.MLP_LAB_DATA || path.resolve(harness.ROOT, '../shared/data');
  if (!existsSync(dir)) return `no data directory for the CLI at ${dir} (set MLP_LAB_DATA)`;
  return null;
}

/** 2-vs-1 ratios of consecutive runs (1 then 2 workers) of each place. */
function pairs(runs) {
  const out = [];
  for (const where of ['page', 'native']) {
    const rs = runs.filter((r) => r.where === where);
    for (let i = 0; i + 1 < rs.length; i++) {
      if (rs[i].workers === 1 && rs[i + 1].workers === 2) {
        out.push({ where, pair: out.filter((p) => p.where === where).length + 1, speedup: rs[i + 1].trials_per_minute_wall / rs[i].trials_per_minute_wall });
      }
    }
  }
  return out;
}

const opts = args();
const runs = [];
const machine = { date: new Date().toISOString(), cores: os.cpus().length, load_before: os.loadavg().map((l) => +l.toFixed(2)), busiest_before: busiest() };
console.error(`cores: ${machine.cores}; load ${machine.load_before.join(' ')}; busiest: ${machine.busiest_before.join(' | ')}`);
const server = await harness.startServer();
const browser = await harness.launchBrowser();
try {
  for (const w of opts.workers) {
    const r = await pageRun(browser, server, opts, w);
    runs.push(r);
    console.log(JSON.stringify(r));
  }
} finally {
  await browser.close();
  await server.close();
}
const missing = nativeMissing(opts);
if (!missing) {
  for (const w of opts.workers) {
    const r = nativeRun(opts, w);
    runs.push(r);
    console.log(JSON.stringify(r));
  }
} else {
  console.error(`native sweep skipped: ${missing}`);
}
machine.load_after = os.loadavg().map((l) => +l.toFixed(2));
machine.busiest_after = busiest();
const result = {
  command: `node scripts/sweep-speedup.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  quick: opts.quick, machine, spec: spec(opts), runs, pairs: pairs(runs), ...(missing ? { native_missing: missing } : {}),
};
mkdirSync(opts.out, { recursive: true });
writeFileSync(path.join(opts.out, 'sweep-speedup.json'), `${JSON.stringify(result, null, 2)}\n`);
for (const p of result.pairs) console.log(`${p.where} pair ${p.pair}: 2 vs 1 worker ${p.speedup.toFixed(2)}× trials/min (wall)`);
