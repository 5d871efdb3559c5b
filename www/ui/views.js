// Live views: loss and accuracy curves, confusion matrix, gradient norms, weight histograms, and
// for regression a predicted-vs-true scatter, for 2-D sets the decision boundary. Drawing happens
// at most once per animation frame; the worker's messages only store data and mark charts dirty.
import { el, replace } from './dom.js';
import { taskOf } from '../schema.js';
import { draw as drawCurves, thin } from '../charts/curves.js';
import { draw as drawConfusion } from '../charts/confusion.js';
import { draw as drawHistograms } from '../charts/histograms.js';
import { draw as drawScatter } from '../charts/scatter.js';
import { draw as drawBoundary } from '../charts/boundary.js';
import { PALETTE } from '../charts/axes.js';

const GRID_N = 60;
const SCATTER_LIMIT = 2000;
/** Curves read at most this many epochs of a long run (evenly spaced, the last always). */
const CURVE_POINTS = 3000;
/**
 * While training, the epoch charts redraw at most this often (ms): a small set finishes an
 * epoch every slice, and the histogram strips cost tens of ms to paint.
 */
const EPOCH_REDRAW_MS = { loss: 250, accuracy: 250, grads: 500, hist: 1000 };

export function createViewsPanel(app, root) {
  const logLoss = el('input', { type: 'checkbox', id: 'log-loss', testid: 'log-scale' });
  const logGrad = el('input', { type: 'checkbox', id: 'log-grad', checked: true });
  const chart = (key, title, testid, { tall = false, label } = {}) => {
    const canvas = el('canvas', { testid, role: 'img', 'aria-label': label || title });
    const box = el('figure', { class: `chart${tall ? ' tall' : ''}`, dataset: { chart: key } }, el('h3', { text: title }), canvas);
    box.style.margin = '0';
    return { box, canvas, title: box.firstChild };
  };
  const charts = {
    loss: chart('loss', 'Loss', 'loss-chart'),
    accuracy: chart('accuracy', 'Accuracy', 'accuracy-chart'),
    confusion: chart('confusion', 'Confusion matrix', 'confusion-matrix', { tall: true }),
    boundary: chart('boundary', 'Decision boundary (training points)', 'boundary-chart', { tall: true }),
    scatter: chart('scatter', 'Predicted vs true (test split)', 'scatter-chart', { tall: true }),
    hist: chart('hist', 'Weight histograms per layer over epochs', 'histogram-chart', { tall: true }),
    grads: chart('grads', 'Gradient norm per layer', 'grad-chart'),
  };
  const note = el('p', { class: 'info', testid: 'views-note' });
  replace(root,
    el('div', { class: 'view-tools' },
      el('label', { class: 'check', for: 'log-loss' }, logLoss, 'Log-scale loss'),
      el('label', { class: 'check', for: 'log-grad' }, logGrad, 'Log-scale gradient norms')),
    el('div', { class: 'charts' }, Object.values(charts).map((c) => c.box)),
    note);

  const view = {
    confusion: null, // {matrix, classNames, perClass, split}
    boundary: null, // {grid, points}
    scatter: null, // {truth, predicted, r2, label}
    busy: { confusion: false, boundary: false, scatter: false },
    live: [], // [fractional epoch, running train loss] from progress messages
    liveDrawn: 0,
    unsupported: new Set(),
  };
  const dirty = new Set();
  let frame = 0;
  // Charts of a hidden section stay dirty and are drawn when it is shown (the page's thread is
  // not spent on pictures nobody sees while Inspect shows the graph).
  const shown = () => !app.workspace || app.workspace.current === 'train';
  const redraw = (...keys) => {
    for (const k of keys) dirty.add(k);
    if (frame || !shown()) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!shown()) return;
      const keys = [...dirty];
      dirty.clear();
      for (const k of keys) if (!charts[k].box.hidden) paint(k);
    });
  };
  app.on('section', (name) => { if (name === 'train' && dirty.size) redraw(); });

  const isClassification = () => {
    return taskOf(app.run.config || app.config || {}) !== 'regression';
  };
  const is2d = () => app.summary?.d === 2 && isClassification();

  const layout = () => {
    const cls = isClassification();
    charts.accuracy.box.hidden = false;
    charts.accuracy.title.textContent = cls ? 'Accuracy' : 'Validation R²';
    charts.confusion.box.hidden = !cls;
    charts.boundary.box.hidden = !is2d();
    charts.scatter.box.hidden = cls;
    redraw(...Object.keys(charts));
  };

  /** The epochs a curve reads: all of a short run, an even sample of a long one. */
  const sampled = () => thin(app.run.history, CURVE_POINTS);
  let rows = [];
  const series = (pick) => rows.map((r) => [r.epoch, pick(r)]).filter(([, y]) => y !== undefined && y !== null);

  /** The kept epoch's marker, once a run has ended with one that is not simply its last. */
  const keptMark = () => {
    const { keptEpoch, stoppedAt, history } = app.run;
    if (!keptEpoch) return undefined;
    const last = history[history.length - 1]?.epoch;
    if (keptEpoch === last && !stoppedAt) return undefined;
    return { x: keptEpoch, label: stoppedAt ? `kept ${keptEpoch} · stopped ${stoppedAt}` : `kept epoch ${keptEpoch}` };
  };

  function paint(key) {
    const h = app.run.history;
    rows = sampled();
    const epochs = (app.run.config?.epochs ?? 0) <= 30 ? app.run.config?.epochs : undefined;
    switch (key) {
      case 'loss':
        drawCurves(charts.loss.canvas, {
          series: [
            { label: 'train', points: series((r) => r.train_loss), color: PALETTE[0] },
            { label: 'validation', points: series((r) => r.val_loss), color: PALETTE[1], dash: true },
            { label: 'per batch', points: batchReadings(view.live), color: '#93c5fd', thin: true, maxGap: 1 },
          ].filter((s) => s.points.length),
        }, { log: logLoss.checked, xLabel: 'epoch', yLabel: 'loss', xMax: epochs, mark: keptMark(), emptyText: 'Loss curves appear after the first epoch' });
        break;
      case 'accuracy':
        if (isClassification()) {
          drawCurves(charts.accuracy.canvas, {
            series: [
              { label: 'train', points: series((r) => r.train_accuracy), color: PALETTE[0] },
              { label: 'validation', points: series((r) => r.val_accuracy), color: PALETTE[1], dash: true },
            ].filter((s) => s.points.length),
          }, { percent: true, xLabel: 'epoch', yLabel: 'accuracy', xMax: epochs, mark: keptMark(), emptyText: 'Accuracy appears after the first epoch' });
        } else {
          drawCurves(charts.accuracy.canvas, {
            series: [{ label: 'validation R²', points: series((r) => r.val_r2), color: PALETTE[2] }].filter((s) => s.points.length),
          }, { xLabel: 'epoch', yLabel: 'R²', xMax: epochs, emptyText: 'R² appears after the first epoch (needs a validation split)' });
        }
        break;
      case 'confusion':
        drawConfusion(charts.confusion.canvas, view.confusion || {}, {});
        charts.confusion.title.textContent = view.confusion ? `Confusion matrix (${view.confusion.split} split)` : 'Confusion matrix';
        break;
      case 'grads': {
        const layers = h.length ? h[h.length - 1].grad_norms?.length || 0 : 0;
        drawCurves(charts.grads.canvas, {
          series: Array.from({ length: layers }, (_, i) => ({
            label: `layer ${i + 1}`,
            points: series((r) => r.grad_norms?.[i]),
            color: PALETTE[(i + 3) % PALETTE.length],
          })),
        }, { log: logGrad.checked, xLabel: 'epoch', yLabel: '‖∇W‖', xMax: epochs, emptyText: 'Gradient norms appear after the first epoch' });
        break;
      }
      case 'hist': {
        // the epochs that kept their histograms (a long run keeps them for about a thousand)
        const kept = app.run.histograms.kept.filter((r) => r.weight_histograms?.length);
        const n = kept.length ? kept[kept.length - 1].weight_histograms.length : 0;
        drawHistograms(charts.hist.canvas, {
          layers: Array.from({ length: n }, (_, i) => kept.map((r) => r.weight_histograms[i]).filter(Boolean)),
          epochs: kept.map((r) => r.epoch),
        });
        break;
      }
      case 'scatter':
        drawScatter(charts.scatter.canvas, view.scatter || {}, { r2: view.scatter?.r2, label: view.scatter?.label });
        break;
      case 'boundary':
        drawBoundary(charts.boundary.canvas, view.boundary || {}, {});
        break;
      default:
        break;
    }
  }

  /**
   * The live loss readings, while two in a row lie within an epoch of each other: a small set
   * trains many epochs between readings, and its epoch records then say more than a few readings
   * joined by straight lines across the plot.
   */
  function batchReadings(live) {
    return live.some((p, i) => i > 0 && p[0] - live[i - 1][0] <= 1) ? live : [];
  }

  // --- data the charts need from the worker ---------------------------------------------------
  async function refreshConfusion() {
    if (!isClassification() || view.busy.confusion) return;
    const split = app.run.started?.val_n ? 'val' : 'test';
    view.busy.confusion = true;
    try {
      const reply = await app.request({ type: 'evaluate', split }, 'evaluation');
      // the final test matrix, once shown, is not replaced by a late per-epoch answer
      if (view.confusion?.final) return;
      setConfusion(reply.metrics, split === 'val' ? 'validation' : 'test');
    } catch (e) {
      console.warn('confusion matrix:', e.message);
    } finally {
      view.busy.confusion = false;
    }
  }

  function setConfusion(metrics, split, final = false) {
    if (!metrics?.confusion_matrix) return;
    view.confusion = {
      final,
      matrix: metrics.confusion_matrix,
      perClass: metrics.per_class,
      classNames: app.summary?.class_names,
      split,
    };
    redraw('confusion');
  }

  async function refreshBoundary() {
    if (!is2d() || view.busy.boundary || view.unsupported.has('boundary')) return;
    view.busy.boundary = true;
    try {
      if (!view.boundary?.points) await loadPoints();
      if (!view.boundary?.points) return;
      const { x0, x1, y0, y1 } = view.boundary.range;
      const features = new Float32Array(GRID_N * GRID_N * 2);
      for (let j = 0; j < GRID_N; j++) {
        for (let i = 0; i < GRID_N; i++) {
          const r = j * GRID_N + i;
          features[r * 2] = x0 + ((i + 0.5) / GRID_N) * (x1 - x0);
          features[r * 2 + 1] = y0 + ((j + 0.5) / GRID_N) * (y1 - y0);
        }
      }
      const reply = await app.request({ type: 'predict-batch', id: app.id(), features, rows: GRID_N * GRID_N }, 'predictions', [features.buffer]);
      view.boundary.grid = { nx: GRID_N, ny: GRID_N, x0, x1, y0, y1, outputs: reply.outputs, k: reply.cols };
      redraw('boundary');
    } catch (e) {
      view.unsupported.add('boundary');
      note.textContent = `Decision boundary unavailable: ${e.message}`;
    } finally {
      view.busy.boundary = false;
    }
  }

  async function refreshScatter() {
    if (isClassification() || view.busy.scatter || view.unsupported.has('scatter')) return;
    view.busy.scatter = true;
    try {
      const split = app.run.started?.test_n ? 'test' : 'val';
      const reply = await app.request({ type: 'predict-split', id: app.id(), split, limit: SCATTER_LIMIT, features: false }, 'split-predictions');
      const k = reply.k || 1;
      const cols = reply.cols || 1;
      const truth = Array.from({ length: reply.rows }, (_, i) => reply.targets[i * k]);
      const predicted = Array.from({ length: reply.rows }, (_, i) => reply.outputs[i * cols]);
      view.scatter = { truth, predicted, label: `${split === 'test' ? 'test' : 'validation'} split`, r2: view.scatter?.r2 };
      redraw('scatter');
    } catch (e) {
      view.unsupported.add('scatter');
      note.textContent = `Predicted-vs-true view unavailable: ${e.message}`;
    } finally {
      view.busy.scatter = false;
    }
  }

  // --- wiring -------------------------------------------------------------------------------
  app.on('progress', (p) => {
    if (!Number.isFinite(p.train_loss) || !p.batches_per_epoch) return;
    // the worker re-sends its last loss reading between readings: keep only fresh values
    if (view.live.length && view.live[view.live.length - 1][1] === p.train_loss) return;
    // p.epoch epochs are complete and p.batch batches into the next: the same x as the epoch
    // records, whose epoch k sits at x = k (its end)
    view.live.push([p.epoch + p.batch / p.batches_per_epoch, p.train_loss]);
    if (view.live.length > 4000) view.live = view.live.filter((_, i) => i % 2 === 0);
    app.run.liveLoss = view.live;
    const now = performance.now();
    if (now - view.liveDrawn > 250) {
      view.liveDrawn = now;
      redraw('loss');
    }
  });
  const forgetRun = () => {
    view.live = [];
    view.confusion = null;
    view.scatter = null;
    if (view.boundary) view.boundary.grid = null;
    view.unsupported.clear();
    note.textContent = '';
  };
  // new data: the last run's curves go (data-loaded lays the charts out again)
  app.on('run-cleared', () => {
    forgetRun();
    redraw(...Object.keys(charts));
  });
  app.on('run-reset', () => {
    forgetRun();
    layout();
  });
  app.on('data-loaded', () => {
    view.boundary = null;
    view.confusion = null;
    view.scatter = null;
    layout();
    if (is2d()) refreshBoundaryPoints();
  });
  app.on('config-changed', ({ render }) => { if (render && app.run.status !== 'running') layout(); });
  // each epoch chart redraws at most every EPOCH_REDRAW_MS[key], the latest epochs included
  const lastDrawn = {};
  const waiting = {};
  const redrawEpochCharts = () => {
    const now = performance.now();
    for (const [key, every] of Object.entries(EPOCH_REDRAW_MS)) {
      if (waiting[key]) continue;
      const wait = (lastDrawn[key] ?? -Infinity) + every - now;
      if (wait <= 0) {
        lastDrawn[key] = now;
        redraw(key);
      } else {
        waiting[key] = setTimeout(() => {
          waiting[key] = 0;
          lastDrawn[key] = performance.now();
          redraw(key);
        }, wait);
      }
    }
  };
  app.on('epoch', () => {
    redrawEpochCharts();
    refreshConfusion();
    refreshBoundary();
    refreshScatter();
  });
  app.on('done', (m) => {
    redraw('loss', 'accuracy', 'grads', 'hist');
    if (m.test_metrics?.confusion_matrix) setConfusion(m.test_metrics, 'test', true);
    if (m.test_metrics?.r2 !== undefined && view.scatter) view.scatter.r2 = m.test_metrics.r2;
    refreshBoundary();
    refreshScatter();
  });
  logLoss.addEventListener('change', () => redraw('loss'));
  logGrad.addEventListener('change', () => redraw('grads'));
  new ResizeObserver(() => redraw(...Object.keys(charts))).observe(root);

  /** The training points of a 2-D set (and the plotting range around them). */
  async function loadPoints() {
    const split = await app.request({ type: 'predict-split', id: app.id(), split: 'train', limit: 1000, features: true }, 'split-predictions');
    if (!split.rows) return;
    const xs = [];
    const ys = [];
    for (let i = 0; i < split.rows; i++) { xs.push(split.features[i * split.d]); ys.push(split.features[i * split.d + 1]); }
    const labels = Array.from({ length: split.rows }, (_, i) => split.targets[i * (split.k || 1)]);
    const lo = (a) => Math.min(...a);
    const hi = (a) => Math.max(...a);
    const px = (hi(xs) - lo(xs)) * 0.08 || 1;
    const py = (hi(ys) - lo(ys)) * 0.08 || 1;
    view.boundary = { points: { xs, ys, labels }, range: { x0: lo(xs) - px, x1: hi(xs) + px, y0: lo(ys) - py, y1: hi(ys) + py } };
    redraw('boundary');
  }

  // Before training, the decision-boundary view shows the points alone.
  async function refreshBoundaryPoints() {
    try {
      await loadPoints();
    } catch {
      // the worker may split the data only when a run starts; the view fills in after the first epoch
    }
  }

  layout();
}
