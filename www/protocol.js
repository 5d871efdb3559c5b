// The messages between the page (main.js) and the training worker (worker.js). Every message is
// a plain object with a `type`; this file is the one place that lists them.
//
// Page → worker
//   {type: 'init'}                                   load the wasm; answered by 'ready'
//   {type: 'load-data', source}                      source is one of
//        {kind: 'prepared', name, train: ArrayBuffer, test?: ArrayBuffer}   (mlp-lab prepare-data output)
//        {kind: 'csv', name, text, target}           (target: column name; task decides classes/values)
//        {kind: 'idx', name, images: ArrayBuffer, labels: ArrayBuffer}
//        {kind: 'cifar', name, batches: [ArrayBuffer]}
//        {kind: 'toy', name: 'spirals'|'circles', n, noise, seed}
//     answered by 'data-loaded' or 'error' (where: 'data')
//   {type: 'validate', config}                       answered by 'config-problems'
//   {type: 'start', config, model?}                  model: engine model JSON text to start from
//   {type: 'pause'} | {type: 'resume'} | {type: 'stop'}
//   {type: 'evaluate', split: 'train'|'val'|'test'}  answered by 'evaluation'
//   {type: 'predict', features: Float32Array}        one row of raw (unscaled) features → 'prediction'
//   {type: 'export-model'}                           answered by 'model'
//   {type: 'import-model', json}                     answered by 'model-imported' or 'error'
//
// Worker → page
//   {type: 'ready', simd}
//   {type: 'data-loaded', summary: {name, n, d, task_hint, n_classes, class_names, image_shape, test_n}}
//   {type: 'config-problems', problems: [{field, message}]}
//   {type: 'started', batches_per_epoch, epochs, train_n, val_n, test_n}
//   {type: 'progress', epoch, epochs, batch, batches_per_epoch, examples, examples_per_second,
//        eta_seconds, train_loss, grad_norms: [per layer]}
//   {type: 'epoch', record}                          an EpochRecord (see src/train/history.rs)
//   {type: 'paused'} | {type: 'resumed'} | {type: 'stopped'}
//   {type: 'done', history, test_metrics, val_metrics}  metrics as src/train/metrics.rs serialises them
//   {type: 'evaluation', split, metrics}
//   {type: 'prediction', outputs: number[]}
//   {type: 'model', json}
//   {type: 'model-imported'}
//   {type: 'error', where: 'data'|'config'|'train'|'model'|'worker', field?, message}

export const MESSAGE_TYPES = Object.freeze({
  toWorker: ['init', 'load-data', 'validate', 'start', 'pause', 'resume', 'stop', 'evaluate', 'predict',
    'export-model', 'import-model'],
  toPage: ['ready', 'data-loaded', 'config-problems', 'started', 'progress', 'epoch', 'paused', 'resumed',
    'stopped', 'done', 'evaluation', 'prediction', 'model', 'model-imported', 'error'],
});
//
// Appended by the page (main.js) — requests for the live views; the worker answers 'error'
// (where: 'worker') to a type it does not know, and the page then falls back or hides the view.
// Page → worker
//   {type: 'predict-batch', id, features: Float32Array, rows}   rows × d raw features, row-major
//        (the decision-boundary grid of a 2-D set, a batch of test images) → 'predictions'
//   {type: 'predict-split', id, split: 'train'|'val'|'test', limit, features: bool}
//        the first `limit` rows of a split as the run divided them, with the model's outputs
//        (predicted-vs-true scatter, the points under the decision boundary) → 'split-predictions'
// Worker → page
//   {type: 'predictions', id, outputs: Float32Array, rows, cols}
//   {type: 'split-predictions', id, split, rows, d, features?: Float32Array (rows × d, raw, only
//        when asked), targets: Float32Array (rows × k: class index when k = 1 for classification,
//        else values), k, outputs: Float32Array (rows × cols, empty before any training), cols}
