// What the training worker says, applied to the App (mixin): each message updates the run, the
// data or the config's problems and is re-emitted as 'worker:<type>' for the panels. Errors go
// by their structured fields (where, request, field), never by their text.
import { histogramsOf } from '../run-histograms.js';
import { setSchema } from '../schema.js';
import { showProblems } from '../ui/problems.js';

export const workerMessages = {
  onWorkerMessage(m) {
    switch (m.type) {
      case 'ready':
        // The engine's tables, before any panel hears 'ready' and builds its forms from them.
        setSchema(m.schema);
        this.ready = true;
        this.emit('ready', m);
        this.validate();
        break;
      case 'config-problems':
        this.onProblems(m.problems);
        break;
      case 'data-loaded':
        // A stale answer: the worker now holds data the page does not show, and the page holds
        // none (newDataChoice emptied it) until the latest choice loads.
        if (!this.answeredLoad(true)) break;
        this.summary = m.summary;
        this.problemsFresh = false;
        this.emit('data-loaded', m.summary);
        this.scheduleValidate();
        break;
      case 'started':
        this.setStatus('running', { started: m, startedAt: performance.now() });
        break;
      case 'progress':
        this.run.progress = m;
        this.emit('progress', m);
        break;
      case 'epoch':
        this.addEpochs([m.record]);
        break;
      case 'epochs':
        this.addEpochs(m.records, m.histogram_epochs);
        break;
      case 'paused':
        this.run.pausedAt = performance.now();
        this.setStatus('paused');
        break;
      case 'resumed':
        if (this.run.pausedAt !== null) this.run.pausedMs += performance.now() - this.run.pausedAt;
        this.run.pausedAt = null;
        this.setStatus('running');
        break;
      case 'stopped':
        this.run.endedAt = performance.now();
        if (this.run.status !== 'done') this.setStatus('stopped');
        this.emit('run-finished', this.run);
        break;
      case 'done':
        // A coalesced run's 'done' has no history: the page holds every epoch already.
        if (m.history) {
          this.run.history = m.history.epochs || m.history;
          this.run.histograms = histogramsOf(this.run.history);
        }
        // the epoch whose weights the model holds (early stopping may keep an earlier one)
        this.run.keptEpoch = m.kept_epoch ?? null;
        this.run.stoppedAt = m.stopped_at ?? null;
        this.run.testMetrics = m.test_metrics || null;
        this.run.valMetrics = m.val_metrics || null;
        this.run.error = m.error ?? null;
        this.run.endedAt = performance.now();
        // A diverged run ends with 'done' too, carrying the error: it failed, it is not done.
        this.setStatus(m.error ? 'failed' : 'done');
        this.emit('done', m);
        this.emit('run-finished', this.run);
        break;
      case 'error':
        this.onError(m);
        break;
      default:
        break;
    }
    if (m.type !== 'error') this.client.settle(m);
    this.emit(`worker:${m.type}`, m);
  },

  onError(m) {
    if (m.request === 'load-data' && !this.answeredLoad(false)) return; // the user has moved on from that data
    const active = this.active;
    const refused = this.run.status === 'starting' && m.request === 'start';
    // An error while a run is starting belongs to the run, not to some pending request.
    if (!(this.run.status === 'starting' && ['config', 'train'].includes(m.where)) && !refused && this.client.settle(m)) return;
    console.warn('worker error', m);
    // Problems the config causes come with the field at fault and the message without it.
    if (m.where === 'config') {
      this.problems = [{ field: m.field || '', message: m.field ? m.detail ?? m.message : m.message }];
      showProblems(this.problems);
      if (this.run.status === 'starting') this.setStatus('idle');
      this.emit('run-message', { text: 'The engine refused to start: see the problem below.', bad: true });
    } else if (refused && m.where !== 'worker') {
      // The data (or the model to start from) does not fit the config: nothing started.
      // the worker names the config field the data does not fit (the engine's target check)
      this.problems = [{ field: m.field || '', message: m.message }];
      showProblems(this.problems);
      this.setStatus('idle');
      this.emit('run-message', { text: `The engine refused to start: ${m.message}`, bad: true });
    } else if (m.where === 'data') {
      this.emit('data-error', m);
    } else if (m.where === 'model') {
      this.emit('model-error', m);
    } else {
      if (active) this.setStatus('failed');
      this.emit('run-message', { text: m.message, bad: true });
    }
  },
};
