//! The native parallel runner: `workers` scoped threads, each taking the next trial from the
//! shared [`Sweep`], training it epoch by epoch (asking early termination after each), and
//! handing the finished record to a callback (which the CLI uses to append it to
//! `trials.jsonl` at once) before recording it.

use super::asha::Decision;
use super::coordinator::{Sweep, TrialPlan};
use super::spec::Metric;
use super::trial::{run_to_end, TrialRecord, TrialRun};
use super::Params;
use crate::config::Config;
use crate::data::Dataset;
use crate::train::prepare::{prepare, Prepared};
use crate::train::Run;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// What the runner tells its caller.
pub enum Event<'a> {
    Started { id: usize, params: &'a Params },
    Finished(&'a TrialRecord),
}

/// The data every trial is cut from (each trial splits and scales it as its config says).
pub struct SweepData {
    pub data: Dataset,
    /// An official test split, if the set has one (kept out of training, as `train` does).
    pub test: Option<Dataset>,
}

type Parts = Arc<Result<Prepared, String>>;

/// Split-and-scale results shared by trials whose configs cut the data the same way.
struct PrepareCache<'a> {
    data: &'a SweepData,
    parts: Mutex<HashMap<(u64, u64, u64, bool), Parts>>,
}

impl PrepareCache<'_> {
    /// The training and validation parts (a trial is judged on validation, never on test).
    fn get(&self, c: &Config) -> Result<Prepared, String> {
        let key = (
            c.seed,
            c.validation_split.to_bits(),
            c.test_split.to_bits(),
            c.standardize,
        );
        let parts = {
            let mut map = self.parts.lock().unwrap_or_else(PoisonError::into_inner);
            map.entry(key)
                .or_insert_with(|| {
                    Arc::new(
                        prepare(c, self.data.data.clone(), self.data.test.clone())
                            .map(|p| Prepared { test: None, ..p })
                            .map_err(|e| e.to_string()),
                    )
                })
                .clone()
        };
        (*parts).clone()
    }
}

/// Runs the sweep's remaining trials on `workers` threads. `on_event` is called from the
/// worker threads; if it fails on a finished trial, no further trials start, the running ones
/// finish, and its error is returned.
pub fn run(
    sweep: &mut Sweep,
    data: &SweepData,
    workers: usize,
    on_event: &(dyn Fn(Event) -> Result<(), String> + Sync),
) -> Result<(), String> {
    let metric = sweep.spec().metric;
    let shared = Mutex::new(sweep);
    let cache = PrepareCache {
        data,
        parts: Mutex::new(HashMap::new()),
    };
    let abort = AtomicBool::new(false);
    let error = Mutex::new(None::<String>);
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                if abort.load(Ordering::SeqCst) {
                    break;
                }
                let Some(plan) = lock().next_trial() else {
                    break;
                };
                let id = plan.id;
                let _ = on_event(Event::Started {
                    id,
                    params: &plan.params,
                });
                let report = |epoch, value| lock().report(id, epoch, value);
                let record = train_trial(&plan, &cache, metric, report);
                if let Err(e) = on_event(Event::Finished(&record)) {
                    abort.store(true, Ordering::SeqCst);
                    error
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .get_or_insert(e);
                }
                lock().finish(record);
            });
        }
    });
    match error.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Trains one planned trial to its end; a config or data that cannot be used, or a panic, makes
/// a failed record.
fn train_trial(
    plan: &TrialPlan,
    cache: &PrepareCache,
    metric: Metric,
    report: impl FnMut(usize, f64) -> Decision,
) -> TrialRecord {
    let failed = |m: String| TrialRecord::failed(plan.id, plan.params.clone(), m);
    let config = match &plan.config {
        Ok(c) => c,
        Err(m) => return failed(m.clone()),
    };
    let prepared = match cache.get(config) {
        Ok(p) => p,
        Err(m) => return failed(m),
    };
    catch_unwind(AssertUnwindSafe(|| {
        let run = Run::from_prepared(config, prepared, Vec::new(), None);
        run_to_end(
            TrialRun::of(plan.id, plan.params.clone(), metric, run),
            report,
        )
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        failed(format!("the trial panicked: {what}"))
    })
}
