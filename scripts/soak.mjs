#!/usr/bin/env node
// Soak test (opt-in: `make soak`, a few minutes): 50 epochs of the MNIST subset in the page, in
// headless Chromium, through the page's own controls and worker. It records
//   - the engine's wasm linear memory (the worker's 'memory' request) at epochs 1, 10 and 50,
//   - the page's JS heap after a forced GC (CDP HeapProfiler.collectGarbage + Runtime.getHeapUsage)
//     at the same epochs,
//   - the longest gap between animation frames while the tab is shown (measurement moments,
//     whose forced GC pauses the page on purpose, are left out),
//   - what happens when the tab goes to the background mid-run, for --hide-seconds: headless
//     Chromium has no background tabs (Page.setWebLifecycleState 'frozen', minimising the window
//     and a second tab in front all leave the page visible and its timers running: measured), so
//     the soak does what a background tab undergoes by hand: document.visibilityState reads
//     'hidden' (with the visibilitychange event) and the page's main thread is stopped outright
//     (CDP Debugger.pause, harsher than Chrome's freezing), then both are undone. Checked: the
//     worker trained on or picked up again, no false crash alarm, the right epoch shown after.
// Writes bench/soak.json and bench/SOAK.md; exits 1 when a check fails.
//
//   node scripts/soak.mjs [--epochs 50] [--hide-at 20] [--hide-seconds 10] [--quick] [--out bench]
//
// --quick (make test): 10 epochs, hidden for 2 s at epoch 4; every figure is written, but the
// frame-gap check, a timing on a shared machine, is reported without failing the run.

import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser } from '../tests/e2e/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_FRAME_GAP_MS = 200;
/** JS heap growth from epoch 10 to the last epoch that still counts as noise. */
const HEAP_NOISE_BYTES = 2 * 2 ** 20;

function args(argv) {
  const o = { epochs: 50, hideAt: 20, hideSeconds: 10, quick: false, out: path.join(ROOT, 'bench') };
  if (argv.includes('--quick')) Object.assign(o, { epochs: 10, hideAt: 4, hideSeconds: 2, quick: true });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') continue;
    const num = (name) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a number ≥ 0, found ${argv[i]}`);
      return v;
    };
    if (a === '--epochs') o.epochs = Math.max(10, Math.round(num(a)));
    else if (a === '--hide-at') o.hideAt = Math.round(num(a));
    else if (a === '--hide-seconds') o.hideSeconds = num(a);
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: node scripts/soak.mjs [--epochs N] [--hide-at E] [--hide-seconds S] [--quick] [--out DIR]`);
  }
  if (o.hideAt < 2 || o.hideAt >= o.epochs - 2) throw new Error(`--hide-at must be between 2 and ${o.epochs - 3}`);
  return o;
}

const mib = (b) => (b === null || b === undefined ? '–' : `${(b / 2 ** 20).toFixed(2)} MiB`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opt = args(process.argv.slice(2));
  if (!existsSync(path.join(ROOT, 'www/data/mnist.json'))) {
    throw new Error('www/data/mnist.json is missing: prepare the data subsets first (make data)');
  }
  const preset = JSON.parse(readFileSync(path.join(ROOT, 'www/presets/mnist.json'), 'utf8'));
  const config = { ...preset.config, epochs: opt.epochs };
  const hash = `#run=${Buffer.from(JSON.stringify({ data: { name: 'mnist' }, config })).toString('base64url')}`;

  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    // Frame gaps while shown; `__frames.pause()` stops counting (measurements, hidden periods).
    await page.addInitScript(() => {
      const f = { max: 0, at: 0, count: 0, paused: false, last: 0, events: [] };
      f.pause = () => { f.paused = true; };
      f.resume = () => { f.paused = false; f.last = 0; };
      const loop = (t) => {
        if (!f.paused && document.visibilityState === 'visible') {
          if (f.last && t - f.last > f.max) { f.max = t - f.last; f.at = window.mlpLab?.run?.history?.length ?? -1; }
          f.last = t;
          f.count += 1;
        } else f.last = 0;
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
      for (const e of ['freeze', 'resume', 'visibilitychange']) document.addEventListener(e, () => f.events.push(`${e}:${document.visibilityState}`));
      window.__frames = f;
    });
    await page.goto(server.url + hash);
    await page.waitForSelector('.engine.ok', { timeout: 60_000 });
    await page.waitForFunction(() => window.mlpLab?.tracker && window.mlpLab.summary?.name && !document.querySelector('[data-testid=start]').disabled, null, { timeout: 120_000 });
    const cdp = await context.newCDPSession(page);

    const epochs = () => page.evaluate(() => window.mlpLab.run.history.length);
    const waitEpoch = (k, timeout = 600_000) => page.waitForFunction((n) => window.mlpLab.run.history.length >= n || ['done', 'failed'].includes(window.mlpLab.run.status), k, { timeout, polling: 50 });
    const measure = async (label) => {
      await page.evaluate(() => window.__frames.pause());
      const epoch = await epochs();
      const wasm = await page.evaluate(async () => (await window.mlpLab.request({ type: 'memory', id: window.mlpLab.id() }, 'memory')).wasm_bytes);
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      await page.evaluate(() => window.__frames.resume());
      const m = { label, epoch, wasm_bytes: wasm, js_heap_used_bytes: heap.usedSize, js_heap_total_bytes: heap.totalSize };
      console.log(`epoch ${epoch}: wasm ${mib(wasm)}, page JS heap ${mib(heap.usedSize)}`);
      return m;
    };

    const t0 = Date.now();
    await page.click('[data-testid=start]');
    // Frame gaps count from the start of training (loading the data set is not part of the soak).
    await page.evaluate(() => Object.assign(window.__frames, { max: 0, at: 0, count: 0, last: 0 }));
    await waitEpoch(1);
    const points = [await measure('epoch 1')];
    await waitEpoch(10);
    points.push(await measure('epoch 10'));

    // Into the background and back.
    await waitEpoch(opt.hideAt);
    await page.evaluate(() => window.__frames.pause());
    const before = await epochs();
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    await sleep(opt.hideSeconds * 1000);
    await cdp.send('Debugger.resume');
    await cdp.send('Debugger.disable');
    await page.evaluate(() => {
      delete document.visibilityState;
      delete document.hidden;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const backAt = Date.now();
    const justAfter = await epochs();
    await sleep(2000);
    const after = await epochs();
    await page.evaluate(() => window.__frames.resume());
    const shown = await page.evaluate(() => ({
      readout: Number(document.querySelector('[data-testid=epoch]').textContent),
      history: window.mlpLab.run.history.length,
      progress: window.mlpLab.run.progress?.epoch ?? null,
      status: window.mlpLab.run.status,
      crashAlert: Boolean(document.querySelector('[data-testid=worker-crash]')),
      events: window.__frames.events.slice(),
    }));
    const hidden = {
      seconds: opt.hideSeconds, epoch_before: before, epoch_right_after: justAfter, epoch_2s_after: after, ...shown,
      continued_while_hidden: justAfter > before,
      went_on_after: after > justAfter || shown.status === 'done',
      state_right: shown.status !== 'failed' && !shown.crashAlert && Math.abs(shown.readout - shown.progress) <= 1 && shown.history >= shown.progress - 1,
    };
    console.log(`hidden ${opt.hideSeconds} s at epoch ${before}: ${justAfter} right after, ${after} 2 s later; readout ${shown.readout}, events ${shown.events.join(' ')}`);

    await page.waitForFunction(() => ['done', 'failed'].includes(window.mlpLab.run.status), null, { timeout: 1_800_000, polling: 200 });
    const seconds = (Date.now() - t0) / 1000;
    points.push(await measure(`epoch ${opt.epochs}`));
    const frames = await page.evaluate(() => ({ max: window.__frames.max, atEpoch: window.__frames.at, count: window.__frames.count }));
    const final = await page.evaluate(() => ({ status: window.mlpLab.run.status, epochs: window.mlpLab.run.history.length, test: window.mlpLab.run.testMetrics?.accuracy ?? null }));
    const load = os.loadavg();

    const [p1, p10, pN] = points;
    const checks = {
      finished: final.status === 'done' && final.epochs === opt.epochs,
      wasm_flat_after_epoch_1: pN.wasm_bytes === p1.wasm_bytes,
      js_heap_growth_within_noise: pN.js_heap_used_bytes - p10.js_heap_used_bytes <= HEAP_NOISE_BYTES,
      frame_gap_under_200ms: frames.max <= MAX_FRAME_GAP_MS,
      survived_hidden: (hidden.continued_while_hidden || hidden.went_on_after) && hidden.state_right,
      no_page_errors: errors.length === 0,
    };
    const result = {
      date: new Date().toISOString(), quick: opt.quick, host: { cpus: os.cpus().length, load_average_1_5_15: load.map((l) => Number(l.toFixed(2))) },
      config: { data: 'mnist (prepared subset)', layers: config.layers.map((l) => l.units), batch_size: config.batch_size, epochs: opt.epochs },
      seconds: Number(seconds.toFixed(1)), final, points, max_frame_gap_ms: Number(frames.max.toFixed(1)), max_frame_gap_at_epoch: frames.atEpoch,
      frames: frames.count, hidden, checks, errors, heap_noise_bytes: HEAP_NOISE_BYTES, back_at_ms: backAt - t0,
    };
    mkdirSync(opt.out, { recursive: true });
    writeFileSync(path.join(opt.out, 'soak.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(opt.out, 'SOAK.md'), report(result));
    console.log(`wrote ${path.join(opt.out, 'SOAK.md')} and soak.json`);
    const timing = opt.quick ? ['frame_gap_under_200ms'] : [];
    const failed = Object.entries(checks).filter(([k, ok]) => !ok && !timing.includes(k)).map(([k]) => k);
    if (failed.length) {
      console.error(`soak: failed checks: ${failed.join(', ')}${errors.length ? `\npage errors:\n${errors.join('\n')}` : ''}`);
      process.exitCode = 1;
    } else console.log('soak: all checks passed');
  } finally {
    await browser.close();
    await server.close();
  }
}

function report(r) {
  const row = (p) => `| ${p.label} | ${p.epoch} | ${p.wasm_bytes.toLocaleString('en-US')} (${mib(p.wasm_bytes)}) | ${p.js_heap_used_bytes.toLocaleString('en-US')} (${mib(p.js_heap_used_bytes)}) |`;
  const [p1, p10, pN] = r.points;
  const h = r.hidden;
  return `# Soak test

\`make soak\` (scripts/soak.mjs${r.quick ? ' --quick: a check that every figure is produced, not a measurement' : ''}), ${r.date}: ${r.config.epochs} epochs of the prepared MNIST subset,
${r.config.layers.join('-')}, batch ${r.config.batch_size}, in headless Chromium on ${r.host.cpus} CPUs
(load average ${r.host.load_average_1_5_15.join(' / ')}, shared with other work). Wall time ${r.seconds} s;
final test accuracy ${r.final.test === null ? '–' : `${(r.final.test * 100).toFixed(2)}%`}.

| moment | epochs done | wasm linear memory (bytes) | page JS heap after GC (bytes) |
|---|---|---|---|
${r.points.map(row).join('\n')}

- wasm memory from epoch 1 to ${pN.epoch}: ${(pN.wasm_bytes - p1.wasm_bytes).toLocaleString('en-US')} bytes of growth.
- page JS heap from epoch 10 to ${pN.epoch}: ${(pN.js_heap_used_bytes - p10.js_heap_used_bytes).toLocaleString('en-US')} bytes
  (noise allowance ${mib(r.heap_noise_bytes)}; the run's history with histograms is part of it).
- longest gap between animation frames while shown: ${r.max_frame_gap_ms} ms (at epoch ${r.max_frame_gap_at_epoch}; limit 200 ms;
  ${r.frames.toLocaleString('en-US')} frames). The moments of measurement, which force a GC, are left out.
- background: for ${h.seconds} s from epoch ${h.epoch_before} the page read as hidden and its main thread was stopped
  (CDP Debugger.pause; headless Chromium has no real background tabs, see scripts/soak.mjs);
  ${h.epoch_right_after} epochs right after, ${h.epoch_2s_after} two seconds later
  (${h.continued_while_hidden ? 'the worker trained on meanwhile' : 'training paused meanwhile and went on after'});
  the page then showed epoch ${h.readout} with ${h.history} epochs in its history, status ${h.status}, no crash banner: ${!h.crashAlert}.
  Page events: ${h.events.join(', ') || 'none'}.

| check | result |
|---|---|
${Object.entries(r.checks).map(([k, v]) => `| ${k.replace(/_/g, ' ')} | ${v ? 'pass' : '**fail**'} |`).join('\n')}
`;
}

main().catch((e) => {
  console.error(`soak: ${e.message}`);
  process.exit(1);
});
