// What a first visit downloads before the user does anything: the page, its scripts, the engine
// and the default data set (the MNIST subset, gzip-compressed by prepare-data and inflated in the
// page), summed from the bytes every response body carried until the network is idle. The page
// is served by scripts/serve.mjs (no Content-Encoding: what a plain static host sends).
// Run: node --test tests/e2e/first-load.test.mjs (needs make wasm and www/data/mnist*)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';
import { startProbedServer, waitForNetworkIdle, waitInPage } from './core-flow.mjs';
import { chromiumDriver } from './drivers.mjs';

const LIMIT = 4_000_000;

test('a first visit fetches at most 4 MB before the user acts, and the default MNIST preset is ready to train', async (t) => {
  if (!existsSync(path.join(ROOT, 'www/data/mnist.json'))) {
    t.skip('www/data/mnist.json is absent (make data)');
    return;
  }
  const server = await startProbedServer();
  const driver = await chromiumDriver();
  try {
    await driver.goto(server.url);
    await waitInPage(driver, () => document.querySelector('.engine.ok') !== null, { what: 'the engine' });
    await waitInPage(driver, () => {
      const s = document.querySelector('[data-testid=samples]');
      return s !== null && !s.hidden && !document.querySelector('[data-testid=start]').disabled;
    }, { timeout: 120_000, what: 'the MNIST subset to load and Start to be enabled' });
    await waitForNetworkIdle(server.traffic);
    const { bytes, requests } = server.traffic;
    const biggest = [...requests].sort((a, b) => b.bytes - a.bytes).slice(0, 5)
      .map((r) => `${r.url} ${(r.bytes / 1e6).toFixed(2)} MB`).join(', ');
    t.diagnostic(`first load: ${bytes} bytes (${(bytes / 1e6).toFixed(2)} MB) in ${requests.length} requests; largest: ${biggest}`);
    assert.ok(requests.some((r) => /mnist\.train\.bin/.test(r.url)), 'the default set was fetched');
    assert.ok(bytes <= LIMIT, `first load ${bytes} bytes, over ${LIMIT}`);
    assert.deepEqual(await driver.run(() => window.__probe.errors), [], 'no console error');
  } finally {
    await driver.close();
    await server.close();
  }
});
