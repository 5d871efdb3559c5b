// The page's training run (App mixin): start, stop and the run state (./run-state.js) the
// worker's messages update; panels hear 'run-reset', 'run-status', 'epoch(s)', 'run-finished'.
import { histogramsOf } from '../run-histograms.js';
import { freshRun, keepEpochs, trainingSeconds } from '../run-state.js';
import { workersSetting } from '../ui/workers.js';

const ACTIVE = ['starting', 'running', 'paused'];

export const runControl = {
  setStatus(status, extra = {}) {
    Object.assign(this.run, extra, { status });
    this.emit('run-status', this.run);
  },

  async start() {
    if (this.run.status === 'running' || this.run.status === 'starting' || this.run.status === 'paused') return;
    if (!this.summary) {
      this.emit('run-message', { text: 'Load a data set first (panel 1).', bad: true });
      return;
    }
    const problems = await this.validated();
    if (problems.length > 0) {
      this.emit('run-message', { text: 'Fix the problems listed below before training.', bad: true });
      return;
    }
    this.run = freshRun('starting');
    this.run.config = structuredClone(this.config);
    this.run.dataName = this.summary.name;
    this.emit('run-reset', this.run);
    this.emit('run-status', this.run);
    const message = { type: 'start', config: this.config, coalesce_epochs: true, workers: workersSetting() };
    if (this.startModel) {
      message.model = this.startModel;
    }
    this.post(message);
  },

  /** A run object as the page keeps it ({status, history, histograms: {kept}, …}). */
  newRun(status, fields = {}) {
    const run = Object.assign(freshRun(status), fields);
    run.histograms = histogramsOf(run.history);
    return run;
  },

  /** Whether a run is starting, training or paused. */
  get active() {
    return ACTIVE.includes(this.run.status);
  },

  /**
   * Stops the run in progress, if any; resolves once it has ended (true when there was one).
   * `reason` goes in the run's record ('stopped: the data set changed').
   */
  stopRun(reason) {
    if (!this.active) return Promise.resolve(false);
    if (reason) this.run.stopReason = reason;
    return new Promise((resolve) => {
      const check = () => {
        if (this.active) this.once('run-status', check);
        else resolve(true);
      };
      this.once('run-status', check);
      this.post({ type: 'stop' });
    });
  },

  /** Forgets the last run's readouts and curves (new data was loaded); its record stays saved. */
  clearRun() {
    if (this.active) return;
    const previous = this.run;
    this.run = freshRun('idle');
    this.emit('run-cleared', previous);
    this.emit('run-status', this.run);
  },

  /** Seconds the run has been training (paused time left out). */
  runSeconds(now = performance.now()) {
    return trainingSeconds(this.run, now);
  },

  /** Finished epochs from the worker: kept in the history, histograms where the engine keeps them. */
  addEpochs(records, histogramEpochs = null) {
    if (!records?.length) return;
    keepEpochs(this.run, records, histogramEpochs);
    this.emit('epoch', records[records.length - 1]);
    this.emit('epochs', records);
  },
};
