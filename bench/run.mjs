#!/usr/bin/env node
// Drives bench/index.html in headless Chromium (Playwright) and writes results.json and
// RESULTS.md (default into bench/): training examples/s of MLP Lab (wasm), TensorFlow.js wasm
// (one thread, and threaded), and TensorFlow.js cpu on the same networks, kernel GFLOP/s in the
// worker, memory over an MNIST-sized run and the wasm size.
//
//   node bench/run.mjs [--pkg DIR] [--shards-pkg DIR] [--relaxed-pkg DIR] [--quick] [--no-memory] [--kernels-only] [--memory-only]
//                    [--memory-n N] [--memory-epochs 1,10,50] [--engines a,b] [--cases mnist:128,tiny:32]
//                    [--tfjs-threads N] [--no-isolation] [--repeats N] [--rows N] [--out DIR]
//
// --pkg is a wasm-bindgen `--target web` output holding mlp_lab.js and mlp_lab_bg.wasm
// (default www/pkg, which `make bench` builds first); --shards-pkg the same with the shard API
// (default www/pkg-shards) for MLP Lab's runs on several page workers (`mlplab:2`).
// --relaxed-pkg DIR adds the same engine built with relaxed SIMD
// (RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd") for comparison.
// --repeats N: timed repeats per engine and case (default 5; the median is reported) — more on
// a busy machine.
// --quick is the check `make test` runs (bench/check.mjs): every case, engine, kernel and memory
// checkpoint once, briefly — all the figures, none of them worth reading.
//
// The page is served cross-origin isolated (COOP same-origin, COEP require-corp), which TF.js
// needs for its threaded wasm build (engine `tfjs-wasm-threads`); `tfjs-wasm` turns threads off
// itself. --no-isolation serves it without those headers (the threaded rows then say why not).

import { createServer } from 'node:http';
import { readFileSync, writeFileSync, existsSync, statSync, createReadStream, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildReport, markdown } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(name);
const pkgDir = resolve(root, opt('--pkg', 'www/pkg'));
// The trainer with the shard-by-shard API, for MLP Lab's runs on several page workers.
const shardsPkgDir = resolve(root, opt('--shards-pkg', 'www/pkg-shards'));
const outDir = resolve(root, opt('--out', 'bench'));
const quick = flag('--quick');
const isolated = !flag('--no-isolation');
mkdirSync(outDir, { recursive: true });

for (const dir of [pkgDir, shardsPkgDir]) {
  for (const f of ['mlp_lab.js', 'mlp_lab_bg.wasm']) {
    if (!existsSync(join(dir, f))) {
      console.error(`${join(dir, f)} is missing: build it first (make wasm, or make bench)`);
      process.exit(2);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A static server on 127.0.0.1 for the bench page, the wasm package and TensorFlow.js.

const relaxedDir = opt('--relaxed-pkg') ? resolve(root, opt('--relaxed-pkg')) : null;
const MOUNTS = [
  ['/bench/', here],
  ['/pkg/', pkgDir],
  ['/pkg-shards/', shardsPkgDir],
  // the page's multi-worker run (www/worker-shards.js, its helper and the data loader)
  ['/www/', join(root, 'www')],
  ...(relaxedDir ? [['/pkg-relaxed/', relaxedDir]] : []),
  ['/tfjs/', join(root, 'node_modules/@tensorflow/tfjs/dist')],
  ['/tfjs-wasm/', join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
];
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };
// Cross-origin isolation: the page and its workers get SharedArrayBuffer (TF.js's threads).
const ISOLATION = isolated
  ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' }
  : {};

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
    res.writeHead(404, { 'Content-Type': 'text/plain', ...ISOLATION });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', ...ISOLATION });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------------------------------------
// The plan. Each case's `workers` lists the page-worker counts MLP Lab trains it with.

const CASES = [
  { name: 'mnist', widths: [784, 256, 128, 10], batch: 32, n: 4096, workers: [1, 2] },
  { name: 'mnist', widths: [784, 256, 128, 10], batch: 128, n: 4096, workers: [1, 2] },
  { name: 'mnist', widths: [784, 256, 128, 10], batch: 512, n: 4096, workers: [1, 2] },
  { name: 'wide', widths: [784, 1024, 1024, 10], batch: 128, n: 2048, workers: [1, 2] },
  { name: 'tiny', widths: [2, 8, 8, 1], batch: 32, n: 4096, workers: [1, 2] },
];
const KERNELS = [[128, 784, 256], [32, 784, 256], [512, 784, 256], [128, 1024, 1024], [128, 256, 128]];
const kernelsOnly = flag('--kernels-only');
const plan = {
  quick,
  repeats: Number(opt('--repeats', quick ? 1 : 5)),
  minRepeatMs: quick ? 20 : 400,
  warmupMs: quick ? 20 : 300,
  kernelRepeats: quick ? 1 : 7,
  kernelMinMs: quick ? 10 : 200,
  engines: opt('--engines', 'mlplab,tfjs-wasm,tfjs-wasm-threads,tfjs-cpu').split(','),
  tfjsThreads: Number(opt('--tfjs-threads', cpus().length)),
  cases: CASES,
  kernels: KERNELS,
  memory:
    flag('--no-memory') || kernelsOnly
      ? null
      : {
          n: Number(opt('--memory-n', quick ? 2000 : 60000)),
          batch: 128,
          checkpoints: opt('--memory-epochs', quick ? '1,2,3' : '1,10,50').split(',').map(Number),
        },
};

// --rows N: every case trains on N synthetic rows (an experiment on how much epoch-end work
// weighs; the committed figures use each case's own n).
if (opt('--rows')) plan.cases = plan.cases.map((c) => ({ ...c, n: Number(opt('--rows')) }));
if (opt('--cases')) {
  const want = opt('--cases').split(',');
  plan.cases = plan.cases.filter((c) => want.includes(`${c.name}:${c.batch}`));
  if (plan.cases.length !== want.length) throw new Error(`--cases: expected names from ${CASES.map((c) => `${c.name}:${c.batch}`).join(', ')}; found ${want.join(', ')}`);
}
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
// Reports.

const report = buildReport({ machine, size, plan, results, args });
writeFileSync(join(outDir, 'results.json'), JSON.stringify(report, null, 2) + '\n');
const md = markdown(report);
writeFileSync(join(outDir, 'RESULTS.md'), md);
console.log(md);
