// The run record's exchange formats (www/store/record.js) in Node, without a browser: imported
// files are untrusted, so every bad field is refused with the file and path named; CSV cells
// that a spreadsheet would run as formulas are defused.
//
// Run: node --test tests/e2e/run-record.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRecord, exportJson, parseRunsFile, exportCsv, CSV_COLUMNS } from '../../www/store/record.js';

function sampleRun() {
  const r = newRecord({ config: { seed: 3, epochs: 2, layers: [{ units: 4 }, { units: 2 }], optimizer: { name: 'sgd', lr: 0.1 } }, data: { name: 'iris' }, dataName: 'iris' });
  r.status = 'done';
  r.endedAt = r.startedAt + 1000;
  r.history = [1, 2].map((epoch) => ({
    epoch, train_loss: 1 / epoch, train_accuracy: 0.5, val_loss: 0.9 / epoch, lr: 0.1, grad_norms: [0.2, 0.1],
    weight_histograms: [{ min: -1, max: 1, counts: [1, 2, 3] }], grad_histograms: [{ min: -0.1, max: 0.1, counts: [3, 2, 1] }], seconds: 0.01,
  }));
  r.testMetrics = { loss: 0.4, accuracy: 0.9, confusion_matrix: [[5, 1], [0, 4]], per_class: [] };
  r.model = '{"format":"mlp-lab-model"}';
  r.modelEpoch = 2;
  return r;
}

const withRun = (mutate) => {
  const doc = JSON.parse(exportJson([sampleRun()]));
  mutate(doc.runs[0], doc);
  return JSON.stringify(doc);
};

test('an exported run parses back to the same record', () => {
  const r = sampleRun();
  assert.deepEqual(parseRunsFile(exportJson([r]), 'runs.json'), [r]);
});

test('a run exported while training comes back as interrupted, not as live', () => {
  const [back] = parseRunsFile(withRun((r) => { r.status = 'running'; }), 'runs.json');
  assert.equal(back.status, 'interrupted');
});

test('bad files are refused naming the file and the field', () => {
  const cases = [
    ['{', /^runs\.json: not valid JSON \(the text ends before the JSON does \(cut short\?\) at line 1, column 2\)$/],
    ['{"format": "mlp-lab-runs",\n "runs": [1 2]}', /^runs\.json: not valid JSON \(expected "," or "\]", found "2" at line 2, column 13\)$/],
    ['[]', /^runs\.json: the top level: expected an object, found an array$/],
    [withRun((r, d) => { d.format = 'other'; }), /^runs\.json: format: expected "mlp-lab-runs" .*, found "other"$/],
    [withRun((r, d) => { d.version = 2; }), /^runs\.json: version: expected 1, found 2$/],
    [withRun((r) => { r.status = 'great'; }), /^runs\.json: runs\[0\]\.status: expected one of running, done, stopped, failed, interrupted, found "great"$/],
    [withRun((r) => { r.history[1].epoch = 3; }), /^runs\.json: runs\[0\]\.history\[1\]\.epoch: expected 2 \(epochs numbered 1, 2, 3, … without gaps\), found 3$/],
    [withRun((r) => { r.history[0].grad_norms[1] = 'big'; }), /^runs\.json: runs\[0\]\.history\[0\]\.grad_norms\[1\]: expected a number, found "big"$/],
    [withRun((r) => { r.history[0].grad_histograms[0].counts[2] = -1; }), /^runs\.json: runs\[0\]\.history\[0\]\.grad_histograms\[0\]\.counts\[2\]: expected a whole number ≥ 0, found -1$/],
    [withRun((r) => { r.testMetrics.confusion_matrix[1] = 'x'; }), /^runs\.json: runs\[0\]\.testMetrics\.confusion_matrix\[1\]: expected an array, found "x"$/],
    [withRun((r) => { r.modelEpoch = 5; }), /^runs\.json: runs\[0\]\.modelEpoch: expected at most 2 \(the epochs in its history\), found 5$/],
    [withRun((r) => { r.config = null; }), /^runs\.json: runs\[0\]\.config: expected an object, found null$/],
    [withRun((r) => { r.id = ''; }), /^runs\.json: runs\[0\]\.id: expected a non-empty id, found ""$/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseRunsFile(text, 'runs.json'), { message });
});

test('CSV: one row per run and epoch, quoting and formula-looking names defused', () => {
  const r = sampleRun();
  r.name = '=HYPERLINK("x"),1';
  const lines = exportCsv([r]).trim().split('\n');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.equal(lines.length, 3);
  assert.ok(lines[1].startsWith(`${r.id},"'=HYPERLINK(""x""),1",iris,done,1,1,0.5,0.9,,,,,0.1,0.01,0.2;0.1`), lines[1]);
});
