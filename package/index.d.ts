// Types of the mlp-lab package: a multilayer-perceptron trainer (Rust compiled to WebAssembly)
// that trains in its own Web Worker. The config is the same JSON `mlp-lab train --config` reads;
// `schema()` describes every field.

/** One layer: `units` neurons and their activation (one name, or one per neuron). */
export interface LayerConfig {
  units: number;
  activation: Activation | Activation[];
  init?: 'random_uniform' | 'random_normal' | 'xavier_uniform' | 'xavier_normal' | 'he_uniform' | 'he_normal';
  [field: string]: unknown;
}

export type Activation = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'softmax';

/** A training config; fields left out take the defaults `schema()` lists. */
export interface Config {
  layers: LayerConfig[];
  loss?: 'mse' | 'cross_entropy' | 'binary_cross_entropy';
  task?: 'regression' | 'binary' | 'multiclass';
  optimizer?: { name: 'sgd' | 'momentum' | 'nag' | 'rmsprop' | 'adam' | 'adamw'; lr?: number; [field: string]: unknown };
  epochs?: number;
  batch_size?: number;
  seed?: number;
  standardize?: boolean;
  validation_split?: number;
  test_split?: number;
  [field: string]: unknown;
}

/**
 * Training data: rows of features with one target per row (a number, or a class name; several
 * numbers per row for regression with several outputs), or CSV text with a header row.
 * Numeric targets are class indices 0, 1, … unless the config's task is `regression`; class
 * names are numbered in sorted order.
 */
export type Data =
  | {
      features: ArrayLike<number>[] | Float32Array | Float64Array;
      /** Features per row; needed only when `features` is one flat typed array. */
      d?: number;
      targets: ArrayLike<number> | string[] | ArrayLike<number>[];
      name?: string;
    }
  | {
      /** CSV text (or its bytes, raw or gzip) with a header row. */
      csv: string | Uint8Array;
      /** The target column's name (default: the last column). */
      target?: string;
      name?: string;
    };

/** One finished epoch, as the engine records it. */
export interface EpochRecord {
  epoch: number;
  /** Mean data loss over the epoch's batches. */
  train_loss: number;
  train_accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  val_mse?: number;
  val_mae?: number;
  val_r2?: number;
  /** The learning rate of the epoch. */
  lr: number;
  /** Each layer's mean gradient L2 norm. */
  grad_norms: number[];
  seconds: number;
}

/** How the run divided the data and how long an epoch is. */
export interface Sizes {
  batches_per_epoch: number;
  epochs: number;
  train_n: number;
  val_n: number;
  test_n: number;
  parameters: number;
}

/** Metrics of the current weights on a split. */
export interface Metrics {
  loss: number;
  accuracy?: number;
  confusion_matrix?: number[][];
  mse?: number;
  mae?: number;
  r2?: number;
  [metric: string]: unknown;
}

/**
 * Predictions, as `mlp-lab predict` writes them: `columns` are the CSV's columns; `labels` the
 * predicted class of each row (classifiers; `null` for regression); `values[r]` the row's
 * numeric columns (`p_<class>` for every class, or the predicted values).
 */
export interface Predictions {
  columns: string[];
  labels: string[] | null;
  values: number[][];
}

/** An engine error: `kind` is config, data, model, train, request or worker. */
export declare class MlpLabError extends Error {
  kind?: string;
  /** The config field at fault (`layers[1].activation`). */
  field?: string;
  /** The message without the field. */
  detail?: string;
  /** 1-based line and column of a CSV problem. */
  line?: number;
  column?: number;
}

export declare class Trainer {
  private constructor();
  readonly sizes: Sizes;
  /** Trains one epoch per iteration, in the worker, until the config's epochs (or early stopping). */
  epochs(): AsyncGenerator<EpochRecord, void, unknown>;
  /** Metrics of the current weights on `train`, `val` or `test` (as the run divided the data). */
  evaluate(split?: 'train' | 'val' | 'test'): Promise<Metrics>;
  /** Predictions for rows of raw features (standardised as the training data was). */
  predict(rows: ArrayLike<number>[] | Float32Array, d?: number): Promise<Predictions>;
  /** The model as the engine's model JSON text (what `mlp-lab predict --model` reads). Async. */
  toJSON(): Promise<string>;
  /** The model as an ONNX file (opset 17): input `input` [N, d] raw features, output `output`. */
  toONNX(): Promise<Uint8Array>;
  /** Stops the worker; the trainer cannot be used afterwards. */
  close(): void;
}

export interface WorkerOptions {
  /** Where the package's worker.js is served (default: beside index.js). */
  workerUrl?: string | URL;
}

/** Validates `config`, loads `data` in a new worker and builds the network (errors: MlpLabError). */
export declare function createTrainer(config: Config | string, data: Data, options?: WorkerOptions): Promise<Trainer>;

/** The engine's schema: every config field with its type, range, default and description. */
export declare function schema(options?: WorkerOptions): Promise<Schema>;

export interface SchemaField {
  path: string;
  label: string;
  type: string;
  description: string;
  required: boolean;
  default?: unknown;
  [key: string]: unknown;
}

export interface Schema {
  version: number;
  config: { fields: SchemaField[]; [key: string]: unknown };
  /** The names each `name` field takes: activations, inits, losses, tasks, optimizers, … */
  names: Record<string, unknown[]>;
  [key: string]: unknown;
}
