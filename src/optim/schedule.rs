//! Learning-rate schedules, stepped once per epoch as PyTorch's `CosineAnnealingLR(T_max =
//! epochs, eta_min)` and `StepLR(step_size, gamma)` are when `scheduler.step()` ends each epoch.

use serde::{Deserialize, Serialize};

/// Cosine: the learning rate at the last epoch's end when the config gives no `min_lr`.
pub const DEFAULT_MIN_LR: f64 = 0.0;
/// Step: the factor of each decay when the config gives no `gamma` (StepLR's default).
pub const DEFAULT_GAMMA: f64 = 0.1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleKind {
    #[default]
    None,
    Cosine,
    Step,
}

impl ScheduleKind {
    pub const ALL: [ScheduleKind; 3] =
        [ScheduleKind::None, ScheduleKind::Cosine, ScheduleKind::Step];

    pub fn name(self) -> &'static str {
        match self {
            ScheduleKind::None => "none",
            ScheduleKind::Cosine => "cosine",
            ScheduleKind::Step => "step",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LrSchedule {
    #[serde(default)]
    pub kind: ScheduleKind,
    /// Cosine: the learning rate reached at the last epoch's end (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_lr: Option<f64>,
    /// Step: epochs between decays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_epochs: Option<usize>,
    /// Step: factor applied at each decay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma: Option<f64>,
}

impl LrSchedule {
    /// The learning rate for the epoch after `done` completed epochs out of `epochs`.
    pub fn lr(&self, base: f64, done: usize, epochs: usize) -> f64 {
        match self.kind {
            ScheduleKind::None => base,
            ScheduleKind::Cosine => {
                let min = self.min_lr.unwrap_or(DEFAULT_MIN_LR);
                let t = done as f64 / epochs.max(1) as f64;
                min + (base - min) * (1.0 + (std::f64::consts::PI * t).cos()) / 2.0
            }
            ScheduleKind::Step => {
                let step = self.step_epochs.unwrap_or(1).max(1);
                base * self
                    .gamma
                    .unwrap_or(DEFAULT_GAMMA)
                    .powi((done / step) as i32)
            }
        }
    }
}
