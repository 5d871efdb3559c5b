// The run's worker's side of a run on several page workers (./worker-shards.js): the run is a
// Trainer of www/pkg-shards/ (the trainer with its shard-by-shard API, loaded on the first such
// run), on that package's copy of the loaded data, with helpers holding replicas.

import { loadSource } from './worker-data.js';
import { ShardTeam, workersFor } from './worker-shards.js';

const PKG = new URL('./pkg-shards/mlp_lab.js', import.meta.url);

async function shardsPackage(state) {
  if (!state.shards) {
    const wasm = await import(PKG);
    const { memory } = await wasm.default();
    state.shards = { wasm, memory, data: null, source: null, task: undefined };
  }
  return state.shards;
}

/** The page's data in the shards package, read again when the worker's data changed. */
function shardsData(sh, state) {
  if (sh.data && sh.source === state.source && sh.task === state.dataTask) return sh.data;
  sh.data?.free();
  sh.data = null;
  sh.data = loadSource(sh.wasm, state.source, state.dataTask);
  sh.source = state.source;
  sh.task = state.dataTask;
  return sh.data;
}

/**
 * The run a 'start' with `workers` > 1 asks for, and its team of helpers (null where one worker
 * is all the run should use: ./worker-shards.js `workersFor`).
 */
export async function shardedTrainer(state, msg) {
  const sh = await shardsPackage(state);
  const trainer = new sh.wasm.Trainer(msg.config, shardsData(sh, state), msg.model ?? undefined);
  try {
    if (msg.history) trainer.resume(msg.history, msg.optimizer ?? undefined);
    const count = workersFor(trainer, msg.workers);
    if (count === 1) return { trainer, team: null };
    const setup = { source: state.source, task: state.dataTask, config: msg.config, model: msg.model, history: msg.history, optimizer: msg.optimizer };
    const team = await ShardTeam.create({ trainer, memory: sh.memory, count, setup, pkgUrl: PKG });
    return { trainer, team };
  } catch (e) {
    trainer.free();
    throw e;
  }
}

/** Trains up to `n` batches across the team; the engine's progress as `Trainer.step` gives it. */
export async function stepTeam(team, trainer, n) {
  const finished = await team.step(n);
  return trainer.progress(finished);
}
