// Shared by runs.test.mjs and reliability.test.mjs: open the page on a given config and data set
// (through the link hash, as a person would share it), start a run, and read the run store.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, gotoSection } from './harness.mjs';

const DIGITS = JSON.parse(readFileSync(path.join(ROOT, 'www/presets/digits.json'), 'utf8')).config;

/** The digits preset with `changes` applied (shallow; `optimizer` is merged). */
export function digitsConfig(changes = {}) {
  const c = structuredClone(DIGITS);
  for (const [k, v] of Object.entries(changes)) {
    if (k === 'optimizer') c.optimizer = { ...c.optimizer, ...v };
    else c[k] = v;
  }
  return c;
}

/** A wide network and small batches: epochs of about a second, long enough to interrupt. */
export function slowDigitsConfig(epochs) {
  return digitsConfig({
    layers: [
      { units: 1024, activation: 'relu', init: 'he_uniform' },
      { units: 1024, activation: 'relu', init: 'he_uniform' },
      { units: 10, activation: 'softmax', init: 'xavier_uniform' },
    ],
    batch_size: 8,
    epochs,
  });
}

export function runHash(config, data = { name: 'digits' }) {
  return `#run=${Buffer.from(JSON.stringify({ data, config })).toString('base64url')}`;
}

/** Opens the page in `context` on `config`; resolves once the data is loaded and runs are tracked. */
export async function openApp(context, baseUrl, config, { data } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(baseUrl + (config ? runHash(config, data) : ''));
  await ready(page);
  return { page, errors };
}

export async function ready(page) {
  await page.waitForSelector('.engine.ok', { timeout: 30_000 });
  await page.waitForFunction(() => window.mlpLab?.tracker && window.mlpLab.summary && window.mlpLab.problemsFresh !== undefined, null, { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=start]').disabled, null, { timeout: 30_000 });
}

export async function start(page) {
  const before = await page.evaluate(() => window.mlpLab.tracker.current?.id ?? null);
  await gotoSection(page, 'train');
  await page.click('[data-testid=start]');
  await page.waitForFunction((prev) => (window.mlpLab.tracker.current?.id ?? null) !== prev, before, { timeout: 30_000 });
  return page.evaluate(() => window.mlpLab.tracker.current.id);
}

/** Waits until run `id` has ended and its final state (with the model) is written. */
export async function finished(page, id, timeout = 90_000) {
  await page.waitForFunction((runId) => {
    const t = window.mlpLab.tracker;
    const r = t.list().find((x) => x.id === runId);
    return r && ['done', 'failed', 'stopped'].includes(r.status) && (r.hasModel || r.model) && t.idle && !['starting', 'running'].includes(window.mlpLab.run.status);
  }, id, { timeout, polling: 200 });
}

/** Every record in IndexedDB (models as their length, to keep the transfer small). */
export function storedRuns(page) {
  return page.evaluate(async () => {
    const { openRunStore } = await import('./store/runs.js');
    const all = await (await openRunStore()).all();
    return all.map((r) => ({ ...r, model: r.model ? r.model.length : null, optimizer: r.optimizer ? r.optimizer.data.length : null }));
  });
}

export async function storedRun(page, id) {
  return (await storedRuns(page)).find((r) => r.id === id) ?? null;
}

/** Epoch numbers 1..n without gaps or repeats. */
export function contiguous(history) {
  return history.every((e, i) => e.epoch === i + 1);
}
