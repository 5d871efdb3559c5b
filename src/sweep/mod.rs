//! Hyper-parameter sweeps: a spec ([`SweepSpec`]), samplers that propose trials ([`Sampler`]:
//! grid, random, Bayesian), ASHA early termination ([`Asha`]), a thread-free coordinator
//! ([`Sweep`]) that hands out trials and collects their results, one trial's training loop
//! ([`TrialRun`], stepped a slice of batches at a time, or [`run_trial`] to the end) and,
//! natively, a parallel runner on scoped threads ([`runner`]).
//!
//! Everything but [`runner`] is free of threads and files, so the browser worker can drive the
//! same [`Sweep`] one trial (and one epoch) at a time.
//!
//! # Spec
//!
//! ```json
//! {"method": "random", "metric": "val_accuracy", "goal": "maximize", "max_trials": 20, "seed": 1,
//!  "workers": 2, "dataset": "digits",
//!  "base": { ...a Config... },
//!  "parameters": {
//!     "optimizer.name": {"values": ["sgd", "adam"]},
//!     "optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"},
//!     "hidden_units": {"min": 16, "max": 128, "type": "int"}},
//!  "early_termination": {"kind": "asha", "min_epochs": 1, "reduction_factor": 3}}
//! ```
//!
//! `goal` defaults from the metric (accuracy and R² are maximised, losses and errors minimised),
//! `seed` to 0, `workers` to the machine's cores; `dataset` is optional (the CLI's `--data` wins).
//! Parameter paths are the config's own fields (`epochs`, `batch_size`, `optimizer.lr`,
//! `clip.value`, …) plus shortcuts over the layers: `hidden_layers` (how many hidden layers: extra
//! ones copy the last hidden layer, or are 32 ReLU units with He init when there is none),
//! `hidden_units`, `hidden_activation` (every hidden layer), `output_activation`, `init` (every
//! layer) and `loss` (which also makes the output layer softmax for `cross_entropy` and sigmoid for
//! `binary_cross_entropy`; `output_activation`, applied after it, overrides that). See
//! [`space::PARAMETERS`]; `mlp-lab schema` lists them with their domains.
//!
//! # Conditional parameters
//!
//! A parameter applies only where it means something: `optimizer.momentum` for momentum, nag and
//! rmsprop; `optimizer.beta` for rmsprop; `optimizer.beta1`/`beta2` for adam and adamw;
//! `optimizer.eps` for rmsprop, adam and adamw (the config's own rule, each field's `when` in `config::fields`);
//! `regularization.lambda` when `regularization.kind` is l1 or l2; `clip.value` when `clip.kind` is
//! value and `clip.max_norm` when it is norm; `hidden_units` and `hidden_activation` when the
//! network has hidden layers. The deciding choice is the trial's own value when it is swept, the
//! base's otherwise. A sampler draws every parameter, then drops those that do not apply, so a
//! trial's `params` hold exactly what was applied; building the trial's config also drops base
//! fields that stop applying (an adam base's `beta1` on an sgd trial), so `Config::validate`
//! passes. A swept parameter that applies in no trial at all (`optimizer.beta1` on an sgd base
//! with `optimizer.name` not swept, `hidden_units` with no hidden layer and `hidden_layers` not
//! swept) is refused when the spec is read, naming the choice that rules it out.
//!
//! # Samplers
//!
//! - `grid`: the Cartesian product of every parameter's `values` (an int range counts as the list
//!   of its integers; a float range is refused), in order with the last parameter (by path,
//!   alphabetically) varying fastest; combinations that become identical once inactive
//!   parameters are dropped are run once. `max_trials` truncates.
//! - `random`: independent draws, uniform, log-uniform (`"scale": "log"`) or uniform integers
//!   (`"type": "int"`), from a stream seeded by (seed, trial id), so trial `i` has the same
//!   params however the sweep is run, resumed or parallelised. Drawn floats keep 10 significant
//!   digits, so a trial's JSON reads back as exactly the same numbers when a sweep resumes.
//! - `bayes`: a Gaussian process with a Matérn-5/2 kernel and expected improvement. Each trial is
//!   encoded in [0, 1]^d (ranges linearly or in log space; numeric value lists by index; other
//!   value lists one-hot; an inactive parameter sits at 0.5, or all-zero one-hot). The first
//!   `max(5, parameters + 1)` trials are random; after that the metric (oriented to be minimised,
//!   standardised) of at most 100 finished trials, the best 50 and the latest 50 (so a
//!   suggestion's cost stays bounded however long the sweep runs), is fitted by a zero-mean GP
//!   whose shared length-scale and noise are picked from a small grid by marginal likelihood
//!   (amplitude profiled out), after which each coordinate's length-scale is refined by two
//!   rounds of multiplicative coordinate ascent on the same likelihood (a cheap ARD, which
//!   matters when parameters differ in how fast the metric varies along them); the next trial is
//!   the best of 2,000 random candidates plus 500 perturbations of the best trials by EI. Running
//!   trials (the latest 50) count as observations at the mean (a constant liar), so parallel
//!   workers spread out; failed trials count as the worst value seen. Stopped-early trials count
//!   with the metric they stopped at.
//!
//! # Early termination
//!
//! ASHA-style stopping rungs at `min_epochs · η^k` epochs (η = `reduction_factor`): when a trial
//! reaches a rung, its metric joins that rung's list, and unless it is among the best
//! `max(1, ⌊n/η⌋)` of the `n` values there it is stopped (status `stopped_early`, metric the value
//! at the rung). Decisions are made as trials arrive, so the first trials at a rung always go on.

pub mod asha;
pub mod coordinator;
pub mod domain;
pub mod gp;
#[cfg(not(target_arch = "wasm32"))]
pub mod runner;
pub mod sampler;
pub mod space;
pub mod spec;
pub mod trial;

use std::collections::BTreeMap;

/// A trial's parameters: path → value, only those that apply.
pub type Params = BTreeMap<String, serde_json::Value>;

pub use asha::{Asha, Decision};
pub use coordinator::{Best, Summary, Sweep, TrialPlan};
pub use sampler::{Observation, Sampler};
pub use spec::{Domain, EarlyTermination, Goal, Method, Metric, Param, SpecError, SweepSpec};
pub use trial::{run_trial, TrialRecord, TrialRun, TrialStatus};
