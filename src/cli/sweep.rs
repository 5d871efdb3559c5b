//! `mlp-lab sweep`: a sweep spec + data → trials on parallel threads, each finished trial
//! appended to `DIR/trials.jsonl` at once with `--out DIR` (a rerun with the same `--out` resumes:
//! finished trials are loaded, not rerun), progress on stderr, and as the last stdout line one
//! JSON object with every trial and the best.

use super::args::{ComputeArgs, DataArgs, DefaultedDataArgs};
use super::files::{read_text, write_atomically};
use super::load::load_data;
use crate::sweep::runner::{self, Event, SweepData};
use crate::sweep::spec::MAX_WORKERS;
use crate::sweep::{Summary, Sweep, SweepSpec, TrialRecord};
use crate::train::clock::now_seconds;
use crate::train::targets::check_targets;
use crate::train::RunData;
use clap::Args;
use serde_json::Value;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub const TRIALS_FILE: &str = "trials.jsonl";
pub const SPEC_FILE: &str = "spec.json";
pub const BEST_FILE: &str = "best.json";

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The sweep spec (JSON): method, metric, goal, max_trials, seed, base config, parameters.
    #[arg(long)]
    pub spec: PathBuf,
    #[command(flatten)]
    pub source: DefaultedDataArgs,
    /// Trials trained at once, at most 1024 (default: the spec's "workers", else the number of
    /// cores).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Threads per trial: `--threads N`; by default the cores divided among the trials
    /// training at once (at least 1). `--kernel` as for `train`.
    #[command(flatten)]
    pub compute: ComputeArgs,
    /// Keep the sweep here: spec.json and trials.jsonl (one finished trial per line). Running
    /// again with the same directory resumes the sweep.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: SweepArgs) -> Result<(), String> {
    let started = now_seconds();
    let spec_path = args.spec.display().to_string();
    let text = read_text(&args.spec, "sweep spec")?;
    let spec = SweepSpec::from_json(&text).map_err(|e| format!("spec {spec_path}: {e}"))?;
    check_workers(args.workers)?;
    let data_args = args.source.or(spec.dataset.clone(), None, || {
        "--data: name a data set or a CSV file (the spec has no \"dataset\")".to_string()
    })?;
    let loaded = load_checked(&spec, &data_args)?;
    let finished = match &args.out {
        Some(dir) => open_out(dir, &spec, &text)?,
        None => Vec::new(),
    };
    let quiet = args.quiet;
    let resumed = finished.len();
    let mut sweep = Sweep::new(spec, finished);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args
        .workers
        .or(sweep.spec().workers)
        .unwrap_or(cores)
        .min(sweep.remaining())
        .max(1);
    // Trials are the better use of cores (no shard folding, no waiting on each other), so
    // threads only get what the trials leave.
    let threads = args.compute.apply((cores / workers).max(1))?;
    if !quiet {
        say_plan(&sweep, resumed, args.out.as_deref(), (workers, threads));
    }
    let jsonl = args.out.as_deref().map(open_trials_log).transpose()?;
    let done = AtomicUsize::new(resumed);
    let total = resumed + sweep.remaining();
    let on_event = |event: Event| -> Result<(), String> {
        match event {
            Event::Started { id, params } => {
                if !quiet {
                    eprintln!("trial {id} started: {}", params_text(params));
                }
                Ok(())
            }
            Event::Finished(record) => {
                let written = match &jsonl {
                    Some((file, path)) => append(file, path, record),
                    None => Ok(()),
                };
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                if !quiet {
                    eprintln!("[{n}/{total}] {}", finished_line(record));
                }
                written
            }
        }
    };
    let data = SweepData {
        data: loaded.data,
        test: loaded.test,
    };
    runner::run(&mut sweep, &data, workers, &on_event)?;

    let summary = sweep.summary();
    if !quiet {
        let ran = sweep.finished().count() - resumed;
        say_best(&summary, ran, (now_seconds() - started) / 60.0);
    }
    if let (Some(dir), Some(best)) = (&args.out, &summary.best) {
        let path = write_best(dir, sweep.spec(), best, &data_args.data)?;
        if !quiet {
            eprintln!(
                "the best trial's config: {} (mlp-lab train --config {} trains it again)",
                path.display(),
                path.display()
            );
        }
    }
    println!(
        "{}",
        serde_json::to_string(&summary).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// The sweep's data, its targets checked against the base config unless the loss or task is
/// swept (each trial's config is then checked when it starts).
fn load_checked(spec: &SweepSpec, data_args: &DataArgs) -> Result<RunData, String> {
    let base = &spec.base;
    let loaded = load_data(data_args, base.task())?;
    let swept = |p: &str| spec.parameters.iter().any(|q| q.path == p);
    if !swept("loss") && !swept("task") {
        let outputs = base.layers.last().map_or(0, |l| l.units);
        check_targets(&loaded.data, base.task(), outputs, &data_args.data)
            .map_err(|e| format!("spec base: {e}"))?;
    }
    Ok(loaded)
}

/// The opening lines on stderr: what was resumed, and the search about to run.
fn say_plan(sweep: &Sweep, resumed: usize, out: Option<&Path>, (workers, threads): (usize, usize)) {
    if resumed > 0 {
        let dir = out.unwrap_or(Path::new("."));
        eprintln!(
            "resuming: {resumed} finished trial(s) loaded from {}",
            dir.join(TRIALS_FILE).display()
        );
    }
    let spec = sweep.spec();
    eprintln!(
        "sweep: {} search, {} trial(s) to run of {}, {workers} worker(s) × {threads} thread(s), judged by {} ({})",
        json_name(&spec.method),
        sweep.remaining(),
        spec.max_trials,
        spec.metric,
        json_name(&spec.goal),
    );
}

/// `--workers`: 1 to MAX_WORKERS when given.
fn check_workers(workers: Option<usize>) -> Result<(), String> {
    match workers {
        Some(0) => Err("--workers: must be at least 1".into()),
        Some(w) if w > MAX_WORKERS => Err(format!(
            "--workers: at most {MAX_WORKERS} trials can train at once, found {w}"
        )),
        _ => Ok(()),
    }
}

/// `DIR/trials.jsonl`, opened for appending (a resumed sweep adds to its finished trials).
fn open_trials_log(dir: &Path) -> Result<(Mutex<File>, PathBuf), String> {
    let path = dir.join(TRIALS_FILE);
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok((Mutex::new(file), path))
}

/// The closing line on stderr: the best trial, and how many trials ran how fast.
fn say_best(summary: &Summary, ran: usize, minutes: f64) {
    match &summary.best {
        Some(b) => eprintln!(
            "best: trial {} with {} {:.5}: {}  ({ran} trial(s) in {:.2} min, {:.2} trials/min)",
            b.id,
            summary.metric,
            b.metric,
            params_text(&b.params),
            minutes,
            ran as f64 / minutes.max(1e-9)
        ),
        None => eprintln!("no trial produced a metric"),
    }
}

/// `DIR/best.json`: the best trial's whole config as a preset (`{dataset, title, note, config}`),
/// so `mlp-lab train --config` and the page can train and test it.
fn write_best(
    dir: &Path,
    spec: &SweepSpec,
    best: &crate::sweep::Best,
    data: &str,
) -> Result<PathBuf, String> {
    let config = crate::sweep::space::build_config(&spec.base, &best.params)
        .map_err(|e| format!("the best trial's config: {e}"))?;
    let preset = serde_json::json!({
        "dataset": data,
        "title": format!("Sweep best: trial {}", best.id),
        "note": format!(
            "{} {} = {} in the sweep; params {}",
            json_name(&spec.goal),
            json_name(&spec.metric),
            best.metric,
            params_text(&best.params)
        ),
        "config": config,
    });
    let path = dir.join(BEST_FILE);
    let text = serde_json::to_string_pretty(&preset).map_err(|e| e.to_string())?;
    fs::write(&path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The name serde gives a unit variant (`"random"` → random).
fn json_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn params_text(params: &crate::sweep::Params) -> String {
    Value::from(serde_json::Map::from_iter(params.clone())).to_string()
}

fn finished_line(r: &TrialRecord) -> String {
    let metric = r.metric.map_or("-".to_string(), |m| format!("{m:.5}"));
    let mut s = format!(
        "trial {} {}: metric {metric} after {} epoch(s), {:.2} s",
        r.id,
        r.status.name(),
        r.epochs,
        r.seconds
    );
    if let Some(m) = &r.message {
        s += &format!(" ({m})");
    }
    s
}

/// Appends one record as a line and syncs it, so a finished trial survives an interruption.
fn append(file: &Mutex<File>, path: &Path, record: &TrialRecord) -> Result<(), String> {
    let mut line = serde_json::to_string(record).map_err(|e| e.to_string())?;
    line.push('\n');
    let mut f = file
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f.write_all(line.as_bytes())
        .and_then(|_| f.sync_data())
        .map_err(|e| format!("cannot append to {}: {e}", path.display()))
}

/// Prepares `dir` for the sweep: refuses one holding a different sweep, records the spec, and
/// loads the trials already finished there. A torn last line (an interrupted write) is dropped
/// and the file repaired; any other unreadable line is an error.
fn open_out(dir: &Path, spec: &SweepSpec, text: &str) -> Result<Vec<TrialRecord>, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create --out {}: {e}", dir.display()))?;
    let spec_file = dir.join(SPEC_FILE);
    if spec_file.is_file() {
        let old = read_text(&spec_file, "recorded spec")?;
        let old =
            SweepSpec::from_json(&old).map_err(|e| format!("{}: {e}", spec_file.display()))?;
        spec.same_sweep(&old).map_err(|field| {
            format!(
                "--out {} holds a different sweep (its spec's `{field}` differs); resuming needs the \
                 same spec apart from max_trials and workers, so use another --out",
                dir.display()
            )
        })?;
    }
    write_atomically(&spec_file, text)?;

    let path = dir.join(TRIALS_FILE);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let content = read_text(&path, "trial log")?;
    let mut records: Vec<TrialRecord> = Vec::new();
    let lines: Vec<&str> = content.lines().collect();
    let torn = !content.is_empty() && !content.ends_with('\n');
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<TrialRecord>(line) {
            Ok(r) if records.iter().any(|q| q.id == r.id) => {}
            Ok(r) => records.push(r),
            Err(_) if torn && i + 1 == lines.len() => {}
            Err(e) => {
                return Err(format!(
                    "{} line {}: not a trial record: {e}",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    if torn {
        let mut repaired: String = records
            .iter()
            .map(|r| serde_json::to_string(r).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?
            .join("\n");
        if !repaired.is_empty() {
            repaired.push('\n');
        }
        write_atomically(&path, &repaired)?;
    }
    Ok(records)
}
