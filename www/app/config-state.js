// The config the panels edit (App mixin): exactly the engine's Config JSON, kept in the link,
// judged by the worker after each change (only the answer to the latest config counts).
import { writeRun } from '../hash.js';
import { showProblems, plainProblem } from '../ui/problems.js';

const VALIDATE_DELAY_MS = 120;

export const configState = {
  /**
   * Changes the config. `mutate` edits it in place (or returns a replacement). With `render`, the
   * config panels redraw themselves (structure changed); otherwise the editing control already
   * shows the new value.
   */
  setConfig(mutate, { render = false } = {}) {
    const out = mutate(this.config);
    if (out !== undefined) this.config = out;
    this.problemsFresh = false;
    this.emit('config-changed', { render });
    this.saveHash();
    this.scheduleValidate();
  },

  setDataRef(ref) {
    this.dataRef = ref;
    this.saveHash();
  },

  saveHash() {
    if (this.config) writeRun({ data: this.dataRef, config: this.config });
  },

  scheduleValidate() {
    clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => this.validate(), VALIDATE_DELAY_MS);
  },

  validate() {
    clearTimeout(this.validateTimer);
    if (!this.ready || !this.config) return;
    this.validateSeq += 1;
    // the config as judged: a problem's field is read in it (a blank required field is null)
    const config = structuredClone(this.config);
    this.validateSent.push({ seq: this.validateSeq, config });
    // the worker judges the config against its data only when the page shows that data
    this.post({ type: 'validate', config, with_data: this.summary !== null });
  },

  /** Resolves once the worker has judged the current config. */
  validated() {
    if (this.problemsFresh) return Promise.resolve(this.problems);
    return new Promise((resolve) => {
      const done = () => resolve(this.problems);
      this.once('problems', done);
      this.validate();
    });
  },

  onProblems(problems) {
    const sent = this.validateSent.shift();
    if (sent?.seq !== this.validateSeq) return; // an answer to an older config
    this.problems = (problems || []).map((p) => plainProblem(p, sent.config));
    this.problemsFresh = true;
    showProblems(this.problems);
    this.emit('problems', this.problems);
  },
};
