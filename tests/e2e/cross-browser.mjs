// What browsers-firefox.test.mjs and browsers-webkit.test.mjs share: the core flow in the engine
// under test, then in Chromium as the reference; training is bit-identical wherever the wasm runs,
// so every epoch's training loss and the test accuracy must match exactly. Time to 90% and to
// done are reported (diagnostics, never asserted: the machine is shared).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';
import { startProbedServer, runCoreFlow, checkCoreFlow } from './core-flow.mjs';
import { chromiumDriver, firefoxDriver, webkitDriver, missing } from './drivers.mjs';

const DRIVERS = { firefox: firefoxDriver, webkit: webkitDriver };

async function flowIn(makeDriver, url) {
  const driver = await makeDriver();
  try {
    return { version: driver.version, ...(await runCoreFlow(driver, url)) };
  } finally {
    await driver.close();
  }
}

function describe(name, r) {
  const to90 = r.secondsTo90 === null ? 'never reached 90%' : `${r.at90Kind} accuracy ≥ 90% after ${r.secondsTo90.toFixed(1)} s (epoch ${r.at90Epoch})`;
  return `${name} ${r.version}: test accuracy ${(r.accuracy * 100).toFixed(2)}% after ${r.epochs} epochs, ${to90}, done after ${r.secondsToDone.toFixed(1)} s`;
}

export async function crossBrowserTest(t, engine) {
  const why = missing(engine) ?? (existsSync(path.join(ROOT, 'www/data/mnist.json')) ? null : 'www/data/mnist.json is absent (make data)');
  if (why) {
    t.skip(why);
    return;
  }
  const server = await startProbedServer();
  try {
    const r = await flowIn(DRIVERS[engine], server.url);
    t.diagnostic(describe(engine, r));
    checkCoreFlow(assert, r);
    const ref = await flowIn(chromiumDriver, server.url);
    t.diagnostic(describe('chromium', ref));
    checkCoreFlow(assert, ref);
    assert.deepEqual(r.losses, ref.losses, 'every epoch’s training loss equals Chromium’s');
    assert.equal(r.accuracy, ref.accuracy, 'the test accuracy equals Chromium’s');
  } finally {
    await server.close();
  }
}
