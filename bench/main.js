// The bench page: every engine runs in a Web Worker of its own, so engines never share a thread
// or a heap, and only one measurement runs at any time. `window.runBench` is what bench/run.mjs
// calls; it resolves to the results object that run.mjs writes out.

import './common.js';

const logEl = document.getElementById('log');
export function log(line) {
  logEl.textContent += line + '\n';
  console.log(line);
}

const WORKERS = {
  mlplab: ['worker-mlplab.js', false],
  // GemmBench is not in the trainer (www/pkg/) but in the shards build, the same kernels.
  'mlplab-kernels': ['worker-mlplab.js?pkg=/pkg-shards/', false],
  // The same engine built with relaxed SIMD (run.mjs --relaxed-pkg), for comparison.
  'mlplab-relaxed': ['worker-mlplab.js?pkg=/pkg-relaxed/', false],
  'tfjs-wasm': ['worker-tfjs.js', true],
  'tfjs-wasm-threads': ['worker-tfjs.js', true],
  'tfjs-cpu': ['worker-tfjs.js', true],
};

/**
 * The engines of one case: plan.engines, with MLP Lab once per entry of the case's `workers`
 * column (page workers training one run; default [1]). An engine id is `name` or, for more
 * than one worker, `name:workers` (`mlplab:2`).
 */
export function caseEngines(plan, c) {
  const workers = c.workers ?? [1];
  return plan.engines.flatMap((e) => (e === 'mlplab' ? workers.map((w) => (w === 1 ? e : `${e}:${w}`)) : [e]));
}

/** `mlplab:2` → {name: 'mlplab', workers: 2}. */
function parseEngine(id) {
  const [name, w] = id.split(':');
  return { name, workers: w ? Number(w) : 1 };
}

/** A bench worker of one engine, answering one job at a time. */
class EngineWorker {
  constructor(engine) {
    const [script, classic] = WORKERS[parseEngine(engine).name];
    this.engine = engine;
    this.worker = new Worker(script, classic ? {} : { type: 'module' });
    this.pending = null;
    this.worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'log') {
        log(`  ${m.line}`);
      } else if (m.type === 'result' || m.type === 'error') {
        const p = this.pending;
        this.pending = null;
        if (m.type === 'result') p?.resolve(m.result);
        else p?.reject(new Error(m.message));
      }
    };
    this.worker.onerror = (e) => {
      const p = this.pending;
      this.pending = null;
      p?.reject(new Error(`worker ${script}: ${e.message}`));
    };
  }

  call(job) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ ...job, engine: parseEngine(this.engine).name, workers: parseEngine(this.engine).workers });
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

/** One job in a fresh worker. */
async function run(engine, job) {
  const w = new EngineWorker(engine);
  try {
    return await w.call(job);
  } finally {
    w.terminate();
  }
}

/**
 * A training case on every engine, each in its own worker: all set up and warm up first (one at
 * a time), then the timed repeats interleave, round r running every engine's repeat r in a
 * rotating order, so slow drifts in machine load hit every engine alike.
 */
async function trainCase(c, plan) {
  const { repeats, minRepeatMs, warmupMs, tfjsThreads } = plan;
  const workers = [];
  const out = {};
  try {
    for (const engine of caseEngines(plan, c)) {
      if (c.skip?.includes(engine)) continue;
      const w = new EngineWorker(engine);
      workers.push(w);
      try {
        out[engine] = { setup: await w.call({ type: 'train-setup', case: c, minRepeatMs, warmupMs, threads: tfjsThreads }), msPerBatch: [] };
      } catch (e) {
        out[engine] = { error: String(e.message ?? e) };
        log(`  ${engine}: FAILED ${String(e.message ?? e).split('\n')[0]}`);
      }
    }
    const live = workers.filter((w) => !out[w.engine].error);
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < live.length; i++) {
        const w = live[(i + r) % live.length];
        out[w.engine].msPerBatch.push(await w.call({ type: 'train-repeat' }));
      }
    }
    for (const w of live) out[w.engine].finish = await w.call({ type: 'train-finish' });
  } finally {
    workers.forEach((w) => w.terminate());
  }
  return Object.entries(out).map(([id, o]) => {
    const { name: engine, workers: nWorkers } = parseEngine(id);
    const row = { engine, workers: nWorkers, case: c.name, widths: c.widths, batch: c.batch };
    if (o.error) return { ...row, error: o.error };
    const each = o.msPerBatch.map((ms) => c.batch / (ms / 1000));
    const eps = self.median(each);
    log(`  ${id}: ${Math.round(eps)} examples/s (${each.map((x) => Math.round(x)).join(', ')})`);
    return { ...row, examplesPerSecond: eps, examplesPerSecondEach: each, ...o.setup, ...o.finish };
  });
}

/** The default plan; run.mjs passes its own (the same unless told otherwise). */
export const DEFAULT_PLAN = {
  repeats: 5,
  minRepeatMs: 400,
  warmupMs: 300,
  engines: ['mlplab', 'tfjs-wasm', 'tfjs-wasm-threads', 'tfjs-cpu'],
  tfjsThreads: navigator.hardwareConcurrency,
  cases: [
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 32, n: 4096, workers: [1, 2] },
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 128, n: 4096, workers: [1, 2] },
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 512, n: 4096, workers: [1, 2] },
    { name: 'wide', widths: [784, 1024, 1024, 10], batch: 128, n: 2048, workers: [1, 2] },
    { name: 'tiny', widths: [2, 8, 8, 1], batch: 32, n: 4096, workers: [1, 2] },
  ],
  kernels: [
    [128, 784, 256],
    [32, 784, 256],
    [512, 784, 256],
    [128, 1024, 1024],
    [128, 256, 128],
  ],
  memory: { n: 60000, batch: 128, checkpoints: [1, 10, 50] },
};

async function runBench(plan = DEFAULT_PLAN) {
  const t0 = performance.now();
  const results = { plan, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
  log('engine info');
  const info = async (engine) => {
    try {
      return await run(engine, { type: 'info', threads: plan.tfjsThreads });
    } catch (e) {
      return { error: String(e.message ?? e) };
    }
  };
  results.info = {
    crossOriginIsolated: self.crossOriginIsolated,
    relaxedSimdSupported: self.hasRelaxedSimd(),
    mlplab: await run('mlplab', { type: 'info' }),
    ...(plan.engines.includes('mlplab-relaxed') ? { mlplabRelaxed: await run('mlplab-relaxed', { type: 'info' }) } : {}),
    tfjs: await info('tfjs-wasm'),
    ...(plan.engines.includes('tfjs-wasm-threads') ? { tfjsThreads: await info('tfjs-wasm-threads') } : {}),
  };
  log(JSON.stringify(results.info));
  if (plan.kernels?.length) {
    log('kernels: GFLOP/s of a dense layer\'s three products in the worker');
    const job = { type: 'kernels', repeats: plan.kernelRepeats ?? Math.max(plan.repeats, 7), minMs: plan.kernelMinMs, warmupMs: plan.warmupMs };
    results.kernels = await run('mlplab-kernels', { ...job, sizes: plan.kernels });
    if (plan.engines.includes('mlplab-relaxed')) {
      log('kernels with relaxed SIMD');
      results.kernelsRelaxed = await run('mlplab-relaxed', { ...job, sizes: plan.kernels });
    }
    if (plan.engines.includes('tfjs-wasm')) {
      results.kernelsTfjs = await run('tfjs-wasm', { ...job, sizes: plan.kernels.slice(0, 1) });
    }
  }
  results.training = [];
  for (const c of plan.cases) {
    log(`train ${c.name} ${c.widths.join('-')} batch ${c.batch}: ${caseEngines(plan, c).join(', ')}`);
    results.training.push(...(await trainCase(c, plan)));
  }
  if (plan.memory) {
    // On this page's main thread: performance.memory (the JS heap) exists only there, not in
    // workers. The engine and the calls are the same as in the worker.
    log(`memory: MLP Lab on the page's main thread, ${plan.memory.n} examples × 784, batch ${plan.memory.batch}`);
    const lib = await import('./mlplab.js');
    lib.setLog((line) => log(`  ${line}`));
    const exports = await lib.load();
    results.memory = { thread: 'page main thread', ...(await lib.memory(plan.memory, exports)) };
  }
  results.seconds = (performance.now() - t0) / 1000;
  log(`done in ${results.seconds.toFixed(0)} s`);
  return results;
}

window.runBench = runBench;
document.getElementById('start').onclick = () => runBench().then((r) => log(JSON.stringify(r, null, 1)));
