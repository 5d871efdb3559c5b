// Runs the page's two comparison reports ("activation functions", "initializations") on a data
// set in headless Chromium, exactly as the Reports panel's button does, and saves each report's
// exports (Markdown, CSV, standalone HTML) under OUT/reports/. With --write, also writes
// OUT/REPORTS.md from them and from the sweep-speedup.json that scripts/sweep-speedup.mjs wrote
// (--speedup FILE; default OUT/sweep-speedup.json when it exists). OUT is --out, default bench.
//
//   node scripts/sweep-reports.mjs [--data mnist] [--epochs 5] [--seeds 3] [--write] [--speedup FILE]
//                                  [--quick] [--out bench]
//
// --quick (make test): digits, 1 epoch, 1 seed, --write.

import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as harness from '../tests/e2e/harness.mjs';
import { speedupSection } from './sweep-speedup-table.mjs';

function args() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const out = { quick, data: quick ? 'digits' : 'mnist', epochs: quick ? 1 : 5, seeds: quick ? 1 : 3, write: quick, speedup: null, out: path.join(harness.ROOT, 'bench') };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--write') { out.write = true; continue; }
    if (k === '--quick') continue;
    const v = argv[++i];
    if (v === undefined) throw new Error(`${k}: needs a value`);
    if (k === '--data') out.data = v;
    else if (k === '--epochs') out.epochs = Number(v);
    else if (k === '--seeds') out.seeds = Number(v);
    else if (k === '--speedup') out.speedup = path.resolve(v);
    else if (k === '--out') out.out = path.resolve(v);
    else throw new Error(`unknown option ${k}; known: --data, --epochs, --seeds, --write, --speedup, --quick, --out`);
  }
  if (!Number.isInteger(out.epochs) || out.epochs < 1) throw new Error(`--epochs: must be a whole number ≥ 1, found ${out.epochs}`);
  if (!Number.isInteger(out.seeds) || out.seeds < 1 || out.seeds > 10) throw new Error(`--seeds: must be a whole number from 1 to 10, found ${out.seeds}`);
  if (out.speedup && !existsSync(out.speedup)) throw new Error(`--speedup: ${out.speedup} does not exist`);
  if (!out.speedup && existsSync(path.join(out.out, 'sweep-speedup.json'))) out.speedup = path.join(out.out, 'sweep-speedup.json');
  return out;
}

const opts = args();
const OUT = path.join(opts.out, 'reports');
mkdirSync(OUT, { recursive: true });
const server = await harness.startServer();
const browser = await harness.launchBrowser();
const saved = {};
const started = Date.now();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('.engine.ok', { timeout: 120_000 });
  await page.waitForFunction(() => window.mlpLab?.summary, null, { timeout: 120_000 });
  if (await page.evaluate(() => window.mlpLab.dataRef?.name) !== opts.data) {
    await page.selectOption('[data-testid=dataset-select]', opts.data);
  }
  await page.waitForFunction((d) => window.mlpLab.dataRef?.name === d && window.mlpLab.summary?.name === d, opts.data, { timeout: 120_000 });
  await page.waitForTimeout(1000); // the preset's config follows the data set
  const config = await page.evaluate(() => window.mlpLab.config);
  await page.click('[role=tab][data-section=reports]'); // the workspace shows one section at a time
  await page.waitForSelector('[data-testid=section-reports]:not([hidden])');
  await page.fill('[data-testid=report-epochs]', String(opts.epochs));
  await page.fill('[data-testid=report-seeds]', String(opts.seeds));
  await page.click('[data-testid=report-build]');
  for (const kind of ['activation', 'init']) {
    await page.waitForSelector(`[data-testid=report-${kind}][data-state=done]`, { timeout: 4 * 60 * 60_000 });
    for (const [ext, testid] of [['md', 'md'], ['csv', 'csv'], ['html', 'html']]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=report-${kind}-export-${testid}]`)]);
      const file = path.join(OUT, `${opts.data}-${kind}.${ext}`);
      copyFileSync(await download.path(), file);
      saved[`${kind}.${ext}`] = file;
    }
    // For a person to look at; tests/e2e/screenshots/ is not committed.
    const shots = path.join(harness.ROOT, 'tests/e2e/screenshots');
    mkdirSync(shots, { recursive: true });
    await page.locator(`[data-testid=report-${kind}]`).screenshot({ path: path.join(shots, `report-${opts.data}-${kind}.png`) });
    console.log(`${kind}: saved ${Object.keys(saved).filter((k) => k.startsWith(kind)).length} files`);
  }
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  const minutes = (Date.now() - started) / 60000;
  console.log(`both reports in ${minutes.toFixed(1)} min; network ${config.layers.map((l) => l.units).join('-')}`);
  if (opts.write) {
    const md = (kind) => readFileSync(saved[`${kind}.md`], 'utf8').replace(/^# /m, '### ').replace(/^## /gm, '#### ');
    const lines = [
      '# Sweeps and reports in the page: measured',
      '',
      `Generated by \`node scripts/sweep-reports.mjs ${process.argv.slice(2).join(' ')}\`${opts.speedup ? ` from \`${path.relative(harness.ROOT, opts.speedup)}\` (scripts/sweep-speedup.mjs)` : ''}; ` +
        `reports measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} cores (load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at their end), headless Chromium, the real page.`,
      '',
    ];
    if (opts.speedup) lines.push(...speedupSection(JSON.parse(readFileSync(opts.speedup, 'utf8'))));
    // Headline: each report's first two findings (best group; its margin over the runner-up).
    const headline = (kind) => readFileSync(saved[`${kind}.md`], 'utf8').split('\n').filter((l) => l.startsWith('- ')).slice(0, 2);
    lines.push(`## Reports on ${opts.data} (${opts.epochs} epochs, ${opts.seeds} seeds per group, ${minutes.toFixed(1)} min for both)`, '',
      '### Headline findings', '', '**Activation functions**', '', ...headline('activation'), '', '**Initializations**', '', ...headline('init'), '',
      `Exports as the page makes them (Markdown, CSV, standalone HTML with the charts): \`${path.relative(harness.ROOT, OUT)}/${opts.data}-{activation,init}.{md,csv,html}\`.`, '',
      md('activation'), '', md('init'), '');
    writeFileSync(path.join(opts.out, 'REPORTS.md'), lines.join('\n'));
    console.log(`wrote ${path.relative(harness.ROOT, path.join(opts.out, 'REPORTS.md'))}`);
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
