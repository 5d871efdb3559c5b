// `mlp-lab train --kernel portable` reproduces the page's numbers bit for bit: the same configs
// trained by the wasm engine (www/pkg, in Node, as the page's worker calls it) and by the
// native CLI with the portable kernel (on 2 threads, so the shards are also shared out) save
// the same weights and record the same losses, to the last bit. The configs take the exp and
// tanh paths (sigmoid, tanh, softmax, sigmoid + BCE), batch sizes of 1 and several shards with
// a short last batch, standardised inputs and a validation split. The default native kernel
// (AVX-512/FMA products, the platform's exp) is checked to differ, so the comparison can tell.
//
// Needs `make wasm` (www/pkg) and builds the native binary (cargo build --release).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, WWW, wasmBuilt } from './harness.mjs';

const BIN = path.join(ROOT, 'target', 'release', 'mlp-lab');

/** 600 rows (480 to train), 6 features on very different scales (standardisation matters), 3 classes. */
function csv() {
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0xffffffff;
  };
  const scales = [1, 10, 0.01, 1000, 3, 0.5];
  const lines = ['f0,f1,f2,f3,f4,f5,label'];
  for (let i = 0; i < 600; i++) {
    const u = scales.map(() => next() * 2 - 1);
    const label = u[0] + u[1] > 0.3 ? 2 : u[2] - u[3] > 0 ? 1 : 0;
    lines.push([...u.map((v, j) => (v * scales[j] + j).toPrecision(7)), label].join(','));
  }
  return lines.join('\n') + '\n';
}

const BASE = { seed: 9, standardize: true, validation_split: 0.2, epochs: 3, shuffle: true };
const CONFIGS = {
  'sigmoid and tanh into softmax, batch 16 (1 shard)': {
    ...BASE,
    layers: [
      { units: 12, activation: 'sigmoid', init: 'xavier_normal' },
      { units: 8, activation: ['tanh', 'tanh', 'tanh', 'relu', 'relu', 'sigmoid', 'sigmoid', 'tanh'] },
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross_entropy',
    optimizer: { name: 'adam', lr: 0.01 },
    batch_size: 16,
  },
  'tanh into softmax through the Jacobian, batch 200 (3 shards; last batch 80, 1 shard)': {
    ...BASE,
    layers: [
      { units: 16, activation: 'tanh', init: 'he_normal' },
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross_entropy',
    fused: false,
    optimizer: { name: 'rmsprop', lr: 0.005, momentum: 0.5 },
    regularization: { kind: 'l2', lambda: 0.001 },
    clip: { kind: 'norm', max_norm: 1 },
    batch_size: 200,
  },
  'sigmoid + BCE on one output, batch 256 (4 shards; last batch 224, 3 shards)': {
    ...BASE,
    epochs: 4,
    layers: [
      { units: 10, activation: 'tanh' },
      { units: 1, activation: 'sigmoid' },
    ],
    loss: 'binary_cross_entropy',
    task: 'binary',
    optimizer: { name: 'adam', lr: 0.02 },
    batch_size: 256,
  },
};

async function engine() {
  const mod = await import(path.join(WWW, 'pkg', 'mlp_lab.js'));
  mod.initSync({ module: readFileSync(path.join(WWW, 'pkg', 'mlp_lab_bg.wasm')) });
  return mod;
}

function pageRun(mod, text, config) {
  const task = config.task ?? 'multiclass';
  const data = config.task === 'binary'
    ? mod.DataSet.from_csv('portable.csv', binary(text), 'label', task)
    : mod.DataSet.from_csv('portable.csv', text, 'label', task);
  const trainer = new mod.Trainer(config, data, undefined);
  while (!trainer.done) trainer.step(50);
  return { model: JSON.parse(trainer.export_model()), history: trainer.history() };
}

/** Classes 0/1 for the binary config (class 2 → 1). */
function binary(text) {
  return text.replace(/,2\n/g, ',1\n');
}

function nativeRun(dir, name, text, config, kernel) {
  const csvPath = path.join(dir, `${name}.csv`);
  writeFileSync(csvPath, config.task === 'binary' ? binary(text) : text);
  const cfg = path.join(dir, `${name}.json`);
  writeFileSync(cfg, JSON.stringify(config));
  const model = path.join(dir, `${name}-${kernel}-model.json`);
  const history = path.join(dir, `${name}-${kernel}-history.json`);
  execFileSync(BIN, ['train', '--config', cfg, '--data', csvPath, '--target', 'label', '--kernel', kernel,
    '--threads', '2', '--save', model, '--history', history, '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { model: JSON.parse(readFileSync(model, 'utf8')), history: JSON.parse(readFileSync(history, 'utf8')) };
}

const weights = (m) => m.layers.map((l) => ({ weights: l.weights, bias: l.bias }));
const curve = (h) => h.epochs.map((e) => [e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy]);

test('the portable kernel trains the page\'s weights and losses bit for bit', { skip: !wasmBuilt() && 'www/pkg is missing: run `make wasm`', timeout: 600_000 }, async () => {
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const mod = await engine();
  const text = csv();
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-lab-portable-'));
  try {
    let i = 0;
    for (const [what, config] of Object.entries(CONFIGS)) {
      const name = `case${i++}`;
      const page = pageRun(mod, text, config);
      const native = nativeRun(dir, name, text, config, 'portable');
      assert.deepEqual(weights(native.model), weights(page.model), `${what}: weights differ`);
      assert.deepEqual(native.model.input_scaling, page.model.input_scaling, `${what}: standardisation differs`);
      assert.deepEqual(curve(native.history), curve(page.history), `${what}: recorded losses differ`);
      const fast = nativeRun(dir, name, text, config, 'native');
      assert.notDeepEqual(weights(fast.model), weights(page.model), `${what}: the native kernel matched too, so this comparison proves nothing`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
