// The numbers behind the sweep views and reports (www/sweep/stats.js, reports.js, export.js),
// in plain Node: they are pure modules, so no browser is needed; the reports' groups are the
// engine's names, from the trainer wasm's schema() as the page gets it. Kept beside the e2e
// tests so `make test-e2e` runs them.
//
// Run: node --test tests/e2e/sweep-stats.test.mjs   (needs `make wasm`)

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, { schema } from '../../www/pkg/mlp_lab.js';
import { setSchema } from '../../www/schema.js';
import { mean, sd, pearson, spearman, ranks, correlationRatio, welchT, forestImportance } from '../../www/sweep/stats.js';
import { analyze, reportSpec } from '../../www/sweep/reports.js';
import { toMarkdown, toCsv, toHtml, escapeHtml } from '../../www/sweep/export.js';
import { csvCell } from '../../www/store/record.js';

before(async () => {
  await init({ module_or_path: readFileSync(new URL('../../www/pkg/mlp_lab_bg.wasm', import.meta.url)) });
  setSchema(JSON.parse(schema()));
});

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('mean, sample sd, Pearson and Spearman agree with hand-computed values', () => {
  close(mean([1, 2, 3, 4]), 2.5);
  close(sd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  close(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
  close(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1);
  // monotone but not linear: Spearman 1, Pearson below 1
  close(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000]), 1);
  assert.ok(pearson([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000]) < 0.9);
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])), 'no variance, no correlation');
});

test('the correlation ratio is 1 when groups explain everything and 0 when they explain nothing', () => {
  close(correlationRatio(['a', 'a', 'b', 'b'], [1, 1, 5, 5]), 1);
  close(correlationRatio(['a', 'b', 'a', 'b'], [1, 1, 5, 5]), 0);
  close(welchT([1, 2, 3], [1, 2, 3]), 0);
  assert.ok(welchT([10, 11, 12], [1, 2, 3]) > 5);
});

test('forest importance finds the one parameter the metric depends on', () => {
  let s = 7;
  const rand = () => { s = (s * 16807) % 2147483647; return s / 2147483647; };
  const X = Array.from({ length: 40 }, () => [rand(), rand(), rand()]);
  const y = X.map((r) => 3 * r[1] + 0.01 * rand());
  const imp = forestImportance(X, y, { seed: 3 });
  close(imp.reduce((a, b) => a + b, 0), 1, 1e-9);
  assert.ok(imp[1] > 0.8, `importance ${imp}`);
  assert.deepEqual(forestImportance(X, y, { seed: 3 }), imp, 'seeded: the same trials give the same bars');
});

const trial = (id, act, seed, final, status = 'completed') => ({
  id,
  record: { id, params: { hidden_activation: act, seed }, metric: status === 'failed' ? null : final, status, epochs: 2, seconds: 1, curve: [final - 0.1, final], message: status === 'failed' ? 'val_accuracy became NaN at epoch 2' : undefined },
  history: [{ epoch: 1, train_loss: 1, val_accuracy: final - 0.1, val_loss: 0.5 }, { epoch: 2, train_loss: 0.5, val_accuracy: final, val_loss: 0.3 }],
  testMetrics: { accuracy: final - 0.01 },
});

test('report findings name the best group, its margin, and whether it exceeds the seed spread', () => {
  const info = { metric: 'val_accuracy', goal: 'maximize' };
  const trials = [
    trial(0, 'sigmoid', 1, 0.80), trial(1, 'sigmoid', 2, 0.82),
    trial(2, 'tanh', 1, 0.90), trial(3, 'tanh', 2, 0.91),
    trial(4, 'relu', 1, 0.95), trial(5, 'relu', 2, 0.96),
    trial(6, 'leaky_relu', 1, 0.5, 'failed'), trial(7, 'leaky_relu', 2, 0.955),
  ];
  const r = analyze('activation', info, trials);
  assert.match(r.findings[0], /^Best hidden activation: relu, mean val_accuracy 95\.50% ± 0\.71%/);
  assert.match(r.findings[1], /runner-up, leaky_relu .* by 0\.00 percentage points; that is within the seed spread/);
  assert.ok(r.findings.some((f) => /^Worst: sigmoid at 81\.00% .* behind the best \(more than the larger seed sd/.test(f)), r.findings.join('\n'));
  assert.ok(r.findings.some((f) => /^leaky_relu: 1 of 2 runs failed \(val_accuracy became NaN/.test(f)));
  assert.equal(r.best.id, 5);
  const g = r.groups.find((x) => x.value === 'relu');
  assert.deepEqual(g.metricCurve.map((p) => p.x), [1, 2]);
  close(g.metricCurve[1].mean, 0.955);

  const clear = analyze('activation', info, [trial(0, 'tanh', 1, 0.90), trial(1, 'tanh', 2, 0.905), trial(2, 'relu', 1, 0.95), trial(3, 'relu', 2, 0.951)]);
  assert.match(clear.findings[1], /more than the larger seed spread .* Welch t = \d/);
});

test('exports: Markdown holds the table, CSV one row per run, HTML escapes every string', () => {
  const info = { metric: 'val_accuracy', goal: 'maximize' };
  const t = trial(0, 'relu', 1, 0.9);
  t.record.params.hidden_activation = 'relu';
  const r = analyze('activation', info, [t, trial(1, 'relu', 2, 0.92)]);
  const setup = { dataset: '<img src=x onerror=alert(1)>', description: 'a | b & "c"' };
  const md = toMarkdown(r, setup);
  assert.match(md, /\| relu \| 2 \| 91\.00% ± 1\.41% \|/);
  assert.match(md, /^# Activation functions: &lt;img src=x onerror=alert\(1\)&gt;$/m, 'no raw HTML in the Markdown');
  assert.match(md, /^a \| b &amp; "c"$/m);
  const csv = toCsv(r).trim().split('\n');
  assert.equal(csv.length, 3);
  assert.equal(csv[0], 'trial,hidden_activation,seed,status,val_accuracy,val_loss,test_accuracy,epochs,seconds,message');
  const html = toHtml(r, setup, [{ title: 'x"><script>', dataUrl: 'data:image/png;base64,AAAA' }, { title: 'bad', dataUrl: 'javascript:alert(1)' }]);
  assert.ok(!html.includes('<img src=x'), 'data set name escaped');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!html.includes('<script>'));
  assert.ok(!html.includes('javascript:'), 'only PNG data URLs are embedded');
  assert.equal(escapeHtml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
});

test('report specs: a grid of group × seed on the page config, refusing a network without hidden layers', () => {
  const config = { layers: [{ units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'cross_entropy', epochs: 30 };
  const spec = JSON.parse(reportSpec('init', config, 'iris', { epochs: 4 }));
  assert.equal(spec.method, 'grid');
  assert.equal(spec.max_trials, 18);
  assert.equal(spec.base.epochs, 4);
  assert.equal(spec.base.validation_split, 0.1, 'a validation split is added when the config has none');
  assert.deepEqual(spec.parameters.seed.values, [1, 2, 3]);
  assert.throws(() => reportSpec('activation', { ...config, layers: [{ units: 3, activation: 'softmax' }] }, 'iris'), /add a hidden layer/);
  const activations = JSON.parse(reportSpec('activation', config, 'iris')).parameters.hidden_activation.values;
  assert.deepEqual(activations, ['sigmoid', 'tanh', 'relu', 'leaky_relu'], 'the engine’s activations for hidden layers');
  assert.deepEqual(spec.parameters.init.values, JSON.parse(schema()).names.inits.map((i) => i.name));
});

test('a report spec asked for before the engine has sent its names says so', () => {
  const loaded = JSON.parse(schema());
  setSchema(null);
  try {
    assert.throws(() => reportSpec('init', { layers: [{ units: 3, activation: 'softmax' }] }, 'iris'), /engine is still loading/);
  } finally {
    setSchema(loaded);
  }
});

test('CSV export defuses cells a spreadsheet would run as formulas, as the runs export does', () => {
  const info = { metric: 'val_accuracy', goal: 'maximize' };
  // Messages are trial output and params are spec text: either may start like a formula.
  const cases = [['=HYPERLINK("http://x","y")', '+cmd|"/c calc"!A1'], ['@SUM(A1)', '\tsum'], ['-1+2', '\rCR']];
  const trials = cases.map(([seed, message], i) => {
    const t = trial(i, 'relu', seed, 0.9 - i / 10, 'failed');
    t.record.message = message;
    return t;
  });
  const csv = toCsv(analyze('activation', info, trials));
  for (const cell of ['"\'=HYPERLINK(""http://x"",""y"")"', '"\'+cmd|""/c calc""!A1"', "'@SUM(A1)", "'\tsum", "'-1+2", '"\'\rCR"']) {
    assert.ok(csv.includes(cell), `${JSON.stringify(cell)} in ${JSON.stringify(csv)}`);
  }
  assert.ok(!/(^|,)"?[=+\-@\t\r]/m.test(csv), `no cell starts with a formula character: ${JSON.stringify(csv)}`);
  // Numbers stay numbers, negative ones too: only text is defused.
  assert.equal(csvCell(-0.5), '-0.5');
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('a,"b"'), '"a,""b"""');
});
