//! Training: one run from loaded data to a saved model ([`Run`]), the mini-batch loop inside it
//! as a resumable state machine ([`Trainer::step`]), the batches it cuts from a data set, the
//! metrics it reports and the history it keeps.

pub mod augment;
pub mod batch;
pub mod clock;
pub mod histogram;
pub mod history;
pub mod metrics;
#[cfg(not(target_arch = "wasm32"))]
pub mod pool;
pub mod predict;
pub mod prepare;
pub mod run;
pub mod shard;
pub mod split_optimizer;
pub mod targets;
pub mod trainer;

pub use history::{EpochRecord, History};
pub use metrics::Metrics;
pub use predict::QueryError;
pub use run::{Checkpoint, Run, RunData, Split};
pub use trainer::{Progress, TrainError, Trainer};
