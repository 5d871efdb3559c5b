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

pub use adam::{Adam, AdamConfig};
pub use clip::Clip;
pub use rmsprop::{RmsProp, RmspropConfig};
pub use sgd::{Sgd, SgdConfig};

/// The momentum of `momentum` and `nag` when the config gives none: PyTorch's SGD defaults to 0,
/// but an SGD-with-momentum optimiser without momentum would be plain SGD.
pub const SGD_MOMENTUM: f64 = 0.9;

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
    /// The defaults of `kind`, from its config struct (PyTorch's), with [`SGD_MOMENTUM`] for
    /// `momentum` and `nag`. Fields the optimiser does not take keep the value of the optimiser
    /// that does.
    pub fn defaults(kind: OptimizerKind) -> Hyper {
        let sgd = SgdConfig::default();
        let rms = RmspropConfig::default();
        let adam = match kind {
            OptimizerKind::Adamw => AdamConfig::adamw(),
            _ => AdamConfig::default(),
        };
        let (lr, momentum, eps, weight_decay) = match kind {
            OptimizerKind::Sgd => (sgd.lr, sgd.momentum, adam.eps, sgd.weight_decay),
            OptimizerKind::Momentum | OptimizerKind::Nag => {
                (sgd.lr, SGD_MOMENTUM, adam.eps, sgd.weight_decay)
            }
            OptimizerKind::Rmsprop => (rms.lr, rms.momentum, rms.eps, rms.weight_decay),
            OptimizerKind::Adam | OptimizerKind::Adamw => {
                (adam.lr, 0.0, adam.eps, adam.weight_decay)
            }
        };
        Hyper {
            kind,
            lr,
            momentum,
            beta: rms.alpha,
            beta1: adam.beta1,
            beta2: adam.beta2,
            eps,
            weight_decay,
        }
    }

    /// The value of a config field of the optimizer (`lr`, `momentum`, …).
    pub fn get(&self, field: &str) -> Option<f64> {
        Some(match field {
            "lr" => self.lr,
            "momentum" => self.momentum,
            "beta" => self.beta,
            "beta1" => self.beta1,
            "beta2" => self.beta2,
            "eps" => self.eps,
            "weight_decay" => self.weight_decay,
            _ => return None,
        })
    }

    pub fn build(&self) -> Box<dyn Optimizer + Send> {
        let h = *self;
        match h.kind {
            OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nag => Box::new(
                SgdConfig {
                    lr: h.lr,
                    momentum: if h.kind == OptimizerKind::Sgd {
                        0.0
                    } else {
                        h.momentum
                    },
                    nesterov: h.kind == OptimizerKind::Nag,
                    weight_decay: h.weight_decay,
                }
                .init(),
            ),
            OptimizerKind::Rmsprop => Box::new(
                RmspropConfig {
                    lr: h.lr,
                    alpha: h.beta,
                    eps: h.eps,
                    momentum: h.momentum,
                    weight_decay: h.weight_decay,
                }
                .init(),
            ),
            OptimizerKind::Adam | OptimizerKind::Adamw => Box::new(
                AdamConfig {
                    lr: h.lr,
                    beta1: h.beta1,
                    beta2: h.beta2,
                    eps: h.eps,
                    weight_decay: h.weight_decay,
                    decoupled_weight_decay: h.kind == OptimizerKind::Adamw,
                }
                .init(),
            ),
        }
    }
}

/// Per-tensor state buffers, created zeroed on first use.
fn state_for(state: &mut Vec<Vec<Real>>, params: &[&mut [Real]]) {
    if state.len() != params.len() {
        *state = params.iter().map(|p| vec![0.0; p.len()]).collect();
    }
}
