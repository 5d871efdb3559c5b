// Accessibility of the page (axe-core, WCAG 2.1 A/AA and best practice): no violation in any
// section as loaded and while training; the keyboard alone chooses data, starts, pauses and stops a
// run and switches sections; every section is photographed at 1280 and 390 px for a person to
// look at (tests/e2e/screenshots/, gitignored).
//
// Run: node --test tests/e2e/a11y.test.mjs   (needs `make wasm` and npm's axe-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as harness from './harness.mjs';
import { runHash } from './runs-helpers.mjs';

const AXE = readFileSync(path.join(harness.ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SHOTS = path.join(harness.ROOT, 'tests/e2e/screenshots');
const SECTIONS = ['train', 'inspect', 'runs', 'sweeps', 'reports'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const preset = (name) => JSON.parse(readFileSync(path.join(harness.WWW, `presets/${name}.json`), 'utf8')).config;

let server;
let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await harness.startServer();
  browser = await harness.launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page whose CSP lets the test inject axe (the page's own policy forbids inline scripts). */
async function open(hash, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + hash);
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await page.waitForFunction(() => window.mlpLab?.summary && window.mlpLab.tracker && !document.querySelector('[data-testid=start]').disabled, null, { timeout: 60_000 });
  await page.addScriptTag({ content: AXE });
  return { page, context, errors };
}

/** axe's violations in the page as it is now: "rule (impact): target …" lines. */
async function violations(page) {
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

const small = () => runHash({ ...preset('spirals'), epochs: 100000 }, { name: 'spirals' });

test('no axe violation in any section as loaded, nor while training', async () => {
  const { page, context, errors } = await open(small());
  for (const name of SECTIONS) {
    await harness.gotoSection(page, name);
    assert.deepEqual(await violations(page), [], `${name} as loaded`);
  }
  await harness.gotoSection(page, 'train');
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.mlpLab.run.history.length > 3, null, { timeout: 60_000 });
  for (const name of SECTIONS) {
    await harness.gotoSection(page, name);
    await page.waitForTimeout(300);
    assert.deepEqual(await violations(page), [], `${name} while training`);
  }
  await page.evaluate(() => window.mlpLab.stopRun());
  await context.close();
  assert.deepEqual(errors, []);
});

test('no axe violation in the Inspect example picker: the drawing grid and the typed values', { skip: !existsSync(path.join(harness.WWW, 'data/mnist.json')) && 'no www/data/mnist.json' }, async () => {
  const { page, context, errors } = await open('');
  await harness.gotoSection(page, 'inspect');
  for (const kind of ['draw', 'values']) {
    await page.selectOption('[data-testid=graph-example-kind]', kind);
    assert.deepEqual(await violations(page), [], `Inspect with the example picker on ${kind}`);
  }
  await context.close();
  assert.deepEqual(errors, []);
});

/** Presses Tab until the element with `testid` has the focus (a keyboard user's way there). */
async function tabTo(page, selector, limit = 250) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} cannot be reached with Tab`);
}

test('the keyboard alone chooses data, starts, pauses, resumes and stops a run, and switches sections', async () => {
  const { page, context, errors } = await open(small());
  // data: the data-set list, moved with the arrow keys
  await tabTo(page, '[data-testid=dataset-select]');
  const before = await page.evaluate(() => window.mlpLab.summary.name);
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((b) => window.mlpLab.summary?.name && window.mlpLab.summary.name !== b, before, { timeout: 60_000 });
  // the new data's preset trains briefly: many more epochs, typed in, so Pause finds it running
  await tabTo(page, '[data-testid=epochs]');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('100000');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => window.mlpLab.config.epochs === 100000 && window.mlpLab.problemsFresh && !document.querySelector('[data-testid=start]').disabled, null, { timeout: 60_000 });
  await tabTo(page, '[data-testid=start]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.mlpLab.run.status === 'running', null, { timeout: 60_000 });
  await tabTo(page, '[data-testid=pause]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.mlpLab.run.status === 'paused');
  await tabTo(page, '[data-testid=resume]');
  await page.keyboard.press(' ');
  await page.waitForFunction(() => window.mlpLab.run.status === 'running');
  await tabTo(page, '[data-testid=stop]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => ['stopped', 'done'].includes(window.mlpLab.run.status));
  // sections: one tab stop for the tab list, arrows move along it
  await tabTo(page, '[role=tab][aria-selected=true]');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=section-inspect]:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.section), 'inspect');
  await page.keyboard.press('End');
  await page.waitForSelector('[data-testid=section-reports]:not([hidden])');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=section-train]:not([hidden])');
  await context.close();
  assert.deepEqual(errors, []);
});

test('every chart has a text alternative', async () => {
  const { page, context, errors } = await open(runHash({ ...preset('spirals'), epochs: 30 }, { name: 'spirals' }));
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 60_000 });
  for (const name of SECTIONS) {
    await harness.gotoSection(page, name);
    const bare = await page.$$eval('canvas', (list) => list
      .filter((c) => c.offsetParent !== null && c.closest('[data-testid=draw-canvas]') === null && c.dataset.testid !== 'draw-canvas')
      .filter((c) => !(c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') || c.closest('button')?.getAttribute('aria-label') || c.textContent.trim()))
      .map((c) => c.dataset.testid || c.className));
    assert.deepEqual(bare, [], `${name}: canvases without a text alternative`);
  }
  await context.close();
  assert.deepEqual(errors, []);
});

test('screenshots of every section at 1280 and 390 px', async () => {
  for (const width of [1280, 390]) {
    const { page, context, errors } = await open(runHash({ ...preset('spirals'), epochs: 40 }, { name: 'spirals' }), width);
    await page.click('[data-testid=start]');
    await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 60_000 });
    await page.waitForFunction(() => window.mlpLab.runs !== undefined);
    for (const name of SECTIONS) {
      await harness.gotoSection(page, name);
      if (name === 'inspect') {
        await page.waitForFunction(() => window.mlpLab.graph.graph.nodes.length > 0 && window.mlpLab.graph.graph.edges);
        await page.selectOption('[data-testid=neuron-layer]', '1'); // the first neuron of layer 1, from the inspector's own controls
        await page.locator('[data-testid=neuron-unit]').dispatchEvent('change');
        await page.waitForFunction(() => /input plane/.test(document.querySelector('[data-testid=neuron-field-readout]').textContent));
      }
      await page.waitForTimeout(400);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= width + 2, `${name} at ${width}px is ${scrollWidth}px wide`);
      await page.screenshot({ path: path.join(SHOTS, `section-${name}-${width}.png`), fullPage: width === 390 });
    }
    await context.close();
    assert.deepEqual(errors, []);
  }
});
