// The "parallel speedup" section of bench/REPORTS.md, from the sweep-speedup.json that
// scripts/sweep-speedup.mjs writes (used by scripts/sweep-reports.mjs --write).

const f = (x, d = 1) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(d));

/** Markdown lines: every run, the 2-vs-1 ratio of each pair, and the load they ran under. */
export function speedupSection(s) {
  const page = s.runs.filter((r) => r.where === 'page');
  const native = s.runs.filter((r) => r.where === 'native');
  const ratios = (where) => s.pairs.filter((p) => p.where === where).map((p) => `${f(p.speedup, 2)}×`).join(', ') || '—';
  const lines = [
    '## Parallel speedup: 2 trial workers vs 1 (same spec)', '',
    `\`${s.command}\`, ${s.machine.date.slice(0, 16).replace('T', ' ')} UTC, ${s.machine.cores} cores; load average ${s.machine.load_before.join(', ')} before and ` +
      `${s.machine.load_after.join(', ')} after; busiest processes before: ${s.machine.busiest_before.join(' | ') || '—'}.` +
      `${s.quick ? ' (Quick: a check that every figure is produced, not a measurement.)' : ''}`,
    '',
    `A ${s.spec.max_trials}-trial random sweep (${s.spec.base.layers.map((l) => l.units).join('-')} ReLU with the hidden width drawn from ` +
      `${s.spec.parameters.hidden_units.values.join('/')}, Adam with a log-uniform learning rate, batch ${s.spec.base.batch_size}, ${s.spec.base.epochs} epochs), ` +
      'run to the end with each worker count in turn. "wall" is from the click on *Start sweep* to the status saying done (data fetch and ' +
      'worker start-up included); "page" is the panel\'s own trials/min (the sweep\'s running time).',
    '',
    '| workers | data | trials | wall s | trials/min (wall) | trials/min (page) | mean s per trial | load before |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...page.map((r) => `| ${r.workers} | ${r.data} | ${r.trials} | ${f(r.wall_seconds)} | ${f(r.trials_per_minute_wall)} | ${f(r.trials_per_minute_page)} | ${f(r.mean_trial_seconds, 2)} | ${f(r.load_before, 2)} |`),
    '',
    `2 vs 1 page worker, trials per minute (wall), by pair: ${ratios('page')}.`,
    '',
  ];
  if (native.length) {
    lines.push(
      `Natively, \`mlp-lab sweep --workers N\` on the same spec with ${native[0].data}, ${native[0].trials} trials of ${native[0].epochs} epochs` +
        `${page[0] && page[0].data !== native[0].data ? ` (the CLI reads the named sets whole, not the page's ${page[0].data} subset)` : ''}:`, '',
      '| workers | data | trials | wall s | trials/min | load before |', '|---:|---|---:|---:|---:|---:|',
      ...native.map((r) => `| ${r.workers} | ${r.data} | ${r.trials} | ${f(r.wall_seconds, 2)} | ${f(r.trials_per_minute_wall)} | ${f(r.load_before, 2)} |`),
      '', `2 vs 1 native worker, by pair: ${ratios('native')}.`, '',
    );
  } else if (s.native_missing) {
    lines.push(`Native sweep not measured: ${s.native_missing}.`, '');
  }
  lines.push('On a shared machine the ratio measures how much of the second core was free: compare it with the load column.', '');
  return lines;
}
