// The network graph and the neuron inspector (www/ui/graph.js, www/ui/inspector.js,
// www/charts/network.js): live weights while MNIST trains (the 784 inputs as the 28×28 grid,
// the strongest edges drawn and the rest summarised), a neuron's receptive field, histogram and
// gradient norm, its activation changed from the inspector, an example's activations on every
// neuron, and for 2-D data a neuron's output over the input plane. The redraw cost and the
// longest frame gap while training are printed (figures, never asserted: the machine is shared).
//
// Run: node --test tests/e2e/graph.test.mjs   (needs `make wasm` and www/data/mnist*)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as harness from './harness.mjs';
import { runHash } from './runs-helpers.mjs';
import { startFrameProbe, stopFrameProbe, longestMainThreadTask } from './frames.mjs';

/**
 * The limit on frame gaps while the graph is shown and the run trains (issue 13): no main-thread
 * task may use more CPU time than this at any load, and no gap between animation frames may be
 * longer in wall time when the 1-minute load average is at most 1 per core (above that, frames
 * also wait for a core other processes hold, and the gap is printed, not asserted).
 */
const MAX_FRAME_GAP_MS = 100;

const MNIST = existsSync(path.join(harness.WWW, 'data/mnist.json'));
const preset = (name) => JSON.parse(readFileSync(path.join(harness.WWW, `presets/${name}.json`), 'utf8')).config;

let server;
let browser;
before(async () => {
  mkdirSync(path.join(harness.ROOT, 'tests/e2e/screenshots'), { recursive: true });
  server = await harness.startServer();
  browser = await harness.launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(hash) {
  const { page, context, errors } = await harness.newPage(browser);
  await page.goto(server.url + hash);
  await page.waitForSelector('.engine.ok', { timeout: 60_000 });
  await page.waitForFunction(() => window.mlpLab?.summary && !document.querySelector('[data-testid=start]').disabled, null, { timeout: 60_000 });
  return { page, context, errors };
}

/**
 * Records, from now on, the widest line the graph canvas strokes (in device pixels) and how often
 * a chart of the Train section draws while that section is hidden.
 */
async function watchStrokes(page) {
  await page.evaluate(() => {
    window.__graphStrokes = { count: 0, widest: 0 };
    window.__hiddenDraws = 0;
    const proto = CanvasRenderingContext2D.prototype;
    const stroke = proto.stroke;
    proto.stroke = function (...args) {
      if (this.canvas.dataset.testid === 'network-graph' && args[0] instanceof Path2D) {
        window.__graphStrokes.count += 1;
        window.__graphStrokes.widest = Math.max(window.__graphStrokes.widest, this.lineWidth * this.getTransform().a);
      }
      if (this.canvas.closest('#section-train')?.hidden) window.__hiddenDraws += 1;
      return stroke.apply(this, args);
    };
  });
}

/** Clicks the graph node of (layer, unit) where the last draw put it. */
async function clickNeuron(page, layer, unit) {
  const node = await page.evaluate(([l, u]) => window.mlpLab.graph.graph.nodes.find((n) => n.layer === l && n.unit === u), [layer, unit]);
  assert.ok(node, `node ${layer}/${unit} is drawn`);
  await page.locator('[data-testid=network-graph]').click({ position: { x: node.x, y: node.y } });
}

test('while MNIST trains the graph redraws live from the worker, and the inspector shows a neuron and an example', { skip: !MNIST && 'no www/data/mnist.json' }, async (t) => {
  const config = preset('mnist'); // 30 epochs: still training when the test stops it
  const { page, context, errors } = await open(runHash(config, { name: 'mnist' }));
  await watchStrokes(page);
  await page.click('[data-testid=start]');
  await harness.gotoSection(page, 'inspect');
  await page.waitForFunction(() => window.mlpLab.run.status === 'running', null, { timeout: 60_000 });
  await page.waitForFunction(() => window.mlpLab.graph.graph.stats.fetches > 0, null, { timeout: 60_000 });
  // frame gaps, main-thread tasks and graph draws over 4 s of training with the graph shown
  await page.evaluate(() => { window.__stats0 = { ...window.mlpLab.graph.graph.stats }; });
  await startFrameProbe(page);
  await browser.startTracing(page, { categories: ['toplevel'] });
  await page.waitForTimeout(4000);
  const probe = await stopFrameProbe(page);
  const task = longestMainThreadTask(await browser.stopTracing());
  const gaps = await page.evaluate(() => ({ before: window.__stats0, after: { ...window.mlpLab.graph.graph.stats }, status: window.mlpLab.run.status, strokes: window.__graphStrokes, hiddenDraws: window.__hiddenDraws }));
  const draws = gaps.after.draws - gaps.before.draws;
  const fetches = gaps.after.fetches - gaps.before.fetches;
  assert.equal(gaps.status, 'running', 'the run trained throughout the measurement');
  assert.ok(fetches >= 3, `weights were read live while training (${fetches} reads in 4 s)`);
  assert.ok(draws >= 3 && draws <= 41, `the graph redrew live and at most 10 times a second (${draws} draws in 4 s)`);
  const ms = (gaps.after.totalMs - gaps.before.totalMs) / draws;
  const load = os.loadavg()[0];
  const idle = load <= os.cpus().length;
  t.diagnostic(`graph while training MNIST 784-256-128-10: ${draws} draws in 4 s, ${ms.toFixed(1)} ms per draw (max ${gaps.after.maxMs.toFixed(1)} ms); longest frame gap ${probe.max.toFixed(0)} ms (99th percentile ${probe.p99.toFixed(0)} ms); longest main-thread task ${task.cpuMs.toFixed(0)} ms of CPU, ${task.wallMs.toFixed(0)} ms of wall time; load average ${load.toFixed(1)} on ${os.cpus().length} cores`);
  // What made the gaps: a software canvas strokes a path of wide lines by outlining it (60–120 ms
  // a redraw); the graph draws device-pixel hairlines, and the Train charts wait while hidden.
  assert.ok(gaps.strokes.count > 0 && gaps.strokes.widest <= 1.001, `the graph's edges are hairlines (widest stroke ${gaps.strokes.widest} device px over ${gaps.strokes.count} strokes)`);
  assert.equal(gaps.hiddenDraws, 0, 'the Train section\'s charts are not drawn while it is hidden');
  assert.ok(task.tasks > 20 && task.withCpuTime > 0.9 * task.tasks, `the trace holds ${task.tasks} main-thread tasks, ${task.withCpuTime} with their CPU time`);
  assert.ok(task.cpuMs <= MAX_FRAME_GAP_MS, `a main-thread task used ${task.cpuMs.toFixed(0)} ms of CPU (limit ${MAX_FRAME_GAP_MS})`);
  if (idle) assert.ok(probe.max <= MAX_FRAME_GAP_MS, `longest gap between animation frames ${probe.max.toFixed(0)} ms (limit ${MAX_FRAME_GAP_MS} at load ${load.toFixed(1)})`);
  else t.diagnostic(`load above 1 per core: the frame gap is printed, not asserted (the CPU-time limit above still holds)`);

  const readout = await page.textContent('[data-testid=network-graph-readout]');
  assert.match(readout, /^784 inputs → 256 relu → 128 relu → 10 softmax\./);
  assert.match(readout, /Layer 1: the 400 strongest of 200,704 weights drawn/);
  assert.match(readout, /Layer 3: the 400 strongest of 1,280 weights drawn/);

  // a first-layer neuron: its receptive field, histogram and gradient norm
  await clickNeuron(page, 1, 7);
  await page.waitForSelector('[data-testid=neuron-inspector] h3:text("Layer 1 · neuron 7")');
  await page.waitForFunction(() => /28×28 image/.test(document.querySelector('[data-testid=neuron-field-readout]').textContent));
  await page.waitForFunction(() => /Activation over 500 training rows: min/.test(document.querySelector('[data-testid=neuron-histogram-readout]').textContent));
  await page.waitForFunction(() => /Gradient norm of this neuron's weights and bias now \(on up to 512 training rows\): \d/.test(document.querySelector('[data-testid=neuron-grad]').textContent));
  // the receptive field is a picture, not a blank canvas
  const colours = await page.$eval('[data-testid=neuron-field]', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 37) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 20, `the receptive field shows the weights (${colours} colours)`);

  // an example from the test set: every neuron's activation on the graph (the run stopped, so the
  // weights hold still while the shown outputs are compared with the engine's prediction)
  await page.evaluate(() => window.mlpLab.stopRun());
  await page.fill('[data-testid=graph-example-row]', '3');
  await page.click('[data-testid=graph-show-example]');
  await page.waitForFunction(() => /Example test row 3: the output layer's largest activation is unit \d/.test(document.querySelector('[data-testid=network-graph-readout]').textContent));
  const values = await page.evaluate(() => window.mlpLab.graph.graph.values.map((v) => v.length));
  assert.deepEqual(values, [256, 128, 10]);
  // the output layer shown is the engine's prediction for that very row
  const [shown, predicted] = await page.evaluate(async () => {
    const app = window.mlpLab;
    const input = app.graph.graph.input;
    const p = await app.request({ type: 'predict', features: input }, 'prediction');
    const a = await app.request({ type: 'activations', features: input }, 'activations');
    const out = a.data.slice(a.data.length - 10);
    const shownNow = Array.from(app.graph.graph.values[2]);
    return [shownNow.indexOf(Math.max(...shownNow)), [p.outputs.indexOf(Math.max(...p.outputs)), Array.from(out).indexOf(Math.max(...out))]];
  });
  assert.deepEqual(predicted, [shown, shown], 'the graph shows the activations of the example it names');
  await page.screenshot({ path: path.join(harness.ROOT, 'tests/e2e/screenshots/inspect-mnist-1280.png') });

  // the activation changed in the inspector is a per-neuron run in the config and the designer
  await page.selectOption('[data-testid=neuron-activation]', 'tanh');
  const layer0 = await page.evaluate(() => window.mlpLab.config.layers[0].activation);
  assert.ok(Array.isArray(layer0) && layer0.length === 256 && layer0[7] === 'tanh' && layer0.filter((a) => a === 'relu').length === 255);
  await context.close();
  assert.deepEqual(errors, []);
});

test('for 2-D data a neuron shows its output over the input plane, and neurons are chosen from the keyboard', async () => {
  const config = { ...preset('spirals'), epochs: 20 };
  const { page, context, errors } = await open(runHash(config, { name: 'spirals' }));
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 60_000 });
  await harness.gotoSection(page, 'inspect');
  await page.waitForFunction(() => window.mlpLab.graph.graph.edges !== null);
  await page.selectOption('[data-testid=neuron-layer]', '1');
  await page.fill('[data-testid=neuron-unit]', '5');
  await page.press('[data-testid=neuron-unit]', 'Enter');
  await page.locator('[data-testid=neuron-unit]').blur();
  await page.waitForSelector('[data-testid=neuron-inspector] h3:text("Layer 1 · neuron 5")');
  await page.waitForFunction(() => /output over the input plane/.test(document.querySelector('[data-testid=neuron-field-readout]').textContent));
  assert.match(await page.textContent('[data-testid=network-graph-readout]'), /^2 inputs → 32 tanh → 32 tanh → 1 sigmoid\. Layer 1: all 64 weights drawn/);
  // a second-layer neuron: its incoming weights as bars, named
  await clickNeuron(page, 2, 0);
  await page.waitForFunction(() => /Incoming weights from the 32 units of layer 1; strongest: \d+ \(/.test(document.querySelector('[data-testid=neuron-field-readout]').textContent));
  await context.close();
  assert.deepEqual(errors, []);
});

test('a digit drawn from the keyboard on the Inspect grid shows every neuron’s activation for it', { skip: !MNIST && 'no www/data/mnist.json' }, async () => {
  const config = { ...preset('mnist'), epochs: 1 };
  const { page, context, errors } = await open(runHash(config, { name: 'mnist' }));
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 120_000 });
  await harness.gotoSection(page, 'inspect');
  await page.focus('[data-testid=graph-example-kind]');
  await page.selectOption('[data-testid=graph-example-kind]', 'draw');
  // a vertical stroke: a "1", inked cell by cell with Shift+arrows
  await page.focus('[data-testid=graph-draw]');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Space');
  for (let i = 0; i < 16; i++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Tab'); // to "Show activations"
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'graph-show-example');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Example your drawing: the output layer's largest activation is unit \d/.test(document.querySelector('[data-testid=network-graph-readout]').textContent));
  const [inked, shown, predicted] = await page.evaluate(async () => {
    const app = window.mlpLab;
    const input = app.graph.graph.input;
    const p = await app.request({ type: 'predict', features: input }, 'prediction');
    const out = Array.from(app.graph.graph.values[2]);
    return [input.filter((v) => v > 0.5).length, out.indexOf(Math.max(...out)), p.outputs.indexOf(Math.max(...p.outputs))];
  });
  assert.ok(inked >= 17 && inked < 784 / 4, `the drawing is a stroke of inked cells (${inked})`);
  assert.equal(shown, predicted, 'the graph shows the drawing’s own activations');
  await page.screenshot({ path: path.join(harness.ROOT, 'tests/e2e/screenshots/inspect-drawing-1280.png') });
  await context.close();
  assert.deepEqual(errors, []);
});

test('a row of values typed as CSV shows every neuron’s activation, and a short row says what is missing', async () => {
  const config = { ...preset('iris'), epochs: 5 };
  const { page, context, errors } = await open(runHash(config, { name: 'iris' }));
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => window.mlpLab.run.status === 'done', null, { timeout: 60_000 });
  await harness.gotoSection(page, 'inspect');
  const kinds = await page.$$eval('[data-testid=graph-example-kind] option', (o) => o.map((x) => x.value));
  assert.deepEqual(kinds, ['test', 'values'], 'no drawing for data that is not an image');
  await page.selectOption('[data-testid=graph-example-kind]', 'values');
  await page.fill('[data-testid=graph-example-values]', '5.1, 3.5');
  await page.press('[data-testid=graph-example-values]', 'Enter');
  await page.waitForFunction(() => /No example: expected 4 values, found 2/.test(document.querySelector('[data-testid=network-graph-readout]').textContent));
  await page.fill('[data-testid=graph-example-values]', '5.1, 3.5, 1.4, x');
  await page.press('[data-testid=graph-example-values]', 'Enter');
  await page.waitForFunction(() => /No example: value 4 \(“x”\) is not a number/.test(document.querySelector('[data-testid=network-graph-readout]').textContent));
  await page.fill('[data-testid=graph-example-values]', '5.1, 3.5, 1.4, 0.2');
  await page.press('[data-testid=graph-example-values]', 'Enter');
  await page.waitForFunction(() => /Example typed values: the output layer's largest activation is unit \d/.test(document.querySelector('[data-testid=network-graph-readout]').textContent));
  assert.deepEqual(await page.evaluate(() => Array.from(window.mlpLab.graph.graph.input)), [5.1, 3.5, 1.4, 0.2].map(Math.fround));
  await context.close();
  assert.deepEqual(errors, []);
});
