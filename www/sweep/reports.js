// The two comparison reports, each a grid sweep of group × seed on the page's network and data:
// "activation functions" (every hidden layer's activation) and "initializations" (every layer's
// init). The groups are the engine's names (www/schema.js): its activations for hidden layers,
// its inits. The report is computed from the finished trials' per-epoch histories.
import { mean, sd, welchT } from './stats.js';
import { names, namesOf } from '../schema.js';

export const REPORT_SEEDS = [1, 2, 3];

export const REPORTS = {
  activation: {
    title: 'Activation functions',
    param: 'hidden_activation',
    get values() {
      return namesOf('activations').filter((a) => a.hidden).map((a) => a.name);
    },
    what: 'hidden activation',
    scope: 'every hidden layer',
  },
  init: {
    title: 'Initializations',
    param: 'init',
    get values() {
      return names('inits');
    },
    what: 'initialization',
    scope: 'every layer, output included',
  },
};

/** The grid spec of report `kind` from the page's config (validation 10% if it had none). */
export function reportSpec(kind, config, dataset, { seeds = REPORT_SEEDS, epochs } = {}) {
  const r = REPORTS[kind];
  if (r.values.length === 0) throw new Error('the engine is still loading: its names are not known yet');
  const base = structuredClone(config);
  if (kind === 'activation' && (base.layers?.length ?? 0) < 2) {
    throw new Error('the activation report compares hidden activations: add a hidden layer to the network first');
  }
  if (!(base.validation_split > 0)) base.validation_split = 0.1;
  if (epochs) base.epochs = epochs;
  const regression = base.loss === 'mse' && base.task !== 'multiclass';
  return JSON.stringify({
    method: 'grid',
    metric: regression ? 'val_loss' : 'val_accuracy',
    max_trials: r.values.length * seeds.length,
    seed: 0,
    dataset,
    base,
    parameters: { [r.param]: { values: r.values }, seed: { values: seeds } },
  }, null, 2);
}

/** Everything the report shows, from the sweep's spec info and finished trials. */
export function analyze(kind, info, trials) {
  const r = REPORTS[kind];
  const metric = info.metric;
  const maximize = info.goal === 'maximize';
  const better = (a, b) => (maximize ? a > b : a < b);
  const groups = r.values.map((value) => {
    const runs = trials.filter((t) => t.record.params[r.param] === value);
    const ok = runs.filter((t) => t.record.status !== 'failed' && Number.isFinite(t.record.metric));
    const finals = ok.map((t) => t.record.metric);
    const last = (t, key) => t.history[t.history.length - 1]?.[key];
    const valLoss = ok.map((t) => last(t, 'val_loss')).filter(Number.isFinite);
    const testAcc = ok.map((t) => t.testMetrics?.accuracy).filter(Number.isFinite);
    const epochs = Math.max(0, ...ok.map((t) => t.history.length));
    const curve = (key) => Array.from({ length: epochs }, (_, e) => {
      const ys = ok.map((t) => t.history[e]?.[key]).filter(Number.isFinite);
      return { x: e + 1, mean: mean(ys), sd: sd(ys), n: ys.length };
    }).filter((p) => p.n > 0);
    return {
      value, runs, ok, finals,
      failed: runs.length - ok.length,
      mean: mean(finals), sd: sd(finals),
      valLoss: { mean: mean(valLoss), sd: sd(valLoss) },
      test: testAcc.length ? { mean: mean(testAcc), sd: sd(testAcc), n: testAcc.length } : null,
      seconds: mean(ok.map((t) => t.record.seconds)),
      metricCurve: curve(metric),
      lossCurve: curve('train_loss'),
    };
  });
  let best = null;
  for (const t of trials) {
    if (t.record.status === 'failed' || !Number.isFinite(t.record.metric)) continue;
    if (!best || better(t.record.metric, best.record.metric)) best = t;
  }
  return { kind, title: r.title, param: r.param, what: r.what, metric, goal: info.goal, groups, best, findings: findings(r, metric, maximize, groups) };
}

function fmtMetric(metric, x) {
  if (!Number.isFinite(x)) return '–';
  return /accuracy/.test(metric) ? `${(x * 100).toFixed(2)}%` : x.toPrecision(4);
}

function fmtDiff(metric, d) {
  return /accuracy/.test(metric) ? `${(Math.abs(d) * 100).toFixed(2)} percentage points` : Math.abs(d).toPrecision(3);
}

/** Short sentences from the numbers: which group is best, by how much, and whether that is more than the seed spread. */
export function findings(r, metric, maximize, groups) {
  const out = [];
  const ranked = groups.filter((g) => g.finals.length > 0).sort((a, b) => (maximize ? b.mean - a.mean : a.mean - b.mean));
  if (ranked.length === 0) return ['No run finished with a metric, so nothing can be compared.'];
  const [first, second] = ranked;
  const worst = ranked[ranked.length - 1];
  out.push(`Best ${r.what}: ${first.value}, mean ${metric} ${fmtMetric(metric, first.mean)} ± ${fmtMetric(metric, first.sd)} (sd over ${first.finals.length} seeds).`);
  if (second) {
    const gap = first.mean - second.mean;
    const spread = Math.max(first.sd, second.sd);
    const t = welchT(first.finals, second.finals);
    const exceeds = Math.abs(gap) > spread;
    out.push(`It beats the runner-up, ${second.value} (${fmtMetric(metric, second.mean)} ± ${fmtMetric(metric, second.sd)}), by ${fmtDiff(metric, gap)}; ` +
      (exceeds
        ? `that is more than the larger seed spread (sd ${fmtMetric(metric, spread)})${Number.isFinite(t) ? `, Welch t = ${Math.abs(t).toFixed(1)}` : ''}.`
        : `that is within the seed spread (sd ${fmtMetric(metric, spread)}), so these two are not clearly different with ${Math.min(first.finals.length, second.finals.length)} seeds.`));
  }
  if (worst !== first && worst !== second) {
    const spread = Math.max(first.sd, worst.sd);
    const beyond = Math.abs(first.mean - worst.mean) > spread ? 'more than' : 'within';
    out.push(`Worst: ${worst.value} at ${fmtMetric(metric, worst.mean)} ± ${fmtMetric(metric, worst.sd)}, ${fmtDiff(metric, first.mean - worst.mean)} behind the best (${beyond} the larger seed sd, ${fmtMetric(metric, spread)}).`);
  }
  const noisiest = [...ranked].sort((a, b) => b.sd - a.sd)[0];
  if (ranked.length > 1 && noisiest.sd > 0) out.push(`Most seed-sensitive: ${noisiest.value} (sd ${fmtMetric(metric, noisiest.sd)}).`);
  const failed = groups.filter((g) => g.failed > 0);
  for (const g of failed) out.push(`${g.value}: ${g.failed} of ${g.runs.length} runs failed (${g.runs.find((t) => t.record.status === 'failed')?.record.message ?? 'no message'}).`);
  return out;
}
