//! Optimisers, each the update rule of its `torch.optim` namesake with the same defaults and the
//! same order of operations, behind one trait. Gradient clipping lives in [`clip`] and runs
//! before any optimiser sees the gradients.

pub mod adam;
pub mod clip;
pub mod rmsprop;
pub mod schedule;
pub mod sgd;

use crate::Real;
use serde::{Deserialize, Serialize};

pub use adam::Adam;
pub use clip::Clip;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

/// One optimisation step over a list of parameter tensors and their gradients (the same order
/// and lengths on every call; state is kept per position).
pub trait Optimizer {
    fn step(&mut self, params: &mut [&mut [Real]], grads: &[&[Real]]);
    /// The learning rate in force, for the history.
    fn lr(&self) -> f64;
    /// Changes the learning rate (a schedule calls this between epochs); state is kept.
    fn set_lr(&mut self, lr: f64);
    /// A copy of the state the update rule carries from step to step, for checkpoints.
    fn state(&self) -> OptimizerState;
    /// Puts back a state from [`Optimizer::state`] of the same kind of optimiser; refuses one
    /// with the wrong number of buffers. The shapes are checked against the parameters by the
    /// caller, which knows them ([`OptimizerState::check_shapes`]).
    fn set_state(&mut self, state: OptimizerState) -> Result<(), String>;
}

/// What an optimiser carries between steps: its step count (Adam's bias corrections need it;
/// for SGD it says whether the momentum buffer is seeded) and its per-parameter buffers —
/// SGD's momentum; RMSprop's square average and momentum; Adam's first and second moments —
/// each a list of tensors in parameter order, empty while unused.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState {
    pub steps: u64,
    pub buffers: Vec<Vec<Vec<Real>>>,
}

impl OptimizerState {
    /// Checks that every used buffer has one tensor per parameter tensor, of its length.
    pub fn check_shapes(&self, param_lens: &[usize]) -> Result<(), String> {
        for (b, buffer) in self.buffers.iter().enumerate() {
            if buffer.is_empty() {
                continue;
            }
            if buffer.len() != param_lens.len() {
                return Err(format!(
                    "optimizer.buffers[{b}]: expected {} tensors (one per parameter tensor), found {}",
                    param_lens.len(),
                    buffer.len()
                ));
            }
            for (i, (t, &n)) in buffer.iter().zip(param_lens).enumerate() {
                if t.len() != n {
                    return Err(format!(
                        "optimizer.buffers[{b}][{i}]: expected {n} numbers, found {}",
                        t.len()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The state, after checking it has `n` buffers.
    fn with_buffers(self, n: usize, name: &str) -> Result<OptimizerState, String> {
        if self.buffers.len() != n {
            return Err(format!(
                "optimizer.buffers: {name} keeps {n} buffer(s), found {}",
                self.buffers.len()
            ));
        }
        Ok(self)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    Sgd,
    Momentum,
    Nag,
    Rmsprop,
    Adam,
    Adamw,
}

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 6] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Nag,
        OptimizerKind::Rmsprop,
        OptimizerKind::Adam,
        OptimizerKind::Adamw,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Nag => "nag",
            OptimizerKind::Rmsprop => "rmsprop",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Adamw => "adamw",
        }
    }

    /// PyTorch's default learning rate for the optimiser.
    pub fn default_lr(self) -> f64 {
        match self {
            OptimizerKind::Rmsprop => 1e-2,
            _ => 1e-3,
        }
    }

    /// The hyper-parameters (besides `lr`) that mean something for this optimiser.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            OptimizerKind::Sgd => &["weight_decay"],
            OptimizerKind::Momentum | OptimizerKind::Nag => &["momentum", "weight_decay"],
            OptimizerKind::Rmsprop => &["beta", "eps", "momentum", "weight_decay"],
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                &["beta1", "beta2", "eps", "weight_decay"]
            }
        }
    }
}

impl std::fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Fully resolved hyper-parameters (defaults filled in) from which an optimiser is built.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    pub kind: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub beta: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
}

impl Hyper {
    /// PyTorch's defaults for `kind` (momentum 0.9 for `momentum`/`nag`, which PyTorch leaves
    /// at 0 — an SGD-with-momentum optimiser without momentum would be plain SGD).
    pub fn defaults(kind: OptimizerKind) -> Hyper {
        Hyper {
            kind,
            lr: kind.default_lr(),
            momentum: match kind {
                OptimizerKind::Momentum | OptimizerKind::Nag => 0.9,
                _ => 0.0,
            },
            beta: 0.99,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: if kind == OptimizerKind::Adamw {
                1e-2
            } else {
                0.0
            },
        }
    }

    pub fn build(&self) -> Box<dyn Optimizer + Send> {
        match self.kind {
            OptimizerKind::Sgd => Box::new(Sgd::new(self.lr, 0.0, false, self.weight_decay)),
            OptimizerKind::Momentum => {
                Box::new(Sgd::new(self.lr, self.momentum, false, self.weight_decay))
            }
            OptimizerKind::Nag => {
                Box::new(Sgd::new(self.lr, self.momentum, true, self.weight_decay))
            }
            OptimizerKind::Rmsprop => Box::new(RmsProp::new(
                self.lr,
                self.beta,
                self.eps,
                self.momentum,
                self.weight_decay,
            )),
            OptimizerKind::Adam | OptimizerKind::Adamw => Box::new(Adam::new(
                self.lr,
                self.beta1,
                self.beta2,
                self.eps,
                self.weight_decay,
                self.kind == OptimizerKind::Adamw,
            )),
        }
    }
}

/// Per-tensor state buffers, created zeroed on first use.
fn state_for(state: &mut Vec<Vec<Real>>, params: &[&mut [Real]]) {
    if state.len() != params.len() {
        *state = params.iter().map(|p| vec![0.0; p.len()]).collect();
    }
}
