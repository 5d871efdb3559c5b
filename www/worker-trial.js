// The worker's side of a sweep trial: the engine's TrialRun (the CLI's metric per epoch, failure
// messages, stop rule and trial record) stepped in slices like any run. Each finished epoch goes
// to the page with its metric value; the page's coordinator answers every valued epoch with a
// 'trial-decision'. Training goes on meanwhile, so a stop arrives late: the engine applies it to
// the epoch it was about (TrialRun.stop_at). A trial that ends by itself waits for the decisions
// still owed before its 'done', so a late stop still counts.

/**
 * host: {engine() (the worker's wasm module), state, post, schedule, adapt, free, endRun}.
 * Returns the handlers the worker calls: start(msg, reply), slice(run), decide(msg).
 */
export function createTrials(host) {
  const { state, post } = host;

  function start(msg, reply) {
    const { id, params, metric } = msg.trial;
    const { TrialRun } = host.engine();
    if (!TrialRun) {
      throw Object.assign(new Error('this worker runs the trainer build, which has no sweep trials: ' +
        'start it as worker.js?engine=sweep (the sweep build, www/pkg-sweep/)'), { kind: 'train' });
    }
    const trial = new TrialRun(msg.config, state.data, id, JSON.stringify(params ?? {}), metric);
    host.endRun(false);
    host.free(state.trial);
    state.trial = trial;
    const runId = ++state.runs;
    state.run = { id: runId, trial: true, paused: false, batches: 1, msPerBatch: null, owed: new Set(), over: false };
    reply({ type: 'started', ...(trial.sizes() ?? {}), trial: true });
    host.schedule(runId);
  }

  function slice(run) {
    const t0 = performance.now();
    const step = state.trial.step(run.batches);
    host.adapt(run, performance.now() - t0);
    const values = new Map(step.judged);
    for (const record of step.progress?.finished ?? []) {
      const value = values.get(record.epoch) ?? null;
      if (value !== null) run.owed.add(record.epoch);
      post({ type: 'epoch', record, value });
    }
    const p = step.progress;
    if (p) post({ type: 'progress', epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches_per_epoch: p.batches_per_epoch, examples: p.examples });
    if (step.record) {
      run.over = true;
      if (run.owed.size === 0) finish(run, step.record);
    } else {
      host.schedule(run.id);
    }
  }

  /** The coordinator's answer about one epoch: 'continue' or 'stop'. */
  function decide(msg) {
    const run = state.run;
    if (!run?.trial) return;
    run.owed.delete(msg.epoch);
    const stopped = msg.decision === 'stop' ? state.trial.stop_at(msg.epoch) : null;
    if (stopped) finish(run, stopped);
    else if (run.over && run.owed.size === 0) finish(run, state.trial.record());
  }

  /** 'done' with the trial's record and, unless it stopped early, its split metrics. */
  function finish(run, record) {
    if (state.run !== run) return;
    state.run = null;
    const metrics = (split) => {
      if (record.status === 'stopped_early') return null;
      try {
        return state.trial.evaluate(split);
      } catch {
        return null;
      }
    };
    post({ type: 'done', trial: record, val_metrics: metrics('val'), test_metrics: metrics('test') });
  }

  return { start, slice, decide };
}
