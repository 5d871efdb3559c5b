// One run across page workers in Firefox ESR and WebKitGTK (tests/e2e/drivers.mjs): nested
// dedicated workers and the exchange work there too (shared memory where the browser has
// SharedArrayBuffer, else transferred buffers), and 1 and 2 workers train byte-identical
// weights — the same bytes as Chromium's. Skips, saying why, where a browser is
// not installed (scripts/install-tools.sh installs them).
//
// Run: node --test tests/e2e/workers-browsers.test.mjs   (needs `make wasm`)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from './harness.mjs';
import { chromiumDriver, firefoxDriver, webkitDriver, missing } from './drivers.mjs';

const CONFIG = {
  seed: 5,
  layers: [
    { units: 256, activation: 'relu', init: 'he_uniform' },
    { units: 256, activation: 'tanh' },
    { units: 2, activation: 'softmax' },
  ],
  loss: 'cross_entropy',
  optimizer: { name: 'adam', lr: 0.003 },
  batch_size: 256,
  epochs: 3,
  validation_split: 0.2,
  standardize: true,
};
const DATA = { kind: 'toy', name: 'spirals', n: 1500, noise: 0.1, seed: 9 };

/** In the page: trains CONFIG on 1 and on 2 workers in a fresh worker; {isolated, runs: [{workers, exchange, model}]}. */
async function trainInPage({ config, data }) {
  const worker = new Worker('/worker.js', { type: 'module' });
  const inbox = [];
  let wake = null;
  worker.onmessage = (e) => {
    inbox.push(e.data);
    wake?.();
  };
  const next = async (type) => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (i >= 0) {
        const [m] = inbox.splice(0, i + 1).slice(-1);
        if (m.type === 'error') throw new Error(m.message);
        return m;
      }
      await new Promise((ok) => { wake = ok; });
    }
  };
  worker.postMessage({ type: 'init' });
  await next('ready');
  worker.postMessage({ type: 'load-data', source: data });
  await next('data-loaded');
  const runs = [];
  for (const workers of [1, 2]) {
    worker.postMessage({ type: 'start', config, workers });
    const started = await next('started');
    await next('done');
    worker.postMessage({ type: 'export-model' });
    runs.push({ workers: started.workers, exchange: started.exchange, model: (await next('model')).json });
  }
  worker.terminate();
  return { isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer === 'function', runs };
}

async function runIn(makeDriver, url) {
  const driver = await makeDriver();
  try {
    await driver.goto(`${url}e2e/worker-page.html`);
    return { version: driver.version, ...(await driver.run(trainInPage, { config: CONFIG, data: DATA })) };
  } finally {
    await driver.close();
  }
}

for (const [engine, makeDriver] of [['firefox', firefoxDriver], ['webkit', webkitDriver]]) {
  test(`in ${engine} a run on 2 nested workers ends byte-identical to 1 worker and to Chromium`, async (t) => {
    const why = missing(engine);
    if (why) {
      t.skip(why);
      return;
    }
    const server = await harness.startServer();
    try {
      const got = await runIn(makeDriver, server.url);
      t.diagnostic(`${engine} ${got.version}: crossOriginIsolated ${got.isolated}, SharedArrayBuffer ${got.sab}, ${JSON.stringify(got.runs.map((r) => [r.workers, r.exchange]))}`);
      assert.equal(got.isolated, true);
      // WebKitGTK's MiniBrowser is isolated but has no SharedArrayBuffer: its workers transfer buffers
      assert.deepEqual(got.runs.map((r) => [r.workers, r.exchange]), [[1, null], [2, got.sab ? 'shared' : 'transfer']]);
      assert.equal(got.runs[1].model, got.runs[0].model);
      const ref = await runIn(chromiumDriver, server.url);
      assert.equal(got.runs[0].model, ref.runs[0].model, `${engine} and Chromium train the same bytes`);
    } finally {
      await server.close();
    }
  });
}
