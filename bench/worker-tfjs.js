// Bench worker for TensorFlow.js (a classic worker: the UMD bundles are loaded with
// importScripts). The job's `engine` picks the backend: `tfjs-wasm` (XNNPACK, SIMD, one thread:
// the flag below turns threads off even where the page would allow them), `tfjs-wasm-threads`
// (the threaded SIMD build with `job.threads` threads; it exists only where the page is
// cross-origin isolated, so SharedArrayBuffer is there) or `tfjs-cpu`.
//
// TensorFlow.js gets the fastest honest training step we know for it: variables of a
// tf.sequential model, `optimizer.minimize` on the fused softmax (or sigmoid) cross-entropy of
// the logits, and batches built once as tensors before timing (no shuffling, no gathering).

importScripts('/tfjs/tf.min.js', '/tfjs-wasm/tf-backend-wasm.min.js', 'common.js');

const log = (line) => self.postMessage({ type: 'log', line });

async function setup({ engine, threads }) {
  if (engine === 'tfjs-wasm' || engine === 'tfjs-wasm-threads') {
    if (engine === 'tfjs-wasm') {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    } else {
      if (!self.crossOriginIsolated) throw new Error('not cross-origin isolated (the page needs COOP same-origin and COEP require-corp): TF.js wasm cannot use threads here');
      if (!(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) throw new Error('this browser has no WebAssembly threads');
      allowThreads(threads);
      tf.wasm.setThreadsCount(threads);
    }
    tf.wasm.setWasmPaths('/tfjs-wasm/');
    await tf.setBackend('wasm');
  } else {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  const want = engine === 'tfjs-cpu' ? 'cpu' : 'wasm';
  if (tf.getBackend() !== want) throw new Error(`backend ${tf.getBackend()} instead of ${want}`);
  if (engine === 'tfjs-wasm-threads' && tf.wasm.getThreadsCount() !== threads) {
    throw new Error(`TF.js wasm runs ${tf.wasm.getThreadsCount()} threads, not the ${threads} asked for`);
  }
}

/**
 * TF.js's wasm backend caps its thread pool at navigator.hardwareConcurrency / 2 (it assumes two
 * hyperthreads per core: tfjs-backend-wasm/src/cc/backend.cc), so on a 2-core machine it would
 * run one thread however many it is asked for. To give it `threads` threads, this worker reports
 * 2 × threads logical cores to it, before the backend's module starts; the real count is kept
 * in `logicalCores` and the threads it then runs with are read back (backendInfo).
 */
const logicalCores = navigator.hardwareConcurrency;
function allowThreads(threads) {
  Object.defineProperty(Object.getPrototypeOf(navigator), 'hardwareConcurrency', { get: () => 2 * threads, configurable: true });
}

/** What this worker's backend runs with (recorded beside every result). */
async function backendInfo() {
  const wasm = tf.getBackend() === 'wasm';
  return {
    version: tf.version.tfjs,
    backend: tf.getBackend(),
    crossOriginIsolated: self.crossOriginIsolated,
    logicalCores,
    wasmSimd: wasm ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : null,
    wasmThreads: wasm ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : null,
    threads: wasm ? tf.wasm.getThreadsCount() : 1,
  };
}

function buildModel(widths) {
  const model = tf.sequential();
  const hidden = widths.slice(1, -1);
  hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'heUniform', ...(i === 0 ? { inputShape: [widths[0]] } : {}) })),
  );
  // Logits: the loss below applies softmax (sigmoid) itself, fused.
  model.add(tf.layers.dense({ units: widths.at(-1), ...(hidden.length === 0 ? { inputShape: [widths[0]] } : {}) }));
  return model;
}

/** Up to 16 distinct batches as tensors: [{x, y}]. */
function batchesFor(widths, batch, n) {
  const count = Math.max(1, Math.min(16, Math.floor(n / batch)));
  const out = [];
  const d = widths[0];
  const k = widths.at(-1);
  if (d === 784) {
    const { pixels, labels } = self.mnistLike(count * batch);
    for (let b = 0; b < count; b++) {
      const x = new Float32Array(batch * d);
      for (let i = 0; i < batch * d; i++) x[i] = pixels[b * batch * d + i] / 255;
      const y = new Float32Array(batch * k);
      for (let i = 0; i < batch; i++) y[i * k + labels[b * batch + i]] = 1;
      out.push({ x: tf.tensor2d(x, [batch, d]), y: tf.tensor2d(y, [batch, k]) });
    }
  } else if (d === 2) {
    const { points, labels } = self.spirals(count * batch);
    for (let b = 0; b < count; b++) {
      const x = points.slice(b * batch * 2, (b + 1) * batch * 2);
      const y = Float32Array.from(labels.slice(b * batch, (b + 1) * batch));
      out.push({ x: tf.tensor2d(x, [batch, 2]), y: tf.tensor2d(y, [batch, 1]) });
    }
  } else {
    throw new Error(`no bench data for ${d} inputs`);
  }
  return out;
}

/** The training session of this worker (see bench/mlplab.js for the setup/repeat/finish steps). */
let session = null;

async function trainSetup({ case: c, minRepeatMs, warmupMs }) {
  const model = buildModel(c.widths);
  const batches = batchesFor(c.widths, c.batch, c.n);
  const optimizer = tf.train.adam(0.001);
  const lossOf = c.widths.at(-1) === 1 ? tf.losses.sigmoidCrossEntropy : tf.losses.softmaxCrossEntropy;
  const s = { model, batches, optimizer, next: 0, last: null };
  s.run = (k) => {
    for (let i = 0; i < k; i++) {
      const { x, y } = batches[s.next];
      s.next = (s.next + 1) % batches.length;
      const cost = optimizer.minimize(() => lossOf(y, model.apply(x)), true);
      if (s.last) s.last.dispose();
      s.last = cost;
    }
  };
  s.sync = async () => {
    if (s.last) await s.last.data();
  };
  s.units = await self.calibrate(s.run, { minMs: minRepeatMs, warmupMs, sync: s.sync });
  // After the warm-up, which created the optimizer's state: any growth from here is a leak.
  s.tensorsBefore = tf.memory().numTensors;
  session = s;
  return { batchesPerRepeat: s.units, ...(await backendInfo()) };
}

async function trainRepeat() {
  return self.timeOnce(session.run, session.units, session.sync);
}

async function trainFinish() {
  const s = session;
  const loss = (await s.last.data())[0];
  const leaked = tf.memory().numTensors - s.tensorsBefore;
  session = null;
  return { lastBatchLoss: loss, tensorsLeaked: leaked };
}

/** tf.matMul speed of the same three products (TF.js is row-major; the shapes are the same). */
async function kernels({ sizes, repeats, minMs = 200, warmupMs }) {
  const out = [];
  for (const [batch, inputs, units] of sizes) {
    const x = tf.randomUniform([batch, inputs], -1, 1);
    const w = tf.randomUniform([units, inputs], -1, 1);
    const dz = tf.randomUniform([batch, units], -1, 1);
    const products = [() => tf.matMul(x, w, false, true), () => tf.matMul(dz, x, true, false), () => tf.matMul(dz, w)];
    const flops = 2 * batch * inputs * units;
    const row = { batch, inputs, units, gflops: [] };
    for (const f of products) {
      let last = null;
      const run = (k) => {
        for (let i = 0; i < k; i++) {
          const r = f();
          if (last) last.dispose();
          last = r;
        }
      };
      const m = await self.measure(run, { repeats, minMs, warmupMs, sync: async () => last && (await last.data()) });
      last.dispose();
      row.gflops.push(flops / (m.medianMsPerUnit / 1000) / 1e9);
    }
    log(`tfjs ${batch}×${inputs}·${units}: ${row.gflops.map((g) => g.toFixed(1)).join(' / ')} GFLOP/s`);
    out.push(row);
  }
  return { sizes: out };
}

let backendReady = null;

self.onmessage = async (e) => {
  const job = e.data;
  try {
    backendReady ??= setup(job);
    await backendReady;
    let result;
    if (job.type === 'info') {
      result = await backendInfo();
    } else if (job.type === 'train-setup') {
      result = await trainSetup(job);
    } else if (job.type === 'train-repeat') {
      result = await trainRepeat(job);
    } else if (job.type === 'train-finish') {
      result = await trainFinish(job);
    } else if (job.type === 'kernels') {
      result = await kernels(job);
    } else {
      throw new Error(`unknown job ${job.type}`);
    }
    self.postMessage({ type: 'result', result });
  } catch (err) {
    self.postMessage({ type: 'error', message: `${err?.message ?? err}${err?.stack ? '\n' + err.stack : ''}` });
  }
};
