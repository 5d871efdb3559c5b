// Overlaid learning curves of several runs: one color per run, one metric over epochs (grad_norm:
// the mean of the per-layer gradient norms). Drawn by the shared line chart (./curves.js).
import { draw as drawCurves } from './curves.js';
import { PALETTE } from './axes.js';

export const METRICS = {
  train_loss: { label: 'Training loss', log: true },
  val_loss: { label: 'Validation loss', log: true },
  train_accuracy: { label: 'Training accuracy', percent: true },
  val_accuracy: { label: 'Validation accuracy', percent: true },
  val_r2: { label: 'Validation R²' },
  lr: { label: 'Learning rate', log: true },
  grad_norm: { label: 'Gradient norm (mean over layers)', log: true },
};

function value(epoch, metric) {
  if (metric !== 'grad_norm') return epoch[metric];
  const g = epoch.grad_norms ?? [];
  return g.length ? g.reduce((a, b) => a + b, 0) / g.length : undefined;
}

/** data: {runs: [{name, history}]}, options: {metric} */
export function draw(canvas, data, options = {}) {
  const metric = METRICS[options.metric] ? options.metric : 'train_loss';
  const spec = METRICS[metric];
  const series = (data?.runs ?? []).map((r, i) => ({
    label: r.name,
    color: PALETTE[i % PALETTE.length],
    points: (r.history ?? []).map((e) => [e.epoch, value(e, metric)]).filter(([, y]) => typeof y === 'number'),
  }));
  drawCurves(canvas, { series }, {
    log: spec.log && series.every((s) => s.points.every(([, y]) => y > 0)),
    percent: spec.percent,
    xLabel: 'epoch',
    yLabel: spec.label,
    emptyText: `No ${spec.label.toLowerCase()} in these runs`,
  });
}
