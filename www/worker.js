// The training worker: owns the WebAssembly engine and the training loop, and speaks the
// protocol in ./protocol.js. The page never trains; it sends requests and draws what comes back.
//
// Training runs in slices of about SLICE_MS: each slice calls Trainer.step(n) with n adapted to
// the measured time per batch, posts progress (and any finished epochs), then yields through a
// MessageChannel so pause/stop/evaluate/predict messages are handled between slices.
//
// A small set finishes thousands of epochs a second. A run started with `coalesce_epochs` (the
// page's) gets the epochs of one slice in a single 'epochs' message, with the histograms only on
// the epochs the engine's history still keeps them for, and the list of those epochs so the
// page's copy drops the same ones; its 'done' leaves out the history the page already has.
// Without it every epoch is an 'epoch' message. A sweep trial (a 'start' with `trial`) runs the
// engine's TrialRun instead (./worker-trial.js).
//
// The engine is the trainer (www/pkg/), or with `?engine=sweep` in the worker's URL the sweep
// build (www/pkg-sweep/): a sweep's trial workers (./sweep/pool.js) need its TrialRun, which
// stays out of the trainer so that the page's first load stays small.

import { createTrials } from './worker-trial.js';
import { loadSource } from './worker-data.js';
import { shardedTrainer, stepTeam } from './worker-run-shards.js';
import { compactWeights } from './edges.js';

const ENGINE = new URL(self.location.href).searchParams.get('engine') === 'sweep'
  ? './pkg-sweep/mlp_lab.js' : './pkg/mlp_lab.js';
let wasm = null; // the engine's module, once loaded (ensureReady)

const SLICE_MS = 150;
const PROBE_MS = 100;
const MAX_GROWTH = 4;
const DEFAULT_HISTOGRAM_BINS = 30;
/** Checkpoints (weights and optimizer state for the page's run store) at most this often. */
const CHECKPOINT_MS = 1000;

const state = {
  ready: null, // Promise of the instantiated module
  memory: null, // its WebAssembly.Memory (for the 'memory' request)
  broken: null, // message of a panic; the module must be reloaded
  data: null, // wasm DataSet
  source: null, // the load-data source it came from (CSV is re-read when the task changes)
  summary: null,
  trainer: null, // wasm Trainer of the current or last run
  trial: null, // wasm TrialRun of the current or last sweep trial
  model: null, // wasm Model from import-model, used when there is no run
  run: null, // {id, paused, batches, msPerBatch, activeMs, startExamples, ...} while training
  runs: 0,
  dataTask: undefined, // the task the CSV of `data` was read for (undefined: the source's own)
  shards: null, // www/pkg-shards/ for runs on several workers: {wasm, memory, data, ...} (./worker-run-shards.js)
  team: null, // the helpers of the current run (./worker-shards.js ShardTeam), when it has any
  starts: 0, // counts ended runs, so a start still setting up its helpers knows it was overtaken
};

const post = (msg) => self.postMessage(msg);

// A task queue of its own, so slices interleave with incoming messages (setTimeout(0) would be
// clamped to 4 ms after a few nested calls).
const tick = new MessageChannel();
tick.port1.onmessage = (e) => slice(e.data);
const schedule = (id) => tick.port2.postMessage(id);

const trials = createTrials({ engine: () => wasm, state, post, schedule, adapt, free, endRun });

function ensureReady() {
  if (!state.ready) {
    state.ready = import(ENGINE).then(async (module) => {
      const exports = await module.default();
      wasm = module;
      state.memory = exports.memory;
      return true;
    });
  }
  return state.ready;
}

/** Requests that read the model or data; their errors never end a run. */
const REQUESTS = new Set(['evaluate', 'confusion-matrix', 'predict', 'predict-batch', 'predict-split', 'histograms',
  'export-model', 'samples', 'weights', 'activations', 'neuron-grads']);

/**
 * An {type:'error'} for any thrown value; engine errors carry `kind` and maybe `field`. An error
 * answering a request says where: 'request' and echoes the request's type and id.
 */
function errorMessage(e, where, request, id) {
  if (e instanceof WebAssembly.RuntimeError) {
    let panic = null;
    try {
      panic = state.shards?.wasm.last_panic() ?? wasm?.last_panic();
    } catch {
      // the module may be unusable
    }
    state.broken = panic ?? `the engine crashed: ${e.message}`;
    return withId({ type: 'error', where: 'worker', kind: 'crash', request, message: `${state.broken} (reload the page to continue)` }, id);
  }
  const kindToWhere = { config: 'config', data: 'data', model: 'model', train: 'train' };
  const msg = {
    type: 'error',
    where: REQUESTS.has(request) ? 'request' : kindToWhere[e?.kind] ?? where,
    request,
    message: String(e?.message ?? e),
  };
  if (e?.kind) msg.kind = e.kind;
  if (e?.field) msg.field = e.field;
  if (e?.field && e?.detail) msg.detail = e.detail;
  return withId(msg, id);
}

function withId(msg, id) {
  if (id !== undefined) msg.id = id;
  return msg;
}

function free(obj) {
  try {
    obj?.free();
  } catch {
    // already freed
  }
}

/** Frees the last run's and trial's engine objects (the data they were cut from is going). */
function freeRuns() {
  free(state.trainer);
  free(state.trial);
  state.trainer = null;
  state.trial = null;
}

/** Ends the current run, if any; `announce` posts 'stopped'. */
function endRun(announce) {
  state.starts++;
  state.team?.close();
  state.team = null;
  if (!state.run) return;
  state.run = null;
  if (announce) post({ type: 'stopped' });
}

function predictor() {
  return state.trainer ?? needModel();
}

// Each handler answers through `reply`, which echoes the request's id.
const handlers = {
  init(msg, reply) {
    reply({ type: 'ready', simd: wasm.simd_enabled(), version: wasm.version(), schema: JSON.parse(wasm.schema()) });
  },

  'load-data'(msg, reply) {
    const data = loadSource(wasm, msg.source);
    endRun(true);
    freeRuns();
    free(state.data);
    state.data = data;
    state.source = msg.source;
    state.dataTask = undefined;
    state.summary = withSourceKind(data, msg.source.kind);
    reply({ type: 'data-loaded', summary: state.summary });
  },

  validate(msg, reply) {
    const problems = wasm.validate_config(msg.config);
    // and, when the page shows this data, what Start would refuse about the config against it
    if (msg.with_data && state.data) problems.push(...state.data.start_problems(msg.config, state.source?.kind === 'csv'));
    reply({ type: 'config-problems', problems });
  },

  async start(msg, reply) {
    if (!state.data) throw Object.assign(new Error('load a data set before starting'), { kind: 'data' });
    if (msg.trial) {
      trials.start(msg, reply);
      return;
    }
    // A CSV target is read as classes or values; the config's task decides.
    const task = wasm.config_task(msg.config);
    if (task && state.source?.kind === 'csv' && (task === 'regression') !== (state.summary.task_hint === 'regression')) {
      const data = loadSource(wasm, state.source, task);
      free(state.data);
      state.data = data;
      state.dataTask = task;
      state.summary = withSourceKind(data, state.source.kind);
    }
    const starts = state.starts;
    // Several workers: the run is www/pkg-shards/'s, with helpers holding replicas of it.
    const { trainer, team } = (msg.workers ?? 1) > 1 ? await shardedTrainer(state, msg) : { trainer: newTrainer(wasm, state.data, msg), team: null };
    if (starts !== state.starts) {
      // stopped, or new data, while the helpers were loading
      team?.close();
      free(trainer);
      return;
    }
    endRun(false);
    free(state.trainer);
    state.trainer = trainer;
    state.team = team;
    const config = typeof msg.config === 'string' ? JSON.parse(msg.config) : msg.config;
    state.units = [state.data.d, ...config.layers.map((l) => l.units)];
    const sizes = trainer.sizes();
    const id = ++state.runs;
    state.run = {
      id, paused: false, batches: 1, msPerBatch: null, activeMs: 0, posted: msg.history?.epochs?.length ?? 0,
      total: sizes.epochs * sizes.train_n, lastRate: null, lastExamples: 0, lastProbe: -Infinity, probeLoss: null,
      lastCheckpoint: -Infinity, coalesce: Boolean(msg.coalesce_epochs),
    };
    reply({ type: 'started', ...sizes, workers: team?.count ?? 1, exchange: team?.exchange ?? null, resumed_from: msg.history?.epochs?.length ?? 0, optimizer_restored: Boolean(msg.history && msg.optimizer) });
    schedule(id);
  },

  pause() {
    if (!state.run || state.run.paused) return;
    state.run.paused = true;
    post({ type: 'paused' });
  },

  resume() {
    if (!state.run || !state.run.paused) return;
    state.run.paused = false;
    post({ type: 'resumed' });
    schedule(state.run.id);
  },

  stop() {
    endRun(true);
  },

  'trial-decision'(msg) {
    trials.decide(msg);
  },

  samples(msg, reply) {
    reply({ type: 'samples', samples: needData().sample_images(Math.max(0, Math.min(msg.count ?? 24, 1000))) });
  },

  // Liveness and memory, for the page's crash detection and the soak test.
  ping(msg, reply) {
    reply({ type: 'pong', running: Boolean(state.run) });
  },

  memory(msg, reply) {
    const shards = state.shards?.memory.buffer.byteLength ?? 0;
    reply({ type: 'memory', wasm_bytes: state.memory ? state.memory.buffer.byteLength + shards : null });
  },

  evaluate(msg, reply) {
    const split = msg.split ?? 'val';
    const metrics = state.trainer ? state.trainer.evaluate(split) : needModel().evaluate(needData(), split);
    reply({ type: 'evaluation', split, metrics });
  },

  'confusion-matrix'(msg, reply) {
    const split = msg.split ?? 'val';
    const matrix = state.trainer
      ? state.trainer.confusion_matrix(split)
      : needModel().confusion_matrix(needData(), split);
    reply({ type: 'confusion-matrix', split, matrix, class_names: state.summary?.class_names ?? [] });
  },

  predict(msg, reply) {
    const outputs = predictor().predict(floats(msg.features));
    reply({ type: 'prediction', outputs: Array.from(outputs) });
  },

  'predict-batch'(msg, reply) {
    const features = floats(msg.features);
    const outputs = predictor().predict(features);
    const rows = msg.rows ?? 1;
    reply({ type: 'predictions', outputs, rows, cols: rows > 0 ? outputs.length / rows : 0 }, [outputs.buffer]);
  },

  'predict-split'(msg, reply) {
    const split = msg.split ?? 'test';
    const limit = Math.max(0, Math.min(msg.limit ?? 1000, 0xffffffff));
    const features = Boolean(msg.features);
    let part;
    if (state.trainer) part = state.trainer.split_rows(split, limit, features);
    else if (state.model) part = state.model.split_rows(needData(), split, limit, features);
    else part = needData().split_rows(split, limit, features);
    const transfer = [part.targets.buffer, part.outputs.buffer];
    if (part.features) transfer.push(part.features.buffer);
    reply({ type: 'split-predictions', split, ...part }, transfer);
  },

  histograms(msg, reply) {
    if (!state.trainer) throw Object.assign(new Error('there is no training run yet'), { kind: 'train' });
    reply({
      type: 'histograms',
      weights: state.trainer.weight_histograms(msg.bins ?? DEFAULT_HISTOGRAM_BINS),
      grad_norms: Array.from(state.trainer.grad_norms()),
    });
  },

  // The network view's reads (protocol.js): the current weights, and every layer's activations.
  weights(msg, reply) {
    const trainer = needTrainer();
    const data = trainer.weights();
    if (msg.top) {
      const layers = compactWeights(data, state.units, Math.max(1, Math.min(msg.top, 100_000)));
      reply({ type: 'weights', units: state.units, layers }, layers.flatMap((l) => [l.index.buffer, l.value.buffer]));
    } else {
      reply({ type: 'weights', units: state.units, data }, [data.buffer]);
    }
  },

  activations(msg, reply) {
    const trainer = needTrainer();
    let features = msg.features === undefined ? null : floats(msg.features);
    let split = null;
    if (!features) {
      split = msg.split ?? 'val';
      features = trainer.split_rows(split, Math.max(1, Math.min(msg.limit ?? 500, 5000)), true).features;
    }
    const data = trainer.activations(features);
    const rows = features.length / state.units[0];
    reply({ type: 'activations', units: state.units, rows, split, data }, [data.buffer]);
  },

  'neuron-grads'(msg, reply) {
    const flat = needTrainer().neuron_grad_norms();
    let at = 0;
    const norms = state.units.slice(1).map((n) => Array.from(flat.subarray(at, (at += n))));
    reply({ type: 'neuron-grads', norms });
  },

  'export-model'(msg, reply) {
    const json = state.trainer ? state.trainer.export_model() : needModel().to_json();
    reply({ type: 'model', json });
  },

  'import-model'(msg, reply) {
    const model = wasm.import_model(msg.json);
    endRun(true);
    freeRuns();
    free(state.model);
    state.model = model;
    reply({ type: 'model-imported', summary: model.summary() });
  },
};

/**
 * The run a 'start' asks for; continuing a saved run, the model is its checkpoint, the history
 * the epochs before it, the optimizer state (when saved) the moments at the same moment.
 */
function needData() {
  if (!state.data) throw Object.assign(new Error('load a data set first'), { kind: 'data' });
  return state.data;
}

/**
 * A Trainer for a 'start'; when the data does not fit the config, the error names the config
 * field at fault as the engine's target check does (the same problem 'validate' lists).
 */
function newTrainer(pkg, data, msg) {
  let trainer;
  try {
    trainer = new pkg.Trainer(msg.config, data, msg.model ?? undefined);
  } catch (e) {
    if (e && typeof e === 'object' && !e.field && !(e instanceof WebAssembly.RuntimeError)) {
      const [problem] = data.start_problems(msg.config, state.source?.kind === 'csv');
      if (problem?.field) Object.assign(e, { field: problem.field, detail: problem.message });
    }
    throw e;
  }
  // Continuing a saved run: the model is its checkpoint, the history the epochs before it,
  // the optimizer state (when saved) the moments at the same moment.
  if (msg.history) {
    try {
      trainer.resume(msg.history, msg.optimizer ?? undefined);
    } catch (e) {
      free(trainer);
      throw e;
    }
  }
  return trainer;
}

function needTrainer() {
  if (!state.trainer) throw Object.assign(new Error('there is no training run yet'), { kind: 'train' });
  return state.trainer;
}

function needModel() {
  if (!state.model) throw Object.assign(new Error('there is no model yet: train one or import one first'), { kind: 'model' });
  return state.model;
}

function floats(values) {
  if (values instanceof Float32Array) return values;
  if (Array.isArray(values) || ArrayBuffer.isView(values)) return Float32Array.from(values);
  throw Object.assign(new Error('features must be a Float32Array or an array of numbers'), { kind: 'request' });
}

const WHERE = { init: 'worker', 'load-data': 'data', validate: 'config', start: 'train', 'import-model': 'model' };

self.onmessage = async (event) => {
  const msg = event.data ?? {};
  const { type, id } = msg;
  const fail = (message) => post(withId({ type: 'error', where: 'worker', request: type, message }, id));
  try {
    await ensureReady();
  } catch (e) {
    state.ready = null; // let a later message try again
    const simd = e instanceof WebAssembly.CompileError
      ? ' (this browser may lack WebAssembly SIMD, which the engine is built with)' : '';
    fail(`cannot load the WebAssembly engine${simd} (build it with \`make wasm\`): ${e?.message ?? e}`);
    return;
  }
  if (state.broken) {
    post(withId({ type: 'error', where: 'worker', kind: 'crash', request: type, message: `${state.broken} (reload the page to continue)` }, id));
    return;
  }
  const handler = Object.hasOwn(handlers, type) ? handlers[type] : null;
  if (!handler) {
    fail(`unknown message type ${JSON.stringify(type)}`);
    return;
  }
  try {
    await handler(msg, (answer, transfer = []) => self.postMessage(withId(answer, id), transfer));
  } catch (e) {
    post(errorMessage(e, WHERE[type] ?? 'worker', type, id));
  }
};

/** One training slice of the run `id` (stale slices of an ended run do nothing). */
function slice(id) {
  trainSlice(id).catch((e) => {
    // Not a training error (those end the run in trainSlice) but a failure around it.
    endRun(false);
    post(errorMessage(e, 'worker', 'start'));
  });
}

async function trainSlice(id) {
  const run = state.run;
  if (!run || run.id !== id || run.paused || state.broken) return;
  if (run.trial) {
    trials.slice(run);
    return;
  }
  const trainer = state.trainer;
  const t0 = performance.now();
  // A slice across workers that transfer buffers awaits them: a 'resume' meanwhile must not start
  // a second slice (the one under way schedules the next).
  if (run.stepping) return;
  let progress;
  try {
    run.stepping = true;
    progress = state.team ? await stepTeam(state.team, trainer, run.batches) : trainer.step(run.batches);
    run.stepping = false;
    if (state.run !== run) return; // stopped while the helpers worked
  } catch (e) {
    run.stepping = false;
    if (state.run !== run) return;
    endRun(false);
    postNewEpochs(run, trainer);
    const err = errorMessage(e, 'train', 'start');
    post(err);
    if (!state.broken) finish(run, trainer, err.message);
    return;
  }
  const ms = performance.now() - t0;
  run.activeMs += ms;
  const stepped = progress.examples - run.lastExamples;
  run.lastExamples = progress.examples;
  adapt(run, ms);
  postEpochs(run, progress.finished, progress.histogram_epochs);
  // The weights at the end of the last finished epoch, for the page's run store (resume point).
  if (progress.finished.length > 0 && performance.now() - run.lastCheckpoint >= CHECKPOINT_MS) {
    run.lastCheckpoint = performance.now();
    const optimizer = trainer.checkpoint_optimizer();
    self.postMessage({ type: 'checkpoint', epoch: progress.epoch, model: trainer.checkpoint_model(), optimizer }, [optimizer.data.buffer]);
  }

  const rate = ms > 0 ? (stepped * 1000) / ms : null;
  if (rate !== null) run.lastRate = run.lastRate === null ? rate : 0.7 * run.lastRate + 0.3 * rate;
  const average = run.activeMs > 0 ? (progress.examples * 1000) / run.activeMs : null;
  const remaining = Math.max(0, run.total - progress.examples);
  // A live loss reading: the current weights on a fixed training sample, at most every PROBE_MS.
  const now = performance.now();
  if (now - run.lastProbe >= PROBE_MS || progress.done) {
    run.probeLoss = trainer.probe_loss();
    run.lastProbe = now;
  }
  const last = progress.finished[progress.finished.length - 1];
  post({
    type: 'progress',
    epoch: progress.epoch,
    epochs: progress.epochs,
    batch: progress.batch,
    batches_per_epoch: progress.batches_per_epoch,
    examples: progress.examples,
    examples_per_second: run.lastRate,
    eta_seconds: progress.done ? 0 : average ? remaining / average : null,
    train_loss: run.probeLoss,
    epoch_train_loss: last ? last.train_loss : null,
    grad_norms: Array.from(trainer.grad_norms()),
    slice_batches: run.batches,
  });
  if (progress.done) {
    endRun(false);
    finish(run, trainer, null);
  } else {
    schedule(id);
  }
}

/** Next slice size from the measured time per batch (smoothed; grows at most MAX_GROWTH×). */
function adapt(run, ms) {
  const per = ms / run.batches;
  run.msPerBatch = run.msPerBatch === null ? per : 0.5 * run.msPerBatch + 0.5 * per;
  const want = Math.round(SLICE_MS / Math.max(run.msPerBatch, 1e-3));
  run.batches = Math.max(1, Math.min(want, run.batches * MAX_GROWTH, 1_000_000));
}

/** Epoch records finished in a step that then threw (divergence) were not returned; post them. */
function postNewEpochs(run, trainer) {
  try {
    const epochs = trainer.history().epochs;
    postEpochs(run, epochs.slice(run.posted), null);
  } catch {
    // nothing more to report
  }
}

/**
 * Posts the epochs finished in one slice: one 'epoch' each, or for a coalesced run one 'epochs'
 * message with `histogram_epochs`, the epochs whose histograms the engine keeps (null when not
 * known: the page then keeps what it has).
 */
function postEpochs(run, records, histogramEpochs) {
  if (records.length === 0) return;
  if (!run.coalesce) {
    for (const record of records) post({ type: 'epoch', record });
  } else {
    post({ type: 'epochs', records, histogram_epochs: histogramEpochs });
  }
  run.posted += records.length;
}

/** The data summary with `source_kind` (a CSV is read again as values or classes when the config's task needs it). */
function withSourceKind(data, kind) {
  return { ...data.summary(), source_kind: kind };
}

function finish(run, trainer, error) {
  const metrics = (split) => {
    try {
      return trainer.evaluate(split);
    } catch {
      return null;
    }
  };
  try {
    // A coalesced run's page has every epoch already; the engine's history of a long run (every
    // epoch's histograms) would be hundreds of MB to copy.
    const done = run.coalesce
      ? { type: 'done', epochs_done: run.posted }
      : { type: 'done', history: trainer.history() };
    done.kept_epoch = trainer.kept_epoch ?? null;
    done.stopped_at = trainer.stopped_at ?? null;
    done.val_metrics = metrics('val');
    done.test_metrics = metrics('test');
    if (error) done.error = error;
    post(done);
  } catch (e) {
    post(errorMessage(e, 'train', 'start'));
  }
}
