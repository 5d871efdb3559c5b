// The messages between the page (main.js) and the training worker (worker.js). Every message is
// a plain object with a `type`; this file is the one place that lists them.
//
// Any page → worker message may carry an `id`; the worker copies it into its answer (and into an
// 'error' answering it), so the page can match replies to requests.
//
// Page → worker
//   {type: 'init'}                                   load the wasm; answered by 'ready'
//   {type: 'load-data', source}                      source is one of
//        {kind: 'prepared', name, train: ArrayBuffer, test?: ArrayBuffer, manifest?: string,
//             target?, file?}
//             (mlp-lab prepare-data output; manifest: the text of <name>.json, which supplies the
//             class names, feature names and image shape the .bin files do not carry; target: a
//             feature column the engine makes the one real-valued target, the set then named
//             `name` and its files `file`)
//        {kind: 'csv', name, text, target, task?}    (text: string, or gzip bytes as an ArrayBuffer;
//             target: column name, '' for the last column; task: 'regression' reads the target as
//             values, 'binary'/'multiclass' as classes; without it, a numeric column of at most 20
//             distinct whole numbers ≥ 0 is read as classes, another numeric column as values, and
//             anything else as class names. 'start' re-reads the CSV when the config's task needs
//             the other reading)
//        {kind: 'idx', name, images: ArrayBuffer, labels: ArrayBuffer, test_images?, test_labels?,
//             class_names?: string[]}            (class names default to Fashion-MNIST's when the
//             name is fashion-mnist, else the digits 0–9)
//        {kind: 'cifar', name, batches: [ArrayBuffer], test_batches?: [ArrayBuffer], meta?: string}
//             (meta: the text of batches.meta.txt; default: CIFAR-10's class names)
//        {kind: 'toy', name: 'spirals'|'circles', n, noise, seed}   (defaults 1000, 0.1, 42)
//     answered by 'data-loaded' or 'error' (where: 'data'); a run in progress is stopped first
//   {type: 'validate', config, with_data?}           answered by 'config-problems'; with_data: also
//                                                    what Start would refuse about the config against
//                                                    the loaded data (output units, task, augment on
//                                                    images only, early stopping's validation rows), by field
//   {type: 'start', config, model?, coalesce_epochs?, workers?}   model: engine model JSON text
//                                                    to start from; answered by 'started' or 'error'.
//        workers (default 1): page workers to train the run on (www/worker-shards.js); the worker
//        uses fewer where a batch has fewer shards or is too small to share (workersFor), and
//        'started' says how many (`workers`) and how they exchange gradients (`exchange`:
//        'shared' | 'transfer' | null for one). The weights are the same for any number
//        coalesce_epochs (the page sets it): the epochs finished in one slice come as one 'epochs'
//        message instead of an 'epoch' each, with histogram_epochs (the epochs whose weight/grad
//        histograms the engine's history still holds; the records of other epochs have empty
//        lists, and the page drops earlier epochs' histograms that are no longer listed), and
//        'done' carries epochs_done instead of the history
//   {type: 'pause'} | {type: 'resume'} | {type: 'stop'}   (ignored when there is nothing to pause,
//                                                    resume or stop)
//   {type: 'evaluate', split: 'train'|'val'|'test'}  answered by 'evaluation'. Without a run but
//                                                    with an imported model: 'train' is every
//                                                    loaded row, 'test' the official test set
//   {type: 'confusion-matrix', split}                answered by 'confusion-matrix' (classification)
//   {type: 'predict', features: Float32Array}        raw (unscaled) features → 'prediction'; whole
//                                                    rows, several rows give row-major outputs
//   {type: 'histograms', bins?}                      the current run's weight histograms and
//                                                    gradient norms → 'histograms'
//   {type: 'export-model'}                           answered by 'model'
//   {type: 'import-model', json}                     answered by 'model-imported' or 'error'; ends
//                                                    the current run (predict/evaluate/export then
//                                                    use the imported model)
//
// Worker → page
//   {type: 'ready', simd, version, schema}          schema: the engine's schema (src/schema.rs,
//                                                    the JSON `mlp-lab schema` prints): config
//                                                    fields with types, defaults, ranges and names,
//                                                    the names with what each brings, the sweep's
//                                                    fields and parameters. The page builds its
//                                                    forms from it (www/schema.js); it keeps no
//                                                    list of the engine's names, defaults or ranges
//   {type: 'data-loaded', summary: {name, n, d, task_hint, n_classes, class_names, feature_names,
//        image_shape, test_n, k?, source_kind}}     task_hint: 'regression'|'binary'|'multiclass';
//                                                    test_n: rows in the official test set, or null;
//                                                    k: target columns (regression only);
//                                                    source_kind: the load-data source's kind
//   {type: 'config-problems', problems: [{field, message}]}   empty when the config is valid
//   {type: 'started', batches_per_epoch, epochs, train_n, val_n, test_n, parameters, workers, exchange}
//   {type: 'progress', epoch, epochs, batch, batches_per_epoch, examples, examples_per_second,
//        eta_seconds, train_loss, epoch_train_loss, grad_norms: [per layer], slice_batches}
//        about every 150 ms while training. train_loss: the current weights' loss on a fixed
//        sample of (up to 512) training rows, a live reading; epoch_train_loss: the mean over the
//        epoch that just ended, when one ended in this slice (else null); eta_seconds from the
//        average speed so far (null until measurable)
//   {type: 'epoch', record}                          an EpochRecord (see src/train/history.rs)
//   {type: 'epochs', records: [EpochRecord], histogram_epochs: number[] | null}   instead, for a
//                                                    run started with coalesce_epochs: the epochs of
//                                                    one slice
//   {type: 'paused'} | {type: 'resumed'} | {type: 'stopped'}
//   {type: 'done', history, test_metrics, val_metrics, error?}  metrics as src/train/metrics.rs
//        serialises them (null without that split). After divergence, an 'error' (where: 'train')
//        comes first and 'done' repeats its message in `error`; the weights are the last finite ones.
//        A coalesced run's 'done' has epochs_done (the epochs posted) in place of history
//   {type: 'evaluation', split, metrics}
//   {type: 'confusion-matrix', split, matrix: number[][] (matrix[true][predicted]), class_names}
//   {type: 'prediction', outputs: number[]}
//   {type: 'histograms', weights: [{min, max, counts}], grad_norms: number[]}
//   {type: 'model', json}
//   {type: 'model-imported', summary: {input, layers: [units], outputs, parameters, task, loss,
//        class_names, standardized}}
//   {type: 'error', where: 'data'|'config'|'train'|'model'|'request'|'worker', field?, detail?,
//        message, request?, id?}
//        kind: the engine's error kind ('config', 'data', 'model', 'train', 'request'), or 'crash'
//        when the engine crashed (every later message is refused the same way: reload).
//        A refused 'start' whose data does not fit the config names the config field too.
//        field: the config or model-file path at fault ('layers[1].activation'); the message starts
//        with it too, detail is the message without it. request: the type of the message that failed. where 'request': a request
//        (evaluate, predict, predict-batch, predict-split, confusion-matrix, histograms,
//        export-model) could not be answered; a run in progress goes on. where 'worker': the
//        engine could not load, a message type is unknown, or the engine crashed (reload)

export const MESSAGE_TYPES = Object.freeze({
  toWorker: ['init', 'load-data', 'validate', 'start', 'pause', 'resume', 'stop', 'evaluate', 'confusion-matrix',
    'predict', 'predict-batch', 'predict-split', 'histograms', 'export-model', 'import-model', 'ping', 'memory',
    'samples', 'trial-decision', 'weights', 'activations', 'neuron-grads'],
  toPage: ['ready', 'data-loaded', 'config-problems', 'started', 'progress', 'epoch', 'epochs', 'paused', 'resumed',
    'stopped', 'done', 'evaluation', 'confusion-matrix', 'prediction', 'predictions', 'split-predictions',
    'histograms', 'model', 'model-imported', 'error', 'checkpoint', 'pong', 'memory', 'samples', 'weights',
    'activations', 'neuron-grads'],
});
//
// Appended by the page (main.js) — requests for the live views (implemented by the worker; an
// error answering them has where: 'request').
// Page → worker
//   {type: 'predict-batch', id, features: Float32Array, rows}   rows × d raw features, row-major
//        (the decision-boundary grid of a 2-D set, a batch of test images) → 'predictions'
//   {type: 'predict-split', id, split: 'train'|'val'|'test', limit, features: bool}
//        the first `limit` rows of a split as the run divided them, with the model's outputs
//        (predicted-vs-true scatter, the points under the decision boundary) → 'split-predictions'.
//        Before any run: 'train' is every loaded row, 'test' the official test set (outputs from
//        an imported model, else empty)
// Worker → page
//   {type: 'predictions', id, outputs: Float32Array, rows, cols}
//   {type: 'split-predictions', id, split, rows, d, features?: Float32Array (rows × d, raw, only
//        when asked), targets: Float32Array (rows × k: class index when k = 1 for classification,
//        else values), k, outputs: Float32Array (rows × cols, empty before any training), cols}
//
// Appended for run tracking and crash/reload recovery (www/tracker.js, www/recovery.js).
// Page → worker
//   {type: 'start', config, model, history: {epochs: [EpochRecord]}, optimizer?}   continues a
//        saved run: model is its checkpoint (the weights after epoch K), history its epochs 1..K,
//        optimizer the checkpoint's optimizer state; training goes on at epoch K+1 with the
//        uninterrupted run's schedule and shuffling (without optimizer, the moments restart).
//        'started' then has resumed_from: K (0 for a fresh run) and optimizer_restored
//   {type: 'ping'}                                   answered by 'pong' (liveness while training)
//   {type: 'memory'}                                 answered by 'memory'
// Worker → page
//   {type: 'checkpoint', epoch, model, optimizer}    after a slice that finished epochs (at most
//        once a second; the final weights come from 'export-model' after 'done'): engine
//        model JSON of the weights at the end of epoch `epoch` (the last finished one), and the
//        optimizer state then: {steps, lengths: [[tensor length…] per buffer], data: Float32Array}
//   {type: 'pong', running}
//   {type: 'memory', wasm_bytes}                     the size of the engine's linear memory
//
// Appended for sweep trials (www/sweep/pool.js) and upload previews (www/ui/data.js).
// Page → worker
//   {type: 'start', config, trial: {id, params, metric}}   trains trial `id` of a sweep as the
//        engine's TrialRun (the CLI's metric, failure messages and record; only a worker started
//        as worker.js?engine=sweep has it, www/sweep/pool.js's). Answered by 'started'
//        ({…sizes, trial: true}; no sizes when the data does not fit, and 'done' follows at once);
//        then 'progress' ({epoch, epochs, batch, batches_per_epoch, examples}) and 'epoch'
//        ({record, value}: value is the trial's metric after that epoch, null when the epoch
//        failed the trial) messages, and 'done' ({trial: the trial record, val_metrics,
//        test_metrics}, metrics null when stopped early)
//   {type: 'trial-decision', epoch, decision: 'continue'|'stop'}   the coordinator's answer to
//        every 'epoch' with a value; a stop ends the trial at that epoch (later epochs are not
//        its own), and a trial that ends by itself posts 'done' only when every answer is in
//   {type: 'samples', id?, count}                    up to `count` images spread over the loaded
//        set → 'samples'
// Worker → page
//   {type: 'samples', samples: {images: [{pixels: Float32Array (0–1), label}], shape: [h, w, c],
//        layout: 'hwc'|'chw'} | null}                null when the set is not images
//
// Appended for the network view and the neuron inspector (www/ui/graph.js, www/ui/inspector.js).
// The page asks (at most a few times a second, only while the view is shown); nothing is pushed.
// Page → worker
//   {type: 'weights', id, top?}                      the current run's weights → 'weights'; with
//        top: only each layer's `top` strongest (www/edges.js), what the graph draws
//   {type: 'activations', id, features?: Float32Array, split?, limit?}   every layer's
//        activations for rows of raw features, or for the first `limit` (≤ 5000, default 500)
//        rows of a split ('val' by default) → 'activations'
//   {type: 'neuron-grads', id}                       each neuron's gradient norm now (one forward
//        and backward pass over the run's fixed sample of up to 512 training rows) → 'neuron-grads'
// Worker → page
//   {type: 'weights', units: [inputs, units of each layer…], data: Float32Array}   each layer's
//        weights (column-major units × inputs: weight (u, i) at i·units + u) then its bias;
//        with top, layers: [{units, inputs, index: Uint32Array (i·units + u), value: Float32Array,
//        max, meanAbs, total}] in place of data
//   {type: 'activations', units, rows, split: string | null, data: Float32Array}   layer after
//        layer, each a rows × units block, row-major (the input layer is not included)
//   {type: 'neuron-grads', norms: [[‖(∂L/∂w_u, ∂L/∂b_u)‖ per unit] per layer]}
//   All three refuse with {type: 'error', where: 'request'} when there is no training run.
