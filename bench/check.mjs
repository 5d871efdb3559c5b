#!/usr/bin/env node
// Benchmarks that cannot rot (`make test-bench`, part of `make test`): runs every script that
// writes figures into README.md or bench/*.md in its quick mode, into a scratch folder (never
// over the committed result files), and checks that each produced ALL its figures — every row,
// every column, present and finite. It never judges a speed. Prints each script's run time.
//
//   node bench/check.mjs [--out target/bench-quick] [--python PATH] [--only run,tta,...]
//
// The PyTorch parts run with --python PATH (else $TORCH_PYTHON, else .venv/bin/python) when that
// Python imports torch; otherwise they are skipped with the reason printed. Scripts that need
// prepared data (www/data) or the CLI's data directory skip, saying why, when it is absent.

import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as check from './check-figures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const scratch = resolve(root, opt('--out', 'target/bench-quick'));
const only = opt('--only')?.split(',');

/** A Python that imports torch, or why there is none. */
function torchPython() {
  const candidates = [opt('--python'), process.env.TORCH_PYTHON, join(root, '.venv/bin/python')].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py };
    if (py === candidates[0] && (opt('--python') || process.env.TORCH_PYTHON)) return { why: `${py} cannot import torch: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` };
  }
  return { why: 'no Python with torch (pass --python PATH, set TORCH_PYTHON, or create .venv with torch)' };
}

const torch = torchPython();
const hasData = (name) => existsSync(join(root, 'www/data', `${name}.json`));
const cliData = existsSync(process.env.MLP_LAB_DATA || resolve(root, '../shared/data'));

/** name → {skip?: why, argv: [script, ...args], verify(dir)} */
const STEPS = [
  {
    name: 'run',
    // The relaxed-SIMD rows come from a second build (bench/build-relaxed.sh, a minute of
    // compiling); the check feeds a package `make wasm` built instead, so those rows are
    // produced and read: www/pkg-shards, which like the relaxed build has GemmBench.
    argv: ['bench/run.mjs', '--quick', '--relaxed-pkg', 'www/pkg-shards'],
    verify: check.benchRun,
  },
  {
    name: 'tta',
    skip: !hasData('mnist') && 'www/data/mnist.json is absent (make data)',
    argv: ['bench/time-to-accuracy.mjs', '--quick', ...(torch.python ? ['--python', torch.python] : [])],
    verify: (dir) => check.timeToAccuracy(dir, { torch: Boolean(torch.python) }),
    note: !torch.python && `its PyTorch half skipped: ${torch.why}`,
  },
  {
    name: 'sweep-speedup',
    skip: !hasData('digits') && 'www/data/digits.json is absent (make data)',
    argv: ['scripts/sweep-speedup.mjs', '--quick'],
    verify: (dir) => check.sweepSpeedup(dir, { native: cliData }),
  },
  {
    name: 'sweep-reports',
    skip: !hasData('digits') && 'www/data/digits.json is absent (make data)',
    argv: ['scripts/sweep-reports.mjs', '--quick'],
    verify: check.sweepReports,
  },
  {
    name: 'native',
    skip: !torch.python && torch.why,
    argv: ['bench/native.mjs', '--quick', ...(torch.python ? ['--python', torch.python] : [])],
    verify: check.native,
  },
  {
    name: 'soak',
    skip: !hasData('mnist') && 'www/data/mnist.json is absent (make data)',
    argv: ['scripts/soak.mjs', '--quick'],
    verify: check.soak,
  },
  {
    name: 'accuracy',
    skip: !cliData && 'no data directory for the CLI (MLP_LAB_DATA or ../shared/data)',
    shell: true,
    argv: ['scripts/accuracy.sh', 'iris', 'wine'],
    env: { SEEDS: '1 2' },
    verify: check.accuracy,
  },
  {
    name: 'accuracy-torch',
    skip: (!cliData && 'no data directory (MLP_LAB_DATA or ../shared/data)') || (!torch.python && torch.why),
    shell: true,
    argv: ['scripts/torch_accuracy.sh', 'fashion-mnist-best'],
    env: { SEEDS: '1', QUICK: '1', PYTHON: torch.python },
    verify: check.torchAccuracy,
  },
];

const dirFor = (step) => join(scratch, step.name === 'sweep-reports' ? 'sweep-speedup' : step.name);
const failures = [];
const times = [];
for (const step of STEPS.filter((s) => !only || only.includes(s.name))) {
  const dir = dirFor(step);
  if (step.skip) {
    console.log(`# ${step.name}: skipped — ${step.skip}`);
    times.push([step.name, 'skipped']);
    continue;
  }
  // sweep-reports reads the sweep-speedup.json beside it, so it shares that folder.
  if (step.name !== 'sweep-reports') rmSync(dir, { recursive: true, force: true });
  const argv = [...step.argv, '--out', relative(root, dir)];
  const [cmd, cmdArgs] = step.shell ? ['bash', argv.slice(0, -2)] : [process.execPath, argv];
  const env = step.shell ? { ...process.env, ...step.env, OUT_DIR: dir } : process.env;
  const envText = step.shell ? ` (${Object.entries({ ...step.env, OUT_DIR: relative(root, dir) }).map(([k, v]) => `${k}="${v}"`).join(' ')})` : '';
  console.log(`# ${step.name}: ${step.shell ? '' : 'node '}${(step.shell ? cmdArgs : argv).join(' ')}${envText}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (Date.now() - t0) / 1000;
  times.push([step.name, `${seconds.toFixed(0)} s`]);
  if (r.status !== 0) {
    failures.push(`${step.name}: exited ${r.status}\n${(r.stderr || '').trim().split('\n').slice(-15).join('\n')}\n${(r.stdout || '').trim().split('\n').slice(-5).join('\n')}`);
    continue;
  }
  const problems = step.verify(dir);
  if (problems.length) failures.push(`${step.name}: ${problems.length} missing or bad figure(s):\n  ${problems.slice(0, 20).join('\n  ')}`);
  else console.log(`# ${step.name}: every figure present (${seconds.toFixed(0)} s)${step.note ? `; ${step.note}` : ''}`);
}
console.log(`\nquick modes: ${times.map(([n, t]) => `${n} ${t}`).join(', ')}`);
if (failures.length) {
  console.error(`\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log('benchmark scripts: every figure produced');
