#!/usr/bin/env node
// Native training speed: `mlp-lab bench` against PyTorch CPU (bench/torch_bench.py) on the same
// cases — MNIST 784-256-128-10 at batch 32/128/512, wide 784-1024-1024-10 at 128, tiny 2-8-8-1
// at 32; Adam, synthetic data, warm-up excluded — each engine at 1 and 2 threads. The runs
// interleave: round r runs every engine once, in a rotating order, so load drifts on a shared
// machine hit all of them alike; each figure is the median over the rounds, and every ratio is
// of two medians from this one run. Writes native.json (every round) and NATIVE.md.
//
//   node bench/native.mjs [--python PATH] [--mlp-lab PATH] [--rounds 5] [--repeats 5] [--threads 1,2]
//                         [--quick] [--out bench]
//   node bench/native.mjs --from bench/native.json     (rewrites NATIVE.md only)
//
// --python: a Python with torch (default: .venv/bin/python, created with torch and numpy from
// PyPI when absent). --mlp-lab: the binary (default target/release/mlp-lab, built when absent).
// MLP Lab at N > 1 threads runs `mlp-lab bench --threads N`; a binary whose --help does not list
// --threads is measured at 1 thread only, and its other rows say so. --quick (make test): one
// round of one repeat, PyTorch's slices cut to 4 batches — every figure, none worth reading.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const rounds = Number(opt('--rounds', quick ? 1 : 5));
const repeats = Number(opt('--repeats', quick ? 1 : 5));
const threads = opt('--threads', '1,2').split(',').map(Number);
const outDir = resolve(root, opt('--out', 'bench'));
for (const [name, v] of [['--rounds', rounds], ['--repeats', repeats], ...threads.map((t) => ['--threads', t])]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a whole number ≥ 1, found ${v}`);
}

// --from FILE: only rewrite NATIVE.md beside FILE from that native.json.
if (opt('--from')) {
  const file = resolve(root, opt('--from'));
  writeFileSync(join(dirname(file), 'NATIVE.md'), markdown(JSON.parse(readFileSync(file, 'utf8'))));
  process.exit(0);
}

/** The PyTorch interpreter: --python, else .venv/bin/python (created here when absent). */
function python() {
  const given = opt('--python');
  if (given) return given;
  const venv = join(root, '.venv/bin/python');
  if (!existsSync(venv)) {
    console.error('creating .venv with torch and numpy (pip, from PyPI)');
    execFileSync('python3', ['-m', 'venv', join(root, '.venv')], { stdio: 'inherit' });
    execFileSync(venv, ['-m', 'pip', 'install', '--quiet', 'torch', 'numpy'], { stdio: 'inherit' });
  }
  return venv;
}

function mlpLab() {
  const bin = resolve(root, opt('--mlp-lab', 'target/release/mlp-lab'));
  if (!existsSync(bin)) execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: root, stdio: 'inherit' });
  return bin;
}

/** Runs a command whose last stdout line is a JSON object; throws with its stderr otherwise. */
function runJson(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const py = python();
const bin = mlpLab();
const hasThreads = /--threads\b/.test(execFileSync(bin, ['bench', '--help'], { encoding: 'utf8' }));
const torchVersion = execFileSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();

/** The engines measured: [{id, engine, threads, run() → {training: [...]}} or {…, missing}]. */
const engines = [];
for (const t of threads) {
  const id = `mlplab-${t}t`;
  if (t === 1 || hasThreads) {
    engines.push({ id, engine: 'mlplab', threads: t, run: () => runJson(bin, ['bench', '--repeats', String(repeats), ...(hasThreads ? ['--threads', String(t)] : [])]) });
  } else {
    engines.push({ id, engine: 'mlplab', threads: t, missing: `${relative(root, bin)} bench has no --threads option (its --help does not list it)` });
  }
}
for (const t of threads) {
  const torchArgs = [join(root, 'bench/torch_bench.py'), '--threads', String(t), '--repeats', String(repeats), ...(quick ? ['--max-batches', '4'] : [])];
  engines.push({ id: `pytorch-${t}t`, engine: 'pytorch', threads: t, run: () => runJson(py, torchArgs) });
}

const load = () => +loadavg()[0].toFixed(2);
const machine = { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, loadBefore: loadavg().map((x) => +x.toFixed(2)) };
const live = engines.filter((e) => !e.missing);
const roundsOut = [];
for (let r = 0; r < rounds; r++) {
  const round = { round: r, runs: [] };
  for (let i = 0; i < live.length; i++) {
    const e = live[(i + r) % live.length];
    const loadBefore = load();
    const out = e.run();
    round.runs.push({ id: e.id, loadBefore, training: out.training, ...(out.kernels ? { kernels: out.kernels } : {}), ...(out.threads ? { threadsReported: out.threads } : {}) });
    console.error(`round ${r + 1}/${rounds} ${e.id}: ${out.training.map((t) => Math.round(t.examples_per_second)).join(' / ')} examples/s (load ${loadBefore})`);
  }
  roundsOut.push(round);
}
machine.loadAfter = loadavg().map((x) => +x.toFixed(2));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const caseKeys = roundsOut[0].runs[0].training.map((t) => ({ case: t.case, batch: t.batch }));
const ratio = (a, b) => (a != null && b ? a / b : null);
const table = caseKeys.map((k) => {
  const row = { case: k.case, batch: k.batch, missing: {} };
  for (const e of engines) {
    const key = e.id;
    if (e.missing) {
      row[key] = null;
      row.missing[key] = e.missing;
      continue;
    }
    const each = roundsOut.flatMap((r) => r.runs.filter((x) => x.id === key)).map((x) => x.training.find((t) => t.case === k.case && t.batch === k.batch)?.examples_per_second);
    row[key] = each.every(Number.isFinite) ? median(each) : null;
    if (row[key] == null) row.missing[key] = `${key} printed no figure for this case`;
  }
  for (const m of threads) for (const p of threads) row[`mlplab${m}t_vs_pytorch${p}t`] = ratio(row[`mlplab-${m}t`], row[`pytorch-${p}t`]);
  return row;
});

const report = {
  machine,
  command: `node bench/native.mjs ${args.join(' ')}`.trim(),
  quick,
  rounds,
  repeats,
  threads,
  versions: { mlplab: execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim(), torch: torchVersion, mlplabThreadsOption: hasThreads },
  engines: engines.map(({ id, engine, threads: t, missing }) => ({ id, engine, threads: t, ...(missing ? { missing } : {}) })),
  table,
  rounds_detail: roundsOut,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'native.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(outDir, 'NATIVE.md'), markdown(report));
console.log(readFileSync(join(outDir, 'NATIVE.md'), 'utf8'));

function markdown(rep) {
  const fmt = (x, d = 0) => (x == null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const ids = rep.engines.map((e) => e.id);
  const label = (id) => id.replace('mlplab-', 'MLP Lab ').replace('pytorch-', 'PyTorch ').replace(/(\d+)t$/, (_, n) => `${n} thread${n === '1' ? '' : 's'}`);
  const ratioCols = rep.threads.flatMap((m) => rep.threads.map((p) => [`MLP Lab ${m}t ÷ PyTorch ${p}t`, `mlplab${m}t_vs_pytorch${p}t`]));
  const md = [
    '# Native training speed: MLP Lab vs PyTorch CPU', '',
    `Generated by \`${rep.command}\` on ${rep.machine.date}${rep.quick ? ' (quick: a check that every figure is produced, not a measurement)' : ''}.`, '',
    '| machine | |', '|---|---|',
    `| CPU | ${rep.machine.cores} × ${rep.machine.cpu} |`,
    `| load average (1/5/15 min) | before ${rep.machine.loadBefore.join(' / ')}, after ${rep.machine.loadAfter.join(' / ')} (${rep.machine.cores} CPUs) |`,
    `| engines | ${rep.versions.mlplab} (\`mlp-lab bench\`${rep.versions.mlplabThreadsOption ? ' --threads N' : ', no --threads option'}); PyTorch ${rep.versions.torch} CPU float32 (\`bench/torch_bench.py\`, torch.set_num_threads) |`,
    `| repeats | median over ${rep.rounds} interleaved rounds; each engine's run reports the median of ${rep.repeats} timed epoch-sized slices after an untimed one |`,
    '',
    'Training examples/s: Adam (lr 1e-3), hidden ReLU, softmax + cross-entropy (sigmoid + binary cross-entropy for one output), synthetic data; both engines shuffle and gather each batch from the data.', '',
    `| case | batch | ${ids.map(label).join(' | ')} | ${ratioCols.map(([h]) => h).join(' | ')} |`,
    `|---|---:|${ids.map(() => '---:').join('|')}|${ratioCols.map(() => '---:').join('|')}|`,
  ];
  for (const r of rep.table) md.push(`| ${r.case} | ${r.batch} | ${ids.map((id) => fmt(r[id])).join(' | ')} | ${ratioCols.map(([, k]) => fmt(r[k], 2)).join(' | ')} |`);

  const missing = [...new Set(rep.table.flatMap((r) => Object.entries(r.missing).map(([k, why]) => `- \`${k}\`: ${why}`)))];
  if (missing.length) md.push('', 'Not measured:', '', ...missing);
  const loads = rep.rounds_detail.flatMap((r) => r.runs.map((x) => x.loadBefore));
  const [lo, hi] = [Math.min(...loads), Math.max(...loads)];
  md.push('', `1-minute load average when each engine's run started: ${fmt(lo, 2)}–${fmt(hi, 2)} on ${rep.machine.cores} cores.`);
  if (hi > rep.machine.cores) {
    md.push('Other processes held the cores during this run: an engine with N threads then rarely gets N cores at once, and ' +
      'threads that wait for each other (PyTorch\'s OpenMP) lose most; the multi-threaded figures are not what an idle machine gives.');
  }
  md.push('');
  return md.join('\n');
}
