// The workspace (www/ui/workspace.js): sections behind an ARIA tab list, the section shown kept in
// the URL hash beside the run (old links without one open on Train), the Train section fitting a
// 1280×800 screen for the default preset with Start on it, one-line empty states, and the
// 390-px layout without sideways scrolling.
//
// Run: node --test tests/e2e/workspace.test.mjs   (needs `make wasm`; the fit check needs www/data/mnist*)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as harness from './harness.mjs';
import { runHash } from './runs-helpers.mjs';

const SECTIONS = ['train', 'inspect', 'runs', 'sweeps', 'reports'];
const MNIST = existsSync(path.join(harness.WWW, 'data/mnist.json'));
const spirals = JSON.parse(readFileSync(path.join(harness.WWW, 'presets/spirals.json'), 'utf8')).config;

const env = harness.serverAndBrowser();

async function open(hash, viewport) {
  const { page, context, errors } = await harness.newPage(env.browser, viewport ? { viewport } : undefined);
  await page.goto(env.server.url + hash);
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await page.waitForFunction(() => window.mlpLab?.summary && window.mlpLab.tracker, null, { timeout: 60_000 });
  return { page, context, errors };
}

const visibleSections = (page) => page.$$eval('[role=tabpanel]', (list) => list.filter((s) => !s.hidden).map((s) => s.dataset.testid));

test('one section shows at a time; its tab is selected and the section is in the hash beside the run', async () => {
  const link = runHash(spirals, { name: 'spirals' });
  const { page, context, errors } = await open(link);
  assert.deepEqual(await visibleSections(page), ['section-train'], 'an old link (no section) opens on Train');
  const runOf = (hash) => new URLSearchParams(hash.slice(1)).get('run');
  const run = runOf(await page.evaluate(() => location.hash));
  assert.ok(run, 'the page keeps the run in the hash');
  for (const name of SECTIONS) {
    await harness.gotoSection(page, name);
    assert.deepEqual(await visibleSections(page), [`section-${name}`]);
    const tabs = await page.$$eval('[role=tab]', (list) => list.map((t) => [t.dataset.section, t.getAttribute('aria-selected'), t.tabIndex]));
    assert.deepEqual(tabs, SECTIONS.map((s) => [s, String(s === name), s === name ? 0 : -1]));
    const hash = await page.evaluate(() => location.hash);
    assert.equal(runOf(hash), run, 'the run stays in the hash');
    assert.equal(new URLSearchParams(hash.slice(1)).get('section'), name === 'train' ? null : name);
  }
  // a config change keeps the section in the hash, and a reload comes back to it
  await harness.gotoSection(page, 'runs');
  await page.evaluate(() => window.mlpLab.setConfig((c) => { c.epochs = 7; }));
  assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('section'), 'runs');
  await page.reload();
  await page.waitForFunction(() => window.mlpLab?.summary, null, { timeout: 60_000 });
  assert.deepEqual(await visibleSections(page), ['section-runs']);
  assert.equal(await page.evaluate(() => window.mlpLab.config.epochs), 7);
  // the skip link goes to the run controls on Train and leaves the run in the address bar
  const kept = runOf(await page.evaluate(() => location.hash));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=section-train]:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'run-panel');
  assert.ok(kept);
  assert.equal(runOf(await page.evaluate(() => location.hash)), kept);
  await harness.gotoSection(page, 'runs');
  // back/forward or an edited address: the hash's section is shown
  await page.evaluate(() => { location.hash = location.hash.replace('section=runs', 'section=sweeps'); });
  await page.waitForSelector('[data-testid=section-sweeps]:not([hidden])');
  await context.close();
  assert.deepEqual(errors, []);
});

test('a link to a section alone opens it with the default data, and an unknown section opens Train', async () => {
  const { page, context, errors } = await open('#section=reports');
  assert.deepEqual(await visibleSections(page), ['section-reports']);
  await page.goto(`${env.server.url}#section=nonsense`);
  await page.waitForFunction(() => window.mlpLab?.summary, null, { timeout: 60_000 });
  assert.deepEqual(await visibleSections(page), ['section-train']);
  await context.close();
  assert.deepEqual(errors, []);
});

test('on a 1280×800 screen the default preset’s data, network, settings, live views and Start are on screen', { skip: !MNIST && 'no www/data/mnist.json' }, async () => {
  const { page, context, errors } = await open('');
  await page.waitForFunction(() => window.mlpLab.summary.name === 'mnist');
  for (const id of ['data-h', 'designer-h', 'optimizer-h', 'views-h']) {
    const box = await page.locator(`#${id}`).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 800 && box.x + box.width <= 1280, `#${id} is on screen: ${JSON.stringify(box)}`);
  }
  const start = await page.locator('[data-testid=start]').boundingBox();
  assert.ok(start.y + start.height <= 800, `Start is on screen: ${JSON.stringify(start)}`);
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  // before any epoch the live views are one line, not empty chart boxes
  assert.ok(await page.isVisible('[data-testid=views-empty]'));
  assert.equal(await page.isVisible('[data-testid=loss-chart]'), false);
  await harness.gotoSection(page, 'sweeps');
  assert.equal(await page.isVisible('[data-testid=sweep-best-chart]'), false, 'no empty sweep charts before a sweep');
  assert.match(await page.textContent('[data-testid=sweep-status]'), /No sweep yet/);
  await context.close();
  assert.deepEqual(errors, []);
});

test('after a run the live views show their charts, and at 390 px no section scrolls sideways', async () => {
  const { page, context, errors } = await open(runHash({ ...spirals, epochs: 5 }, { name: 'spirals' }), { width: 390, height: 800 });
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 60_000 });
  assert.ok(await page.isVisible('[data-testid=loss-chart]'));
  assert.equal(await page.isVisible('[data-testid=views-empty]'), false);
  for (const name of SECTIONS) {
    await harness.gotoSection(page, name);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 392, `${name} is ${width}px wide at 390 px`);
  }
  await context.close();
  assert.deepEqual(errors, []);
});
