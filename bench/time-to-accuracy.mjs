#!/usr/bin/env node
// Time to accuracy in the page: opens www/ in headless Chromium, picks a preset (default the
// full-MNIST one), presses Start like a user and measures the wall time from the click until the
// test accuracy first reaches the target (default 98.0%). After every epoch the script asks the
// page's own worker for the test-split accuracy (an `evaluate` request, the same one the page
// sends); that evaluation happens inside the timed run, so it counts against the result.
//
//   node bench/time-to-accuracy.mjs [--preset mnist-full.json] [--target 0.98] [--out bench]
//
// Needs `make wasm` and the full prepared MNIST in www/data (make data FULL=1).
// Writes bench/time-to-accuracy.json and prints one JSON line.

import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { launchBrowser, startServer, ROOT } from '../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const presetFile = opt('--preset', 'mnist-full.json');
const target = Number(opt('--target', '0.98'));
const outDir = path.resolve(ROOT, opt('--out', 'bench'));

const preset = JSON.parse((await import('node:fs')).readFileSync(path.join(ROOT, 'www/presets', presetFile), 'utf8'));
if (!existsSync(path.join(ROOT, 'www/data', `${preset.dataset}.json`))) {
  console.error(`www/data/${preset.dataset}.json is missing: run make data FULL=1 (or mlp-lab prepare-data --full)`);
  process.exit(2);
}

const server = await startServer();
const browser = await launchBrowser();
let result;
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.addInitScript(() => {
    // Records the worker's messages and, after each epoch, asks it for the test accuracy.
    window.__log = [];
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(...a) {
        super(...a);
        this.addEventListener('message', (e) => {
          const m = e.data;
          if (!m) return;
          const now = performance.now();
          if (m.type === 'epoch') {
            window.__log.push({ type: 'epoch', epoch: m.record.epoch, t: now });
            this.postMessage({ type: 'evaluate', split: 'test' });
          } else if (m.type === 'evaluation' && m.split === 'test') {
            window.__log.push({ type: 'test', accuracy: m.metrics.accuracy, t: now });
          } else if (m.type === 'done' || m.type === 'error') {
            window.__log.push({ type: m.type, t: now, accuracy: m.test_metrics?.accuracy, message: m.message });
          }
        });
      }
    };
  });
  const url = server.url.endsWith('/') ? server.url : `${server.url}/`;
  await page.goto(url);
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await page.selectOption('[data-testid=dataset-select]', preset.dataset);
  await page.waitForSelector('[data-testid=samples]:not([hidden])', { timeout: 180_000 });
  await page.selectOption('[data-testid=preset-select]', presetFile);
  await page.waitForSelector('[data-testid=start]:not([disabled])', { timeout: 60_000 });
  await page.waitForTimeout(1000);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.__log.some((m) => m.type === 'done' || m.type === 'error'), null, { timeout: 1_800_000, polling: 500 });
  await page.waitForTimeout(1500); // the last epoch's evaluation answer
  const log = await page.evaluate(() => window.__log);
  const tests = log.filter((m) => m.type === 'test');
  const reached = tests.find((m) => m.accuracy >= target);
  const end = log.find((m) => m.type === 'done' || m.type === 'error');
  if (end.type === 'error') throw new Error(`training failed: ${end.message}`);
  result = {
    date: new Date().toISOString(),
    preset: presetFile,
    dataset: preset.dataset,
    target,
    seconds_to_target: reached ? +((reached.t - t0) / 1000).toFixed(1) : null,
    epoch_reached: reached ? tests.indexOf(reached) + 1 : null,
    seconds_total: +((end.t - t0) / 1000).toFixed(1),
    final_test_accuracy: end.accuracy,
    test_accuracy_per_epoch: tests.map((m) => +m.accuracy.toFixed(4)),
    load_average: +loadavg()[0].toFixed(2),
    cores: cpus().length,
  };
} finally {
  await browser.close();
  await server.close();
}
writeFileSync(path.join(outDir, 'time-to-accuracy.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
