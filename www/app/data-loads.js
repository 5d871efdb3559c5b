// The page's choice of data (App mixin): each choice has a number, and the worker's answers to
// loads of an earlier choice are dropped, so the page never shows data the user has moved on from.

export const dataLoads = {
  /**
   * The user chose other data: answers to loads asked for before this arrive stale and are
   * dropped, and what the page held is no longer what was asked for, so nothing can start until
   * the new choice loads (a run started meanwhile would train on the old data under the new name).
   */
  newDataChoice() {
    this.dataGen += 1;
    if (this.summary) {
      this.summary = null;
      this.problemsFresh = false;
      this.emit('data-cleared');
    }
    return this.dataGen;
  },

  /**
   * Posts load-data for the choice `gen` (the latest unless given). Resolves true when the worker
   * took the data and the user made no other choice since; a choice already overtaken posts nothing.
   */
  loadData(source, transfer = [], gen = this.dataGen) {
    if (gen !== this.dataGen) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.loads.push({ gen, resolve });
      this.post({ type: 'load-data', source }, transfer);
    });
  },

  /**
   * The worker answers load-data in order, so an answer is the oldest load's. False when that load
   * is stale: the page shows the data of the user's latest choice only, never an earlier one that
   * finished after it (nor, when the latest is "no data yet", any at all).
   */
  answeredLoad(ok) {
    const load = this.loads.shift();
    const current = !load || load.gen === this.dataGen;
    load?.resolve(ok && current);
    return current;
  },

  /** A new worker answers none of the old one's loads. */
  forgetLoads() {
    for (const load of this.loads.splice(0)) load.resolve(false);
  },
};
