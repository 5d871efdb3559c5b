//! The `mlp-lab` command line: argument definitions and dispatch. Each command is one file.

mod args;
mod bench;
mod eval;
mod export;
mod files;
mod load;
mod predict;
mod prepare_data;
mod schema;
mod sweep;
mod train;

use clap::Parser;
use std::process::ExitCode;

pub use args::{Cli, Command};

/// Parses the arguments, runs the command and turns any error into a message and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(a) => train::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::PrepareData(a) => prepare_data::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Predict(a) => predict::run(a),
        Command::Export(a) => export::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mlp-lab: {message}");
            ExitCode::FAILURE
        }
    }
}
