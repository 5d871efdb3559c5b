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
  while (thinnedCount(keeper.kept, keeper.stride) > MAX_HISTOGRAM_EPOCHS) keeper.stride *= 2;
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

function thinnedCount(kept, stride) {
  let count = 0;
  for (let i = 0; i < kept.length; i++) {
    const first = i === 0 || bucket(kept[i - 1], stride) !== bucket(kept[i], stride);
    if (first || i === kept.length - 1) count += 1;
  }
  return count;
}

function thin(keeper) {
  const { kept, stride } = keeper;
  const latest = kept.at(-1);
  let run = null;
  keeper.kept = kept.filter((r) => {
    const b = bucket(r, stride);
    const keep = b !== run || r === latest;
    run = b;
    if (!keep) strip(r);
    return keep;
  });
}
