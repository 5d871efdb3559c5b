// The bench page: runs each job of a plan in a fresh Web Worker, one at a time, so engines never
// share a thread or a heap and nothing runs concurrently with a measurement. `window.runBench`
// is what bench/run.mjs calls; it resolves to the results object that run.mjs writes out.

const logEl = document.getElementById('log');
export function log(line) {
  logEl.textContent += line + '\n';
  console.log(line);
}

/** Runs one job in a new worker and resolves to its result. */
function inWorker(script, job, classic = false) {
  return new Promise((resolve, reject) => {
    const w = new Worker(script, classic ? {} : { type: 'module' });
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'log') {
        log(`  ${m.line}`);
      } else if (m.type === 'result') {
        w.terminate();
        resolve(m.result);
      } else if (m.type === 'error') {
        w.terminate();
        reject(new Error(m.message));
      }
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(`worker ${script}: ${e.message}`));
    };
    w.postMessage(job);
  });
}

const WORKERS = {
  mlplab: ['worker-mlplab.js', false],
  'tfjs-wasm': ['worker-tfjs.js', true],
  'tfjs-cpu': ['worker-tfjs.js', true],
};

function run(engine, job) {
  const [script, classic] = WORKERS[engine];
  return inWorker(script, { ...job, engine }, classic);
}

/** The default plan; run.mjs passes its own (the same unless told otherwise). */
export const DEFAULT_PLAN = {
  repeats: 5,
  minRepeatMs: 400,
  engines: ['mlplab', 'tfjs-wasm', 'tfjs-cpu'],
  cases: [
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 32, n: 4096 },
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 128, n: 4096 },
    { name: 'mnist', widths: [784, 256, 128, 10], batch: 512, n: 4096 },
    { name: 'wide', widths: [784, 1024, 1024, 10], batch: 128, n: 2048 },
    { name: 'tiny', widths: [2, 8, 8, 1], batch: 32, n: 4096 },
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
  results.info = {
    mlplab: await run('mlplab', { type: 'info' }),
    tfjs: await run('tfjs-wasm', { type: 'info' }),
  };
  log(JSON.stringify(results.info));
  if (plan.kernels?.length) {
    log('kernels: GFLOP/s of a dense layer\'s three products in the worker');
    results.kernels = await run('mlplab', { type: 'kernels', sizes: plan.kernels, repeats: Math.max(plan.repeats, 7) });
    if (plan.engines.includes('tfjs-wasm')) {
      results.kernelsTfjs = await run('tfjs-wasm', { type: 'kernels', sizes: plan.kernels.slice(0, 1), repeats: Math.max(plan.repeats, 7) });
    }
  }
  results.training = [];
  for (const c of plan.cases) {
    for (const engine of plan.engines) {
      if (c.skip?.includes(engine)) continue;
      log(`train ${engine} ${c.name} ${c.widths.join('-')} batch ${c.batch}`);
      try {
        const r = await run(engine, { type: 'train', case: c, repeats: plan.repeats, minRepeatMs: plan.minRepeatMs });
        results.training.push({ engine, case: c.name, widths: c.widths, batch: c.batch, ...r });
        log(`  ${engine}: ${Math.round(r.examplesPerSecond)} examples/s`);
      } catch (e) {
        results.training.push({ engine, case: c.name, widths: c.widths, batch: c.batch, error: String(e.message ?? e) });
        log(`  ${engine}: FAILED ${e.message ?? e}`);
      }
    }
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
