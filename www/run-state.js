// The state of the page's training run, as App keeps it in `app.run`: what the worker reported
// (status, progress, epochs, metrics) and the wall-clock times around it. Pure functions over the
// run object; App (app/run-control.js, app/worker-messages.js) applies the worker's messages
// through them and tells the panels.
import { histogramsOf, keepAsEngine } from './run-histograms.js';

/** A run with nothing yet: {status, history, histograms: {kept}, progress, started, …}. */
export function freshRun(status) {
  return {
    status, history: [], histograms: histogramsOf(), progress: null, started: null, testMetrics: null, valMetrics: null, config: null,
    error: null, startedAt: null, endedAt: null, pausedAt: null, pausedMs: 0, stopReason: null,
  };
}

/** Seconds `run` has been training by `now` (paused time left out). */
export function trainingSeconds(run, now) {
  if (!run.startedAt) return 0;
  const end = run.endedAt ?? now;
  const paused = run.pausedMs + (run.pausedAt !== null ? end - run.pausedAt : 0);
  return Math.max(0, (end - run.startedAt - paused) / 1000);
}

/** Finished epochs from the worker into the history, histograms where the engine keeps them. */
export function keepEpochs(run, records, histogramEpochs) {
  keepAsEngine(run.histograms, records, histogramEpochs);
  for (const r of records) run.history.push(r);
}
