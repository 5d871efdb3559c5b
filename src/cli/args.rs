//! Command-line arguments (clap derive).

use crate::nn::kernel::{set_kernel, Kernel};
use crate::train::trainer::set_default_threads;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub use super::sweep::SweepArgs;

#[derive(Parser, Debug)]
#[command(
    name = "mlp-lab",
    version,
    about = "Train and evaluate multilayer perceptrons"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a network from a JSON config on a CSV file or a named data set.
    Train(TrainArgs),
    /// Evaluate a saved model on a CSV file or a named data set; prints one JSON object.
    Eval(EvalArgs),
    /// Measure native speed: GEMM GFLOP/s and training examples/s; prints JSON.
    Bench(BenchArgs),
    /// Write the compact data subsets the web page fetches (www/data by default).
    PrepareData(PrepareArgs),
    /// Run a hyper-parameter sweep (grid, random or Bayesian) from a JSON spec on parallel
    /// threads; prints one JSON object with every trial and the best.
    Sweep(SweepArgs),
    /// Print the JSON schema of configs and sweep specs: every field's type, default, range and
    /// accepted names, and the parameters a sweep can vary (what the web page builds its forms
    /// from).
    Schema(SchemaArgs),
    /// Predict every row of a CSV file (or a named data set) with a saved model; writes a CSV
    /// of predictions (the class and a probability per class, or the predicted values).
    Predict(PredictArgs),
    /// Write a saved model in another format (ONNX).
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// One line without indentation: the exact text the wasm `schema()` returns (and
    /// src/schema.json holds; `make schema` writes it).
    #[arg(long)]
    pub compact: bool,
}

/// Where the data comes from: a named set (`mnist`, `digits`, …) or a CSV file.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// A data set name (mnist, fashion-mnist, cifar10, breast-cancer, diabetes, digits, iris,
    /// wine) or a CSV file with a header row.
    #[arg(long)]
    pub data: String,
    /// The CSV column holding the target (required for CSV files).
    #[arg(long)]
    pub target: Option<String>,
    /// Where the named data sets live (default: $MLP_LAB_DATA, else ../shared/data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// `DataArgs` for commands whose input file (a preset, a sweep spec) may already name the data.
#[derive(Args, Debug, Clone)]
pub struct DefaultedDataArgs {
    /// A data set name or a CSV file with a header row (default: the one the config or spec names).
    #[arg(long)]
    pub data: Option<String>,
    /// The CSV column holding the target (required for CSV files).
    #[arg(long)]
    pub target: Option<String>,
    /// Where the named data sets live (default: $MLP_LAB_DATA, else ../shared/data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

impl DefaultedDataArgs {
    /// The flags, falling back to what the input file names; `missing` is the error without either.
    pub fn or(
        &self,
        data: Option<String>,
        target: Option<String>,
        missing: impl FnOnce() -> String,
    ) -> Result<DataArgs, String> {
        Ok(DataArgs {
            data: self.data.clone().or(data).ok_or_else(missing)?,
            target: self.target.clone().or(target),
            data_dir: self.data_dir.clone(),
        })
    }
}

/// How a command computes: threads and kernel (`--threads`, `--kernel`).
#[derive(Args, Debug, Clone, Default)]
pub struct ComputeArgs {
    /// Threads computing each batch's shards (default: every core). The trained weights are
    /// the same for any number.
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub kernel: KernelArg,
}

/// `--kernel`, alone (for commands without threads).
#[derive(Args, Debug, Clone, Default)]
pub struct KernelArg {
    /// `native` (fast: the CPU's AVX-512/AVX2 kernels) or `portable` (the web page's
    /// arithmetic, reproducing its numbers bit for bit; slower).
    #[arg(long, value_parser = parse_kernel)]
    pub kernel: Option<Kernel>,
}

fn parse_kernel(s: &str) -> Result<Kernel, String> {
    Kernel::from_name(s)
        .ok_or_else(|| format!("unknown kernel {s:?}, expected `native` or `portable`"))
}

impl KernelArg {
    /// Puts the chosen kernel in force for this process.
    pub fn apply(&self) {
        set_kernel(self.kernel.unwrap_or_default());
    }
}

impl ComputeArgs {
    /// Puts the kernel in force and makes `--threads` (else `default`) the threads of every
    /// trainer this process makes; returns that count.
    pub fn apply(&self, default: usize) -> Result<usize, String> {
        self.kernel.apply();
        let n = match self.threads {
            Some(0) => return Err("--threads: must be at least 1".into()),
            Some(n) => n,
            None => default,
        };
        set_default_threads(n);
        Ok(n)
    }
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The training config (JSON): a bare config, or a page preset
    /// (`{"dataset", "title", "note", "config"}`, e.g. www/presets/digits.json).
    #[arg(long)]
    pub config: PathBuf,
    #[command(flatten)]
    pub source: DefaultedDataArgs,
    /// Override the config's seed (for repeated runs of one preset).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Start from these weights (a model JSON file) instead of a fresh initialisation.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Write the trained model here (JSON).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Write the per-epoch history here (JSON).
    #[arg(long)]
    pub history: Option<PathBuf>,
    #[command(flatten)]
    pub compute: ComputeArgs,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The model (JSON, as written by `train --save`).
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// regression, binary or multiclass (default: the task saved in the model).
    #[arg(long)]
    pub task: Option<String>,
    /// Score every row. By default a model evaluated on the data it was trained on (same set,
    /// same row count, no official test split) is scored on the rows its run held out: its
    /// test split, else its validation split.
    #[arg(long)]
    pub all_rows: bool,
    #[command(flatten)]
    pub kernel: KernelArg,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Timed repeats per measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub repeats: usize,
    #[command(flatten)]
    pub compute: ComputeArgs,
}

#[derive(Args, Debug)]
pub struct PrepareArgs {
    /// Output folder for the manifests and binary subsets.
    #[arg(long, default_value = "www/data")]
    pub out: PathBuf,
    /// Where the real data sets live (default: $MLP_LAB_DATA, else ../shared/data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Also write every row of MNIST, Fashion-MNIST and CIFAR-10 as `<name>-full`.
    #[arg(long)]
    pub full: bool,
    /// Only these sets (repeatable), e.g. --only mnist --only digits.
    #[arg(long)]
    pub only: Vec<String>,
}

#[derive(Args, Debug)]
pub struct PredictArgs {
    /// The model (JSON, as written by `train --save`).
    #[arg(long)]
    pub model: PathBuf,
    /// A CSV file with a header row whose columns are the model's features in training order
    /// (a column named like the model's training target is ignored), or a data set name (its
    /// official test split when it has one, else every row).
    #[arg(long)]
    pub data: String,
    /// A column to ignore (default: the model's training target, when the model names it).
    #[arg(long)]
    pub target: Option<String>,
    /// Where the named data sets live (default: $MLP_LAB_DATA, else ../shared/data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Write the predictions CSV here (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// `portable` writes the page's numbers to the last digit (its *Predict a CSV*).
    #[command(flatten)]
    pub kernel: KernelArg,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The model (JSON, as written by `train --save`).
    #[arg(long)]
    pub model: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// ONNX (opset 17): float32 `input` [N, d] of raw features → `output` [N, k].
    Onnx,
}
