// Browser reliability (issue #8): the Content-Security-Policy, the local server's handling of
// odd paths, a worker that dies mid-run, a reload mid-run, a full storage quota, and divergence.
//
// Run: node --test tests/e2e/reliability.test.mjs   (needs `make wasm`; uses the bundled digits set)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import * as harness from './harness.mjs';
import { digitsConfig, slowDigitsConfig, openApp, ready, start, finished, storedRun, contiguous } from './runs-helpers.mjs';

let server;
let browser;
const base = () => server.url;

before(async () => {
  server = await harness.startServer();
  browser = await harness.launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh profile (its own IndexedDB) per test. */
const fresh = () => browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });

/** Resolves once run `id` has at least `k` epochs saved with their checkpoint. */
const savedEpochs = (page, id, k) => page.waitForFunction(([runId, n]) => {
  const r = window.mlpLab.tracker.list().find((x) => x.id === runId);
  return r && r.modelEpoch >= n;
}, [id, k], { timeout: 60_000, polling: 100 });

function rawRequest(port, target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('end', () => resolve(data.split('\r\n')[0]));
    socket.on('error', reject);
    socket.setTimeout(5000, () => reject(new Error(`no answer to ${target}`)));
  });
}

test('the page carries a strict CSP in a meta tag, which blocks an inline script even without the header', async () => {
  const html = readFileSync(new URL('../../www/index.html', import.meta.url), 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="script-src 'self' 'wasm-unsafe-eval'/);
  const context = await fresh();
  // As a static host would serve it: the same files without the server's CSP header.
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response, headers });
  });
  const { page } = await openApp(context, base(), digitsConfig({ epochs: 1 }));
  const header = await page.evaluate(async () => (await fetch('index.html')).headers.get('content-security-policy'));
  assert.equal(header, null, 'the route removed the header, so only the meta tag protects the page');
  const outcome = await page.evaluate(() => new Promise((resolve) => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.head.append(s);
    // eval in the page's own context (a same-origin script, which the policy lets run).
    const probe = document.createElement('script');
    probe.src = '/e2e/csp-probe.js';
    probe.onload = () => setTimeout(() => resolve({ inline: window.__inlineRan === true, evalRan: window.__cspProbe?.evalRan, violations }), 100);
    probe.onerror = () => resolve({ inline: window.__inlineRan === true, evalRan: 'probe did not load', violations });
    document.head.append(probe);
  }));
  assert.equal(outcome.inline, false, 'the inline script did not run');
  // Nothing from another origin: a fetch elsewhere is refused by connect-src before it leaves.
  const foreign = await page.evaluate(() => new Promise((resolve) => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
    fetch('http://127.0.0.2:9/x').then(() => resolve({ fetched: true, seen }), () => setTimeout(() => resolve({ fetched: false, seen }), 100));
  }));
  assert.equal(foreign.fetched, false);
  assert.ok(foreign.seen.includes('connect-src'), JSON.stringify(foreign.seen));
  assert.equal(outcome.evalRan, false, 'eval is refused');
  assert.ok(outcome.violations.some((v) => v.startsWith('script-src')), JSON.stringify(outcome.violations));
  // The engine (WebAssembly, 'wasm-unsafe-eval') still trains under the policy.
  await start(page);
  await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 60_000 });
  await context.close();
});

test('serve.mjs answers 400 to a path starting with // and keeps serving', async () => {
  assert.match(await rawRequest(server.port, '//'), /^HTTP\/1\.1 400/);
  assert.match(await rawRequest(server.port, '//etc/passwd'), /^HTTP\/1\.1 400/);
  assert.match(await rawRequest(server.port, '/index.html'), /^HTTP\/1\.1 200/);
});

test('a worker terminated mid-run: the page says so and restarting from the saved epoch finishes with contiguous epochs', async () => {
  const context = await fresh();
  const { page, errors } = await openApp(context, base(), slowDigitsConfig(5));
  await page.evaluate(() => Object.assign(window.mlpLab.recovery, { heartbeatMs: 1000, pingMs: 3000 }));
  const id = await start(page);
  await savedEpochs(page, id, 2);
  await page.evaluate(() => window.mlpLab.worker.terminate());
  await page.waitForSelector('[data-testid=worker-crash]', { timeout: 20_000 });
  const text = await page.textContent('[data-testid=worker-crash-text]');
  const m = /The training worker stopped unexpectedly \(no word from it for [^)]+\); your run is saved up to epoch (\d+)\./.exec(text);
  assert.ok(m, text);
  const k = Number(m[1]);
  assert.ok(k >= 2 && k < 5, `saved epoch ${k}`);
  const interrupted = await storedRun(page, id);
  assert.equal(interrupted.status, 'interrupted');
  assert.equal(interrupted.history.length, k);

  await page.waitForFunction(() => window.mlpLab.ready && window.mlpLab.summary);
  assert.equal(await page.textContent('[data-testid=restart-run]'), `Restart from epoch ${k}`);
  await page.click('[data-testid=restart-run]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=run-message]').textContent === `Resumed from epoch ${n} of 5 with the weights and optimizer state saved after it.`, k, { timeout: 30_000 });
  await finished(page, id);
  const done = await storedRun(page, id);
  assert.equal(done.status, 'done');
  assert.equal(done.history.length, 5);
  assert.ok(contiguous(done.history), done.history.map((e) => e.epoch).join(','));
  assert.deepEqual(done.history.slice(0, k).map((e) => e.train_loss), interrupted.history.map((e) => e.train_loss),
    'the saved epochs are kept as they were');
  assert.deepEqual(done.resumes, [k]);
  assert.ok(done.testMetrics.accuracy > 0.5);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an error event from the worker (as when it runs out of memory) is reported at once and the run restarts from its saved epoch', async () => {
  const context = await fresh();
  const { page, errors } = await openApp(context, base(), slowDigitsConfig(4));
  const id = await start(page);
  await savedEpochs(page, id, 1);
  // The heartbeat stays at its 20 s: only the error event can explain a report within seconds.
  const t0 = Date.now();
  await page.evaluate(() => window.mlpLab.worker.dispatchEvent(new ErrorEvent('error', { message: 'Out of memory' })));
  // (the report follows saving the run and starting a fresh worker: seconds on a slow machine)
  await page.waitForSelector('[data-testid=worker-crash]', { timeout: 15_000 });
  assert.ok(Date.now() - t0 < 15_000);
  assert.match(await page.textContent('[data-testid=worker-crash-text]'),
    /^The training worker stopped unexpectedly \(Out of memory\); your run is saved up to epoch \d\.$/);
  assert.equal(await page.textContent('[data-testid=run-state]'), 'failed');
  await page.waitForFunction(() => window.mlpLab.ready && window.mlpLab.summary);
  await page.click('[data-testid=restart-run]');
  await finished(page, id);
  const done = await storedRun(page, id);
  assert.equal(done.status, 'done');
  assert.deepEqual(done.history.map((e) => e.epoch), [1, 2, 3, 4]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a worker that dies while the run is paused is noticed too (it no longer answers pings)', async () => {
  const context = await fresh();
  const { page, errors } = await openApp(context, base(), slowDigitsConfig(4));
  await page.evaluate(() => Object.assign(window.mlpLab.recovery, { heartbeatMs: 1000, pingMs: 3000 }));
  const id = await start(page);
  await savedEpochs(page, id, 1);
  await page.click('[data-testid=pause]');
  await page.waitForFunction(() => window.mlpLab.run.status === 'paused');
  // Paused and alive: pings are answered, nothing is reported.
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal(await page.$('[data-testid=worker-crash]'), null);
  await page.evaluate(() => window.mlpLab.worker.terminate());
  await page.waitForSelector('[data-testid=worker-crash]', { timeout: 20_000 });
  await page.waitForFunction(() => window.mlpLab.ready && window.mlpLab.summary);
  await page.click('[data-testid=restart-run]');
  await finished(page, id);
  assert.deepEqual((await storedRun(page, id)).history.map((e) => e.epoch), [1, 2, 3, 4]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a reload mid-run finds the run saved up to its last epoch and resumes it to the end', async () => {
  const context = await fresh();
  const { page, errors } = await openApp(context, base(), slowDigitsConfig(5));
  const id = await start(page);
  await savedEpochs(page, id, 2);
  await page.reload();
  await ready(page);
  await page.waitForSelector('[data-testid=interrupted-runs]');
  const text = await page.textContent('[data-testid=interrupted-runs-text]');
  const m = /did not finish \(the page was closed or reloaded during epoch (\d+)\); it is saved up to epoch (\d+) of 5\./.exec(text);
  assert.ok(m, text);
  const k = Number(m[2]);
  assert.equal(Number(m[1]), k + 1);
  const row = await page.$eval(`[data-testid=run-row][data-run-id="${id}"]`, (tr) => tr.dataset.status);
  assert.equal(row, 'interrupted');
  const saved = await storedRun(page, id);
  assert.equal(saved.status, 'interrupted');
  assert.equal(saved.modelEpoch, k);
  assert.ok(saved.optimizer > 0, 'the optimizer state of epoch K is saved with the weights');
  assert.deepEqual(saved.history.map((e) => e.epoch), Array.from({ length: k }, (_, i) => i + 1), 'history up to the last completed epoch');
  await page.click('[data-testid=resume-run]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=run-message]').textContent.startsWith(`Resumed from epoch ${n} of 5 `), k, { timeout: 30_000 });
  await finished(page, id);
  const done = await storedRun(page, id);
  assert.equal(done.status, 'done');
  assert.deepEqual(done.history.map((e) => e.epoch), [1, 2, 3, 4, 5]);
  assert.deepEqual(done.history.slice(0, k).map((e) => e.train_loss), saved.history.map((e) => e.train_loss));
  assert.deepEqual(done.resumes, [k]);
  assert.equal(done.optimizer, null, 'a finished run keeps no optimizer state');
  // The page shows the whole history: the saved epochs and the new ones.
  assert.equal(await page.evaluate(() => window.mlpLab.run.history.length), 5);
  assert.equal(await page.textContent('[data-testid=epoch]'), '5');
  // With the weights and the optimizer state of epoch K, the continued run is the run that was
  // never interrupted: the same config trained in one go gives the same losses.
  const whole = await start(page);
  await finished(page, whole);
  const reference = await storedRun(page, whole);
  assert.deepEqual(done.history.map((e) => e.train_loss), reference.history.map((e) => e.train_loss));
  assert.deepEqual(done.history.map((e) => e.val_loss), reference.history.map((e) => e.val_loss));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a full storage quota is reported, the run goes on in memory and finishes', async () => {
  const context = await fresh();
  const { page, errors } = await openApp(context, base(), digitsConfig({ epochs: 6 }));
  await page.evaluate(async () => {
    const { testHooks } = await import('./store/runs.js');
    testHooks.beforePut = (record) => {
      if (record.history.length >= 2) throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
    };
  });
  const id = await start(page);
  await page.waitForSelector('[data-testid=storage-alert]', { timeout: 30_000 });
  assert.match(await page.textContent('[data-testid=storage-alert-text]'),
    /^Browser storage is full \(QuotaExceededError\): run “digits · 64-10 · adam 0\.001 · seed 42” is kept in memory/);
  await finished(page, id);
  const inMemory = await page.evaluate((runId) => {
    const r = window.mlpLab.tracker.list().find((x) => x.id === runId);
    return { status: r.status, epochs: r.history.length, unsaved: window.mlpLab.tracker.isUnsaved(runId) };
  }, id);
  assert.deepEqual(inMemory, { status: 'done', epochs: 6, unsaved: true });
  assert.equal(await page.textContent(`[data-testid=run-row][data-run-id="${id}"] .badge`), 'not saved');
  const stored = await storedRun(page, id);
  assert.ok(stored.history.length < 2, `the store kept what it could: ${stored.history.length} epochs`);
  // Exporting still has everything.
  await harness.gotoSection(page, 'runs');
  await page.check(`[data-testid=run-row][data-run-id="${id}"] [data-testid=run-select]`);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=runs-export-json]')]);
  const exported = JSON.parse(readFileSync(await file.path(), 'utf8'));
  assert.equal(exported.runs[0].history.length, 6);
  assert.deepEqual(errors, []);
  await context.close();
});

test('divergence at lr 1000 gives a clear message and the last good weights can be downloaded', async () => {
  const context = await fresh();
  const { page } = await openApp(context, base(), digitsConfig({ epochs: 5, optimizer: { name: 'sgd', lr: 1000 } }));
  const id = await start(page);
  await page.waitForSelector('[data-testid=diverged-alert]', { timeout: 60_000 });
  const text = await page.textContent('[data-testid=diverged-alert-text]');
  assert.match(text, /became (NaN|inf|-inf|Infinity) at epoch \d+ batch \d+: learning rate 1000 is probably too high/);
  // the run failed: its state and message say so (a diverged run ends with 'done' too)
  await page.waitForFunction(() => window.mlpLab.tracker.idle && !['starting', 'running'].includes(window.mlpLab.run.status), null, { timeout: 60_000 });
  assert.equal(await page.textContent('[data-testid=run-state]'), 'failed');
  const message = await page.textContent('[data-testid=run-message]');
  assert.match(message, /^Failed after .*learning rate 1000 is probably too high/);
  assert.doesNotMatch(message, /Done/);
  assert.match(await page.getAttribute('[data-testid=run-message]', 'class'), /\bbad\b/);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-last-good]')]);
  const model = JSON.parse(readFileSync(await file.path(), 'utf8'));
  assert.equal(model.format, 'mlp-lab-model');
  const weights = model.layers.flatMap((l) => l.weights.flat().concat(l.bias));
  assert.ok(weights.length > 0 && weights.every(Number.isFinite), 'the kept weights are finite');
  const saved = await storedRun(page, id);
  assert.equal(saved.status, 'failed');
  assert.match(saved.error, /learning rate 1000 is probably too high/);
  assert.equal(saved.modelEpoch, saved.history.length);
  await context.close();
});
