// Which epochs of a run keep their weight and gradient histograms on the page. Every epoch keeps
// its scalars; the histograms stay on the first epoch of each run of `stride` epochs and on the
// latest, and the stride doubles once more than MAX_HISTOGRAM_EPOCHS epochs hold them. So a long
// run keeps at most that many, spread evenly over it (the engine thins its own history the same
// way: src/train/history.rs). Records without histograms carry one shared empty list.

export const MAX_HISTOGRAM_EPOCHS = 1000;
const NONE = Object.freeze([]);

const has = (r) => r.weight_histograms?.length > 0 || r.grad_histograms?.length > 0;
const strip = (r) => {
  r.weight_histograms = NONE;
  r.grad_histograms = NONE;
};

/** The records that hold histograms, oldest first, and the stride they are thinned to. */
export function histogramKeeper(records = []) {
  const keeper = { kept: records.filter(has), stride: 1 };
  for (const r of records) if (!has(r)) strip(r);
  const count = (stride) => keeper.kept.filter((_, i) => survives(keeper.kept, i, stride)).length;
  while (count(keeper.stride) > MAX_HISTOGRAM_EPOCHS) keeper.stride *= 2;
  thin(keeper);
  return keeper;
}

/** Takes in the next finished epoch. */
export function keepHistograms(keeper, r) {
  if (!has(r)) {
    strip(r);
    return;
  }
  const { kept, stride } = keeper;
  // the latest, kept only for being the latest, gives way
  const n = kept.length;
  if (n >= 2 && bucket(kept[n - 2], stride) === bucket(kept[n - 1], stride)) strip(kept.pop());
  kept.push(r);
  if (kept.length > MAX_HISTOGRAM_EPOCHS) {
    keeper.stride *= 2;
    thin(keeper);
  }
}

const bucket = (r, stride) => Math.floor((r.epoch - 1) / stride);

/** Whether kept[i] keeps its histograms at `stride`: the first of its run of epochs, or the latest. */
const survives = (kept, i, stride) => i === 0 || i === kept.length - 1 || bucket(kept[i - 1], stride) !== bucket(kept[i], stride);

function thin(keeper) {
  const { kept, stride } = keeper;
  keeper.kept = kept.filter((r, i) => {
    const keep = survives(kept, i, stride);
    if (!keep) strip(r);
    return keep;
  });
}
