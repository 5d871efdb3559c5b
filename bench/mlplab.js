// MLP Lab bench jobs: training through the same wasm API as the page's worker
// (DataSet.from_idx / from_csv, new Trainer(config, data), trainer.step(n)), so what is timed is
// what the page runs: shuffling, batch gathering, forward, backward, Adam, epoch bookkeeping.
// Also the wasm matrix product alone (GemmBench) and memory over a long run. Run in a worker by
// worker-mlplab.js; the memory job also runs on the page's main thread (see main.js).

import './common.js';

/** The wasm-bindgen module (set by `load`). */
export let wasm = null;
/** The package with the shard-by-shard trainer (www/pkg-shards/) for runs on several workers. */
let shardsPkg = '/pkg-shards/mlp_lab.js';

let log = (line) => console.log(line);
/** Where progress lines go (the worker posts them to the page). */
export function setLog(f) {
  log = f;
}

/**
 * Imports and instantiates the package at `pkg` (a URL path ending in `/`; the `--target web`
 * output of wasm-bindgen) once; resolves to the wasm exports (with `memory`).
 */
let ready = null;
export function load(pkg = '/pkg/', shards = '/pkg-shards/') {
  shardsPkg = `${shards}mlp_lab.js`;
  ready ??= import(`${pkg}mlp_lab.js`).then(async (m) => {
    wasm = m;
    return m.default();
  });
  return ready;
}

/** IDX files (big-endian header) for n images of 28×28 and their labels. */
function idxFiles({ pixels, labels }) {
  const n = labels.length;
  const images = new Uint8Array(16 + pixels.length);
  const dv = new DataView(images.buffer);
  dv.setUint32(0, 0x00000803);
  dv.setUint32(4, n);
  dv.setUint32(8, 28);
  dv.setUint32(12, 28);
  images.set(pixels, 16);
  const lab = new Uint8Array(8 + n);
  const dl = new DataView(lab.buffer);
  dl.setUint32(0, 0x00000801);
  dl.setUint32(4, n);
  lab.set(labels, 8);
  return [images, lab];
}

/** The data source of a case (a 'load-data' source, www/protocol.js): MNIST-like images for 784 inputs, spirals for 2. */
function sourceFor(widths, n) {
  if (widths[0] === 784) {
    const [images, labels] = idxFiles(self.mnistLike(n));
    return { kind: 'idx', name: 'bench-mnist', images, labels };
  }
  if (widths[0] === 2) {
    const { points, labels } = self.spirals(n);
    let csv = 'x,y,label\n';
    for (let i = 0; i < n; i++) csv += `${points[2 * i]},${points[2 * i + 1]},${labels[i]}\n`;
    return { kind: 'csv', name: 'bench-spirals', text: csv, target: 'label', task: 'binary' };
  }
  throw new Error(`no bench data for ${widths[0]} inputs`);
}

/** The data set of a case, in the package `pkg` (default: the trainer's). */
async function dataFor(widths, n, pkg = wasm) {
  const { loadSource } = await import('/www/worker-data.js');
  return loadSource(pkg, sourceFor(widths, n));
}

/**
 * Enough epochs that no timed run reaches the end (a repeat that did would time fewer batches
 * than it counts: trainRepeat refuses that), and within the engine's limit (config.rs
 * MAX_EPOCHS, 100,000; a config over it is refused, which is how the bench once broke).
 */
const BENCH_EPOCHS = 10_000;

/** Hidden ReLU layers, softmax + cross-entropy (or sigmoid + BCE for one output), Adam. */
function configFor(widths, batch, epochs = BENCH_EPOCHS) {
  const out = widths[widths.length - 1];
  const layers = widths.slice(1, -1).map((units) => ({ units, activation: 'relu', init: 'he_uniform' }));
  layers.push({ units: out, activation: out === 1 ? 'sigmoid' : 'softmax' });
  return {
    seed: 1,
    layers,
    loss: out === 1 ? 'binary_cross_entropy' : 'cross_entropy',
    optimizer: { name: 'adam', lr: 0.001 },
    batch_size: batch,
    epochs,
    shuffle: true,
    validation_split: 0,
    test_split: 0,
    standardize: false,
  };
}

/**
 * Training is timed in three steps so the page can interleave the engines' repeats (each
 * engine's repeat r runs between the others' repeats r, under the same machine load):
 * `trainSetup` builds the data and trainer, warms up and picks the batches per repeat;
 * `trainRepeat` times one repeat (milliseconds per batch); `trainFinish` frees everything.
 */
let session = null;

export async function trainSetup({ case: c, minRepeatMs, warmupMs, workers = 1 }) {
  session = workers === 1 ? await oneWorker(c) : await severalWorkers(c, workers);
  const units = await self.calibrate(session.run, { minMs: minRepeatMs, warmupMs, sync: () => session.pending });
  session.units = units;
  return {
    batchesPerRepeat: units, workers, workersUsed: session.team?.count ?? 1, exchange: session.team?.exchange ?? null,
    crossOriginIsolated: self.crossOriginIsolated,
  };
}

/** `run(k)`: k batches of the bench run (refusing to reach its end). */
function runner(step) {
  return (k) => {
    const p = step(k);
    if (p.done) throw new Error(`the bench run reached its last epoch (${BENCH_EPOCHS}): a repeat would time fewer batches than it counts`);
  };
}

async function oneWorker(c) {
  const data = await dataFor(c.widths, c.n);
  const trainer = new wasm.Trainer(configFor(c.widths, c.batch), data);
  return { data, trainer, run: runner((k) => trainer.step(k)), pending: null };
}

/**
 * The page's run across `workers` page workers (www/worker-shards.js): the trainer of
 * www/pkg-shards/ and helper workers with replicas, as the page's worker builds them — or one
 * worker where the page would use one (www/worker-shards.js `workersFor`).
 */
async function severalWorkers(c, workers) {
  const pkgUrl = new URL(shardsPkg, self.location.href);
  const shards = await import(pkgUrl);
  const { memory } = await shards.default();
  const { ShardTeam, workersFor } = await import('/www/worker-shards.js');
  const config = configFor(c.widths, c.batch);
  const data = await dataFor(c.widths, c.n, shards);
  const trainer = new shards.Trainer(config, data);
  const count = workersFor(trainer, workers);
  if (count === 1) return { data, trainer, run: runner((k) => trainer.step(k)), pending: null };
  const team = await ShardTeam.create({ trainer, memory, count, pkgUrl, setup: { source: sourceFor(c.widths, c.n), config } });
  const s = { data, trainer, team, pending: null };
  s.run = (k) => {
    s.pending = team.step(k).then(() => {
      if (trainer.done) throw new Error('the bench run reached its last epoch');
    });
  };
  return s;
}

export async function trainRepeat() {
  return self.timeOnce(session.run, session.units, () => session.pending);
}

export async function trainFinish() {
  const { data, trainer, team } = session;
  const loss = trainer.history().epochs.at(-1)?.train_loss ?? null;
  const phases = team?.phases() ?? null;
  team?.close();
  trainer.free();
  data.free();
  session = null;
  // with several workers sharing memory: each worker's milliseconds per batch in each phase
  // (www/shard-parts.js: compute its shards, copyOut to the shared slots, wait at the barriers,
  // copyIn the others' over its part, apply: fold and optimiser step, swap: weights and norm
  // blocks, finish: the batch's bookkeeping) — [run's worker, helper 1, …]
  return { lastEpochLoss: loss, ...(phases ? { msPerBatchPhases: phases } : {}) };
}

export async function kernels({ sizes, repeats, minMs = 200, warmupMs }) {
  const out = [];
  for (const [batch, inputs, units] of sizes) {
    const g = new wasm.GemmBench(batch, inputs, units);
    const row = { batch, inputs, units, gflops: [] };
    for (let which = 0; which < 3; which++) {
      const m = await self.measure((k) => g.run(which, k), { repeats, minMs, warmupMs });
      row.gflops.push(g.flops() / (m.medianMsPerUnit / 1000) / 1e9);
    }
    log(`${batch}×${inputs}·${units}: ${row.gflops.map((x) => x.toFixed(1)).join(' / ')} GFLOP/s`);
    g.free();
    out.push(row);
  }
  return { products: ['forward X·Wᵀ', 'weight gradient dZᵀ·X', 'input gradient dZ·W'], sizes: out };
}

/** Wasm linear memory and JS heap after the given epochs of an MNIST-sized run. */
export async function memory({ n, batch, checkpoints }, exports) {
  const snap = (epoch, seconds) => {
    // A full collection first (Chromium runs with --js-flags=--expose-gc), so the heap figure
    // is what is live, not garbage waiting for the collector.
    globalThis.gc?.();
    return {
      epoch,
      seconds,
      wasmBytes: exports.memory.buffer.byteLength,
      jsHeapUsed: globalThis.performance.memory?.usedJSHeapSize ?? null,
      jsHeapTotal: globalThis.performance.memory?.totalJSHeapSize ?? null,
    };
  };
  const data = await dataFor([784, 256, 128, 10], n);
  const trainer = new wasm.Trainer(configFor([784, 256, 128, 10], batch, Math.max(...checkpoints)), data);
  const perEpoch = trainer.sizes().batches_per_epoch;
  const snaps = [snap(0, 0)];
  const t0 = performance.now();
  let epoch = 0;
  while (!trainer.done) {
    const p = trainer.step(perEpoch);
    epoch = p.epoch;
    if (checkpoints.includes(epoch)) {
      const s = snap(epoch, (performance.now() - t0) / 1000);
      snaps.push(s);
      log(`epoch ${epoch}: wasm ${s.wasmBytes} B, JS heap ${s.jsHeapUsed ?? 'n/a'} B, ${s.seconds.toFixed(1)} s`);
    }
  }
  const last = trainer.history().epochs.at(-1);
  trainer.free();
  data.free();
  return { n, batch, snapshots: snaps, finalTrainLoss: last?.train_loss, finalTrainAccuracy: last?.train_accuracy };
}

