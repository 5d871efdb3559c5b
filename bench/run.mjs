#!/usr/bin/env node
// Drives bench/index.html in headless Chromium (Playwright) and writes bench/results.json and
// bench/RESULTS.md: training examples/s of MLP Lab (wasm), TensorFlow.js wasm and TensorFlow.js
// cpu on the same networks, kernel GFLOP/s in the worker, memory over an MNIST-sized run and the
// wasm size.
//
//   node bench/run.mjs [--pkg DIR] [--relaxed-pkg DIR] [--quick] [--no-memory] [--kernels-only] [--memory-only] [--memory-n N]
//                    [--memory-epochs 1,10,50] [--engines a,b] [--out DIR]
//
// --pkg is a wasm-bindgen `--target web` output holding mlp_lab.js and mlp_lab_bg.wasm
// (default www/pkg, which `make bench` builds first). --relaxed-pkg DIR adds the same engine
// built with relaxed SIMD (RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd") for comparison.

import { createServer } from 'node:http';
import { readFileSync, writeFileSync, existsSync, statSync, createReadStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(name);
const pkgDir = resolve(root, opt('--pkg', 'www/pkg'));
const outDir = resolve(root, opt('--out', 'bench'));
const quick = flag('--quick');

for (const f of ['mlp_lab.js', 'mlp_lab_bg.wasm']) {
  if (!existsSync(join(pkgDir, f))) {
    console.error(`${join(pkgDir, f)} is missing: build it first (make wasm, or make bench)`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// A static server on 127.0.0.1 for the bench page, the wasm package and TensorFlow.js.

const relaxedDir = opt('--relaxed-pkg') ? resolve(root, opt('--relaxed-pkg')) : null;
const MOUNTS = [
  ['/bench/', here],
  ['/pkg/', pkgDir],
  ...(relaxedDir ? [['/pkg-relaxed/', relaxedDir]] : []),
  ['/tfjs/', join(root, 'node_modules/@tensorflow/tfjs/dist')],
  ['/tfjs-wasm/', join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
];
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

function fileFor(urlPath) {
  for (const [prefix, dir] of MOUNTS) {
    if (urlPath.startsWith(prefix)) {
      const file = resolve(dir, '.' + decodeURIComponent(urlPath.slice(prefix.length - 1)));
      if (file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile()) return file;
    }
  }
  return null;
}

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const file = fileFor(path === '/' ? '/bench/index.html' : path);
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------------------------------------
// The plan.

const kernelsOnly = flag('--kernels-only');
const plan = {
  repeats: quick ? 3 : 5,
  minRepeatMs: quick ? 200 : 400,
  engines: (opt('--engines', 'mlplab,tfjs-wasm,tfjs-cpu')).split(','),
  cases: [
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 32, n: 4096 },
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 128, n: 4096 },
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 512, n: 4096 },
    { name: 'wide', widths: [784, 1024, 1024, 10], batch: 128, n: 2048 },
    { name: 'tiny', widths: [2, 8, 8, 1], batch: 32, n: 4096 },
  ],
  kernels: quick && !kernelsOnly ? [[128, 784, 256]] : [[128, 784, 256], [32, 784, 256], [512, 784, 256], [128, 1024, 1024], [128, 256, 128]],
  memory:
    flag('--no-memory') || flag('--kernels-only')
      ? null
      : {
          n: Number(opt('--memory-n', quick ? 10000 : 60000)),
          batch: 128,
          checkpoints: opt('--memory-epochs', '1,10,50').split(',').map(Number),
        },
};

if (kernelsOnly) {
  plan.cases = [];
  plan.engines = ['mlplab'];
}
if (relaxedDir) plan.engines.splice(1, 0, 'mlplab-relaxed');
if (flag('--memory-only')) {
  plan.cases = [];
  plan.kernels = [];
  plan.engines = ['mlplab'];
}

// ---------------------------------------------------------------------------------------------
// Machine facts.

const sh = (cmd) => {
  try {
    return execSync(cmd, { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};
const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? cpus()[0]?.model;
const machine = {
  date: new Date().toISOString(),
  nproc: Number(sh('nproc')) || cpus().length,
  cpu: cpuModel,
  loadBefore: loadavg().map((x) => +x.toFixed(2)),
  node: process.version,
  git: sh(`git -C ${root} rev-parse --short HEAD`),
};

const wasmFile = join(pkgDir, 'mlp_lab_bg.wasm');
const wasmBytes = readFileSync(wasmFile);
const size = { file: wasmFile.replace(root + sep, ''), raw: wasmBytes.length, gzip: gzipSync(wasmBytes, { level: 9 }).length };

// ---------------------------------------------------------------------------------------------
// Run.

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});
machine.chromium = browser.version();
console.log(`Chromium ${machine.chromium}, ${machine.nproc} × ${machine.cpu}, load ${machine.loadBefore.join(' ')}`);
// The 1-minute load average every 5 s while the bench runs (the machine may be shared).
const loadSamples = [];
const sampler = setInterval(() => loadSamples.push(+loadavg()[0].toFixed(2)), 5000);
let results;
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(m.text()));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${base}/bench/index.html`);
  results = await page.evaluate((p) => window.runBench(p), plan);
} finally {
  await browser.close();
  server.close();
}
clearInterval(sampler);
machine.loadAfter = loadavg().map((x) => +x.toFixed(2));
machine.loadDuring = {
  samples: loadSamples,
  mean: loadSamples.length ? +(loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length).toFixed(2) : null,
  max: loadSamples.length ? Math.max(...loadSamples) : null,
};

// ---------------------------------------------------------------------------------------------
// Targets and reports.

const eps = (engine, c) => results.training.find((t) => t.engine === engine && t.case === c.name && t.batch === c.batch)?.examplesPerSecond;
const rows = plan.cases.map((c) => {
  const [m, w, cpu, rx] = ['mlplab', 'tfjs-wasm', 'tfjs-cpu', 'mlplab-relaxed'].map((e) => eps(e, c));
  return {
    case: c.name,
    widths: c.widths.join('-'),
    batch: c.batch,
    mlplab: m,
    tfjsWasm: w,
    tfjsCpu: cpu,
    vsWasm: m && w ? m / w : null,
    vsCpu: m && cpu ? m / cpu : null,
    ...(rx ? { mlplabRelaxed: rx, relaxedGain: m ? rx / m : null } : {}),
  };
});
const targets = [];
const target = (name, value, goal, met, digits = null) => targets.push({ name, value, goal, met, digits });
for (const r of rows) {
  if (r.case === 'mnist') {
    target(`MNIST batch ${r.batch} vs TF.js wasm`, r.vsWasm, '≥ 5×', r.vsWasm >= 5);
    target(`MNIST batch ${r.batch} vs TF.js cpu`, r.vsCpu, '≥ 20×', r.vsCpu >= 20);
  } else if (r.case === 'wide') {
    target('wide 784-1024-1024-10 vs TF.js wasm', r.vsWasm, '≥ 10×', r.vsWasm >= 10);
  } else if (r.case === 'tiny') {
    const best = Math.max(r.tfjsWasm ?? 0, r.tfjsCpu ?? 0);
    const ratio = r.mlplab && best ? r.mlplab / best : null;
    target('tiny 2-8-8-1 vs the faster TF.js backend', ratio, '≥ 3×', ratio >= 3);
  }
}
const k0 = results.kernels?.sizes?.[0];
if (k0) {
  results.kernels.products.forEach((p, i) =>
    target(`${p} ${k0.batch}×${k0.inputs}·${k0.units} in the worker`, k0.gflops[i], '≥ 25 GFLOP/s', k0.gflops[i] >= 25),
  );
}
const mem = results.memory?.snapshots;
if (mem) {
  const at = (e) => mem.find((s) => s.epoch === e);
  const first = at(1);
  const last = at(Math.max(...plan.memory.checkpoints));
  if (first && last) {
    target(`wasm memory growth, epoch 1 → ${last.epoch} (bytes)`, last.wasmBytes - first.wasmBytes, '0 B', last.wasmBytes === first.wasmBytes, 0);
  }
}
target('wasm size (gzip -9, bytes)', size.gzip, '≤ 300 KB', size.gzip <= 300 * 1024, 0);

const report = { machine, size, plan, results, table: rows, targets };
writeFileSync(join(outDir, 'results.json'), JSON.stringify(report, null, 2) + '\n');

const fmt = (x, d = 0) => (x == null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const md = [];
md.push('# MLP Lab benchmark results', '');
md.push(`Generated by \`node bench/run.mjs\` (\`make bench\`) on ${machine.date}.`, '');
md.push('| machine | |', '|---|---|');
md.push(`| CPU | ${machine.nproc} × ${machine.cpu} |`);
md.push(`| browser | headless Chromium ${machine.chromium}, one Web Worker per measurement |`);
md.push(`| load average (1/5/15 min) | before ${machine.loadBefore.join(' / ')}, after ${machine.loadAfter.join(' / ')}; 1-min during the run: mean ${machine.loadDuring.mean}, max ${machine.loadDuring.max} (${machine.nproc} CPUs) |`);
md.push(`| MLP Lab | ${results.info.mlplab.version}, ${results.info.mlplab.gemm}, commit ${machine.git}; browser runs relaxed SIMD: ${results.info.relaxedSimdSupported} |`);
md.push(`| command | \`node bench/run.mjs ${args.join(' ')}\` |`);
md.push(`| TensorFlow.js | ${results.info.tfjs.version}, wasm backend SIMD ${results.info.tfjs.wasmSimd}, threads ${results.info.tfjs.wasmThreads} |`);
md.push(`| repeats | median of ${plan.repeats} timed repeats of ≥ ${plan.minRepeatMs} ms after an untimed warm-up |`);
md.push('');
md.push('## Training throughput (examples/s)', '');
md.push(
  'Adam (lr 0.001), hidden ReLU, softmax + cross-entropy (sigmoid + binary cross-entropy for one output). ' +
    'MLP Lab trains through its page API (`Trainer.step`: shuffling, batch gathering, forward, backward, Adam, epoch ' +
    'bookkeeping) on synthetic MNIST-like images (spirals for the tiny case); TensorFlow.js gets pre-built batch tensors ' +
    'and `optimizer.minimize` on the fused softmax/sigmoid cross-entropy of the logits. Each engine runs in its own worker; ' +
    'the engines\' timed repeats interleave (round r runs every engine once), and the ratios are of medians. ' +
    'Every repeat is in results.json.',
  '',
);
md.push('| case | batch | MLP Lab | TF.js wasm | TF.js cpu | × TF.js wasm | × TF.js cpu |', '|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  md.push(`| ${r.case} ${r.widths} | ${r.batch} | ${fmt(r.mlplab)} | ${fmt(r.tfjsWasm)} | ${fmt(r.tfjsCpu)} | ${fmt(r.vsWasm, 1)} | ${fmt(r.vsCpu, 1)} |`);
}
md.push('');
if (relaxedDir) {
  md.push('### With relaxed SIMD (`f32x4.relaxed_madd`, a separate build)', '');
  md.push('| case | batch | MLP Lab simd128 | MLP Lab + relaxed-simd | gain |', '|---|---:|---:|---:|---:|');
  for (const r of rows) md.push(`| ${r.case} ${r.widths} | ${r.batch} | ${fmt(r.mlplab)} | ${fmt(r.mlplabRelaxed)} | ${fmt(r.relaxedGain, 2)}× |`);
  md.push('');
}
if (results.kernels) {
  md.push('## Matrix products in the worker (GFLOP/s)', '');
  md.push(`A dense layer's three products, batch × inputs → units: ${results.kernels.products.join(', ')}.`, '');
  md.push('| batch × inputs → units | engine | ' + results.kernels.products.join(' | ') + ' |', '|---|---|---:|---:|---:|');
  for (const s of results.kernels.sizes) {
    md.push(`| ${s.batch} × ${s.inputs} → ${s.units} | MLP Lab | ${s.gflops.map((g) => fmt(g, 1)).join(' | ')} |`);
    const rx = results.kernelsRelaxed?.sizes.find((x) => x.batch === s.batch && x.inputs === s.inputs && x.units === s.units);
    if (rx) md.push(`| ${s.batch} × ${s.inputs} → ${s.units} | MLP Lab + relaxed-simd | ${rx.gflops.map((g) => fmt(g, 1)).join(' | ')} |`);
    const t = results.kernelsTfjs?.sizes.find((x) => x.batch === s.batch && x.inputs === s.inputs && x.units === s.units);
    if (t) md.push(`| ${s.batch} × ${s.inputs} → ${s.units} | TF.js wasm tf.matMul | ${t.gflops.map((g) => fmt(g, 1)).join(' | ')} |`);
  }
  md.push('');
}
if (mem) {
  md.push(`## Memory over an MNIST-sized run (${results.memory.n} × 784, batch ${results.memory.batch}, MLP Lab)`, '');
  md.push(`Run on the ${results.memory.thread} (performance.memory, the JS heap figure, exists only there), after a forced GC at each checkpoint. Epoch 0 is after loading the data and building the trainer.`, '');
  md.push('| after epoch | wasm linear memory (B) | JS heap used (B) | seconds |', '|---:|---:|---:|---:|');
  for (const s of mem) md.push(`| ${s.epoch} | ${fmt(s.wasmBytes)} | ${fmt(s.jsHeapUsed)} | ${fmt(s.seconds, 1)} |`);
  md.push('');
}
md.push('## Size', '', `\`${size.file}\`: ${fmt(size.raw)} B raw, ${fmt(size.gzip)} B gzip -9.`, '');
md.push('## Targets', '', '| target | measured | goal | met |', '|---|---:|---|---|');
for (const t of targets) {
  const value = typeof t.value === 'number' ? fmt(t.value, t.digits ?? (t.value < 100 ? 1 : 0)) : '—';
  md.push(`| ${t.name} | ${value} | ${t.goal} | ${t.met ? 'yes' : '**no**'} |`);
}
md.push('');
writeFileSync(join(outDir, 'RESULTS.md'), md.join('\n'));
console.log(md.join('\n'));
