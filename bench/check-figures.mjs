// What bench/check.mjs asks of each script's quick output: every row and column present, every
// figure a finite number. Each function takes the folder the script wrote and returns a list
// of problems (empty when all is there). Speeds are never judged.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { column } from './report.mjs';

const finite = (x) => typeof x === 'number' && Number.isFinite(x);

/** Problems of `obj` at the given paths: each must be a finite number (> 0 with positive). */
function numbers(problems, where, obj, keys, { positive = false } = {}) {
  for (const k of keys) {
    const v = obj?.[k];
    if (!finite(v) || (positive && v <= 0)) problems.push(`${where}.${k}: expected a ${positive ? 'positive ' : ''}finite number, found ${JSON.stringify(v)}`);
  }
}

function readJson(problems, file) {
  if (!existsSync(file)) {
    problems.push(`${file} was not written`);
    return null;
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

function markdownClean(problems, file) {
  if (!existsSync(file)) return problems.push(`${file} was not written`);
  const text = readFileSync(file, 'utf8');
  for (const bad of ['NaN', 'undefined', 'Infinity', '[object Object]']) if (text.includes(bad)) problems.push(`${file} contains “${bad}”`);
  return text;
}

/**
 * A column may be missing only when the engine says the feature is not in this build (the
 * multi-worker page hook, `mlp-lab bench` without --threads): the row names why.
 */
const allowedMissing = (why) => /not available|has no --threads option/.test(why ?? '');

/** bench/run.mjs: results.json and RESULTS.md. */
export function benchRun(dir) {
  const p = [];
  const r = readJson(p, join(dir, 'results.json'));
  if (!r) return p;
  const { plan, results, table } = r;
  if (table.length !== plan.cases.length) p.push(`table: ${table.length} rows for ${plan.cases.length} cases`);
  plan.cases.forEach((c, i) => {
    const row = table[i];
    const where = `table[${i}] (${c.name} batch ${c.batch})`;
    const engines = plan.engines.flatMap((e) => (e === 'mlplab' ? (c.workers ?? [1]).map((w) => [e, w]) : [[e, 1]]));
    for (const [e, w] of engines) {
      const col = column(e, w);
      if (row?.missing?.[col] && allowedMissing(row.missing[col])) continue;
      numbers(p, where, row, [col], { positive: true });
      if (row?.missing?.[col]) p.push(`${where}.${col}: ${row.missing[col]}`);
    }
    const ratioOf = { 'tfjs-wasm': 'vsWasm', 'tfjs-wasm-threads': 'vsWasmThreads', 'tfjs-cpu': 'vsCpu', 'mlplab-relaxed': 'relaxedGain' };
    const ratios = plan.engines.map((e) => ratioOf[e]).filter(Boolean);
    // one run across N page workers against one worker (www/worker-shards.js)
    if (plan.engines.includes('mlplab')) ratios.push(...(c.workers ?? [1]).filter((w) => w > 1).map((w) => `workersGain${w}w`));
    numbers(p, where, row, ratios, { positive: true });
  });
  const info = results.info;
  if (info.crossOriginIsolated !== true) p.push('info.crossOriginIsolated: the bench page was not cross-origin isolated');
  if (plan.engines.includes('tfjs-wasm-threads') && info.tfjsThreads?.threads !== plan.tfjsThreads) {
    p.push(`info.tfjsThreads.threads: ${info.tfjsThreads?.threads ?? info.tfjsThreads?.error}, expected ${plan.tfjsThreads}`);
  }
  if (info.tfjs?.threads !== 1) p.push(`info.tfjs.threads: the single-threaded TF.js wasm ran ${info.tfjs?.threads} threads`);
  const kernelSets = [['kernels', plan.kernels], ...(plan.engines.includes('mlplab-relaxed') ? [['kernelsRelaxed', plan.kernels]] : []), ['kernelsTfjs', plan.kernels.slice(0, 1)]];
  for (const [key, sizes] of kernelSets) {
    const got = results[key]?.sizes ?? [];
    if (got.length !== sizes.length) p.push(`${key}: ${got.length} sizes for ${sizes.length}`);
    got.forEach((s, i) => {
      if (s.gflops?.length !== 3) p.push(`${key}[${i}]: ${s.gflops?.length} products, expected 3`);
      numbers(p, `${key}[${i}].gflops`, s.gflops, [0, 1, 2], { positive: true });
    });
  }
  // runs on several page workers sharing memory: every worker's time per batch, phase by phase
  const PHASES = ['compute', 'copyOut', 'wait', 'copyIn', 'apply', 'swap', 'finish', 'batches'];
  (results.training ?? []).filter((x) => x.exchange === 'shared').forEach((x) => {
    const where = `training (${x.case} batch ${x.batch}, ${x.workers} workers)`;
    const phases = x.msPerBatchPhases;
    if (!Array.isArray(phases) || phases.length !== x.workersUsed) {
      p.push(`${where}.msPerBatchPhases: expected one entry per worker (${x.workersUsed}), found ${JSON.stringify(phases)}`);
    } else phases.forEach((ph, w) => numbers(p, `${where}.msPerBatchPhases[${w}]`, ph, PHASES));
  });
  (results.training ?? []).filter((x) => x.workersUsed > 1 && x.crossOriginIsolated && x.exchange !== 'shared').forEach((x) => {
    p.push(`training (${x.case} batch ${x.batch}): ${x.workersUsed} workers on an isolated page exchanged by ${x.exchange}, not shared memory`);
  });
  const snaps = results.memory?.snapshots ?? [];
  const wantEpochs = [0, ...plan.memory.checkpoints];
  if (snaps.map((s) => s.epoch).join() !== wantEpochs.join()) p.push(`memory: epochs ${snaps.map((s) => s.epoch)}, expected ${wantEpochs}`);
  snaps.forEach((s, i) => numbers(p, `memory.snapshots[${i}]`, s, ['wasmBytes', 'jsHeapUsed', 'seconds']));
  numbers(p, 'size', r.size, ['raw', 'gzip'], { positive: true });
  r.targets.forEach((t) => {
    if (!finite(t.value)) p.push(`targets: “${t.name}” has no value`);
  });
  const md = markdownClean(p, join(dir, 'RESULTS.md'));
  if (typeof md === 'string') {
    const rows = md.split('\n').filter((l) => /^\| (mnist|wide|tiny) [\d-]+ \| \d+ \|/.test(l));
    const want = plan.cases.length * (plan.engines.includes('mlplab-relaxed') ? 2 : 1);
    if (rows.length !== want) p.push(`RESULTS.md: ${rows.length} training rows, expected ${want}`);
  }
  return p;
}

const TTA_KEYS = ['seconds_to_target', 'epoch_reached', 'seconds_total', 'final_test_accuracy'];

/** bench/time-to-accuracy.mjs: time-to-accuracy.json (and its PyTorch half). */
export function timeToAccuracy(dir, { torch }) {
  const p = [];
  const r = readJson(p, join(dir, 'time-to-accuracy.json'));
  if (!r) return p;
  numbers(p, 'page', r, TTA_KEYS, { positive: true });
  const per = r.test_accuracy_per_epoch ?? [];
  if (per.length < 1 || !per.every(finite)) p.push(`page.test_accuracy_per_epoch: ${JSON.stringify(per)}`);
  if ((r.epochs_evaluated ?? []).at(-1) !== r.epochs) p.push(`page: last evaluated epoch ${r.epochs_evaluated?.at(-1)}, expected ${r.epochs}`);
  numbers(p, 'page', r, ['workers'], { positive: true });
  numbers(p, 'work', r.work, ['gflop_train_per_epoch', 'gflop_evaluate_per_epoch', 'page_gflop_s', 'gflop_train_to_target'], { positive: true });
  if (torch) {
    numbers(p, 'work', r.work, ['gflop_s_to_match_pytorch'], { positive: true });
    numbers(p, 'pytorch', r.pytorch, TTA_KEYS, { positive: true });
    if (r.pytorch?.test_accuracy_per_epoch?.length !== r.epochs) p.push(`pytorch.test_accuracy_per_epoch: ${r.pytorch?.test_accuracy_per_epoch?.length} epochs, expected ${r.epochs}`);
    numbers(p, 'time-to-accuracy', r, ['page_seconds_over_pytorch'], { positive: true });
  }
  return p;
}

/** scripts/sweep-speedup.mjs: sweep-speedup.json. */
export function sweepSpeedup(dir, { native }) {
  const p = [];
  const r = readJson(p, join(dir, 'sweep-speedup.json'));
  if (!r) return p;
  for (const where of ['page', ...(native ? ['native'] : [])]) {
    const runs = r.runs.filter((x) => x.where === where);
    if (runs.map((x) => x.workers).join() !== '1,2') p.push(`${where}: runs with ${runs.map((x) => x.workers)} workers, expected 1,2`);
    const keys = ['wall_seconds', 'trials_per_minute_wall', ...(where === 'page' ? ['trials_per_minute_page', 'mean_trial_seconds'] : [])];
    runs.forEach((x, i) => numbers(p, `${where}[${i}]`, x, keys, { positive: true }));
    const pair = r.pairs.find((x) => x.where === where);
    numbers(p, `${where} pair`, pair, ['speedup'], { positive: true });
  }
  return p;
}

/** scripts/sweep-reports.mjs --write: the exports and REPORTS.md. */
export function sweepReports(dir) {
  const p = [];
  const groups = { activation: 4, init: 6 };
  for (const [kind, n] of Object.entries(groups)) {
    for (const ext of ['md', 'html']) if (!existsSync(join(dir, 'reports', `digits-${kind}.${ext}`))) p.push(`reports/digits-${kind}.${ext} was not written`);
    const csv = join(dir, 'reports', `digits-${kind}.csv`);
    if (!existsSync(csv)) {
      p.push(`${csv} was not written`);
      continue;
    }
    const [head, ...rows] = readFileSync(csv, 'utf8').trim().split('\n').map((l) => l.split(','));
    if (rows.length !== n) p.push(`${csv}: ${rows.length} runs, expected ${n}`);
    rows.forEach((row, i) => {
      const rec = Object.fromEntries(head.map((h, j) => [h, row[j]]));
      if (rec.status !== 'completed') p.push(`${csv} run ${i}: status ${rec.status}`);
      numbers(p, `${csv} run ${i}`, Object.fromEntries(['val_accuracy', 'val_loss', 'test_accuracy', 'seconds'].map((k) => [k, Number(rec[k])])), ['val_accuracy', 'val_loss', 'test_accuracy', 'seconds']);
    });
  }
  const md = markdownClean(p, join(dir, 'REPORTS.md'));
  if (typeof md === 'string') {
    for (const heading of ['## Parallel speedup', '### Activation functions', '### Initializations', 'Natively']) {
      if (!md.includes(heading)) p.push(`REPORTS.md has no “${heading}”`);
    }
  }
  return p;
}

/** bench/native.mjs: native.json and NATIVE.md. */
export function native(dir) {
  const p = [];
  const r = readJson(p, join(dir, 'native.json'));
  if (!r) return p;
  if (r.table.length !== 5) p.push(`table: ${r.table.length} rows, expected 5 cases`);
  r.table.forEach((row, i) => {
    const where = `table[${i}] (${row.case} batch ${row.batch})`;
    for (const e of r.engines) {
      if (allowedMissing(row.missing[e.id])) continue;
      numbers(p, where, row, [e.id], { positive: true });
    }
    for (const m of r.threads) {
      for (const t of r.threads) {
        if (!allowedMissing(row.missing[`mlplab-${m}t`])) numbers(p, where, row, [`mlplab${m}t_vs_pytorch${t}t`], { positive: true });
      }
    }
  });
  markdownClean(p, join(dir, 'NATIVE.md'));
  return p;
}

/** scripts/accuracy.sh: accuracy.jsonl and ACCURACY.md. */
export function accuracy(dir) {
  const p = [];
  const file = join(dir, 'accuracy.jsonl');
  if (!existsSync(file)) return [`${file} was not written`];
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  if (rows.length !== 4) p.push(`accuracy.jsonl: ${rows.length} runs, expected 4 (iris, wine × 2 seeds)`);
  rows.forEach((x, i) => numbers(p, `accuracy.jsonl[${i}] (${x.preset})`, x.result, ['test_accuracy', 'seconds']));
  const md = markdownClean(p, join(dir, 'ACCURACY.md'));
  if (typeof md === 'string' && !(/\| iris \|/.test(md) && /\| wine \|/.test(md))) p.push('ACCURACY.md has no iris and wine rows');
  return p;
}

/** scripts/torch_accuracy.sh: torch_accuracy.jsonl and the PyTorch section of ACCURACY.md. */
export function torchAccuracy(dir) {
  const p = [];
  const file = join(dir, 'torch_accuracy.jsonl');
  if (!existsSync(file)) return [`${file} was not written`];
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  if (rows.length !== 1) p.push(`torch_accuracy.jsonl: ${rows.length} runs, expected 1 (fashion-mnist-best, seed 1)`);
  rows.forEach((x, i) => numbers(p, `torch_accuracy.jsonl[${i}] (${x.preset})`, x.result, ['test_accuracy', 'val_accuracy', 'seconds']));
  const md = markdownClean(p, join(dir, 'ACCURACY.md'));
  if (typeof md === 'string' && !/\| fashion-mnist-best \| 0 \| — \| 1 \| \d+\.\d\d% ± 0\.00 \|/.test(md)) p.push('ACCURACY.md has no PyTorch row for fashion-mnist-best');
  return p;
}

/** scripts/soak.mjs: soak.json and SOAK.md. */
export function soak(dir) {
  const p = [];
  const r = readJson(p, join(dir, 'soak.json'));
  if (!r) return p;
  if (r.points?.length !== 3) p.push(`points: ${r.points?.length}, expected 3 (epoch 1, 10, last)`);
  (r.points ?? []).forEach((x, i) => numbers(p, `points[${i}]`, x, ['epoch', 'wasm_bytes', 'js_heap_used_bytes'], { positive: true }));
  numbers(p, 'soak', r, ['seconds', 'max_frame_gap_ms', 'frames'], { positive: true });
  numbers(p, 'soak.final', r.final, ['test'], { positive: true });
  numbers(p, 'soak.hidden', r.hidden, ['epoch_before', 'epoch_right_after', 'epoch_2s_after']);
  for (const k of ['finished', 'wasm_flat_after_epoch_1', 'js_heap_growth_within_noise', 'frame_gap_under_200ms', 'survived_hidden', 'no_page_errors']) {
    if (typeof r.checks?.[k] !== 'boolean') p.push(`checks.${k}: not recorded`);
  }
  markdownClean(p, join(dir, 'SOAK.md'));
  return p;
}
