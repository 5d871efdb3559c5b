// The core end-to-end flow, driver-neutral, for the cross-browser tests (browsers-*.test.mjs):
// load the page, train the MNIST preset, check the numbers shown are the worker's, draw a
// digit and check it predicts, and no console error. A driver is
//   { goto(url), run(fn, ...args) → fn's value in the page, click(selector), stroke(selector, points) }
// (points: [x, y] as fractions of the element's box). The page is served by scripts/serve.mjs
// behind a small proxy that puts tests/e2e/page-probe.js first into index.html (the same
// instrumentation in every engine) and counts the bytes each response carries.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer as serve } from '../../scripts/serve.mjs';
import { ROOT, WWW, wasmBuilt } from './harness.mjs';

/** The bytes every response's body carried, and when the last request started or ended. */
export class Traffic {
  constructor() {
    this.bytes = 0;
    this.requests = [];
    this.inFlight = 0;
    this.lastActivity = Date.now();
  }

  reset() {
    this.bytes = 0;
    this.requests = [];
  }
}

/** serve.mjs on www/ behind the probing proxy: {url, traffic, close()}. */
export async function startProbedServer() {
  if (!wasmBuilt()) throw new Error('www/pkg is missing: build the engine with `make wasm` first');
  const upstream = await serve({ root: WWW, mounts: { '/e2e/': path.join(ROOT, 'tests/e2e') } });
  const traffic = new Traffic();
  const server = http.createServer((req, res) => {
    traffic.inFlight += 1;
    traffic.lastActivity = Date.now();
    const entry = { url: req.url, bytes: 0 };
    traffic.requests.push(entry);
    const done = () => {
      traffic.inFlight -= 1;
      traffic.lastActivity = Date.now();
    };
    const up = http.request({ host: '127.0.0.1', port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
      const isPage = /^\/(index\.html)?(\?|#|$)/.test(req.url) && upRes.statusCode === 200;
      if (isPage) {
        const html = readFileSync(path.join(WWW, 'index.html'), 'utf8')
          .replace('<head>', '<head>\n  <script src="e2e/page-probe.js"></script>');
        const body = Buffer.from(html);
        const headers = { ...upRes.headers, 'content-length': body.length };
        upRes.resume();
        res.writeHead(200, headers);
        res.end(body, done);
        traffic.bytes += body.length;
        entry.bytes = body.length;
        return;
      }
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.on('data', (chunk) => {
        traffic.bytes += chunk.length;
        entry.bytes += chunk.length;
      });
      upRes.on('end', done);
      upRes.pipe(res);
    });
    up.on('error', (e) => {
      done();
      res.destroy(e);
    });
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    traffic,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    },
  };
}

/** Resolves once no request has been in flight for `quietMs`. */
export async function waitForNetworkIdle(traffic, quietMs = 1500, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (traffic.inFlight === 0 && Date.now() - traffic.lastActivity >= quietMs) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the network was not idle within ${timeoutMs} ms`);
}

/** Polls `fn` in the page until it returns a truthy value; returns it. */
export async function waitInPage(driver, fn, { timeout = 60_000, what = 'a condition', args = [] } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await driver.run(fn, ...args);
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

const messages = (driver, type) => driver.run((t) => window.__probe.messages.filter((m) => m.type === t), type);

/**
 * The flow; returns {accuracy, epochs, secondsToDone, secondsTo90, firstLosses, errors, predicted}.
 * `secondsTo90`: from the worker's 'started' to the first epoch whose test accuracy (or, without
 * one per epoch, training accuracy) reached 90%.
 */
export async function runCoreFlow(driver, url, { trainTimeout = 900_000 } = {}) {
  await driver.goto(url);
  await waitInPage(driver, () => document.querySelector('.engine.ok') !== null, { what: 'the engine to be ready' });
  await waitInPage(driver, () => {
    const s = document.querySelector('[data-testid=samples]');
    return s !== null && !s.hidden;
  }, { timeout: 120_000, what: 'the MNIST subset to load' });
  const preset = await driver.run(() => document.querySelector('[data-testid=preset-select]').value);
  await waitInPage(driver, () => !document.querySelector('[data-testid=start]').disabled, { what: 'Start to be enabled' });
  await driver.click('[data-testid=start]');
  await waitInPage(driver, () => window.__probe.messages.some((m) => m.type === 'done' || m.type === 'error'),
    { timeout: trainTimeout, what: 'the run to finish' });
  const [done] = await messages(driver, 'done');
  if (!done) throw new Error(`the worker failed: ${JSON.stringify(await messages(driver, 'error'))}`);
  const [started] = await messages(driver, 'started');
  const epochs = (await messages(driver, 'epoch')).map((m) => ({ at: m.at, ...m.record }));
  // the readouts are drawn on the next frame
  await new Promise((r) => setTimeout(r, 500));
  const shown = await driver.run(() => Object.fromEntries(['test-accuracy', 'epoch', 'train-loss']
    .map((id) => [id, document.querySelector(`[data-testid=${id}]`).textContent])));

  const before = (await messages(driver, 'prediction')).length;
  await driver.run(() => document.querySelector('[data-testid=draw-canvas]').scrollIntoView({ block: 'center' }));
  await driver.stroke('[data-testid=draw-canvas]', [[0.52, 0.15], [0.51, 0.35], [0.5, 0.5], [0.49, 0.7], [0.48, 0.85]]);
  await waitInPage(driver, (n) => window.__probe.messages.filter((m) => m.type === 'prediction').length > n,
    { args: [before], timeout: 20_000, what: 'a prediction of the drawing' });
  const reply = (await messages(driver, 'prediction')).at(-1);
  await waitInPage(driver, () => /%/.test(document.querySelector('[data-testid=prediction]').textContent), { what: 'the prediction shown' });
  const predictionText = await driver.run(() => document.querySelector('[data-testid=prediction]').textContent);
  const errors = await driver.run(() => window.__probe.errors);

  const accuracyOf = (e) => e.test_accuracy ?? e.val_accuracy ?? e.train_accuracy;
  const at90 = epochs.find((e) => accuracyOf(e) >= 0.9);
  const best = reply.outputs.indexOf(Math.max(...reply.outputs));
  return {
    preset,
    accuracy: done.test_metrics.accuracy,
    shown,
    lastEpoch: epochs.at(-1),
    epochs: epochs.length,
    secondsToDone: (done.at - started.at) / 1000,
    secondsTo90: at90 ? (at90.at - started.at) / 1000 : null,
    at90Epoch: at90?.epoch ?? null,
    at90Kind: at90 ? (at90.test_accuracy !== undefined ? 'test' : at90.val_accuracy !== undefined ? 'validation' : 'training') : null,
    losses: epochs.map((e) => e.train_loss),
    predicted: best,
    predictionText,
    errors,
  };
}

/** The assertions every engine shares. */
export function checkCoreFlow(assert, r) {
  assert.equal(r.preset, 'mnist.json', 'the MNIST preset is the default');
  assert.deepEqual(r.errors, [], 'no console error');
  assert.ok(r.accuracy >= 0.95, `MNIST test accuracy ${r.accuracy}`);
  assert.equal(r.shown['test-accuracy'], `${(r.accuracy * 100).toFixed(2)}%`, 'test accuracy shown as the worker reported it');
  assert.equal(r.shown.epoch, String(r.lastEpoch.epoch), 'epoch shown as the worker reported it');
  assert.match(r.predictionText, new RegExp(`^${r.predicted} \\(`), 'the prediction shown is the worker’s');
  assert.equal(r.predicted, 1, 'a vertical stroke reads as 1');
}
