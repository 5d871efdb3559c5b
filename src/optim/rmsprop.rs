//! `torch.optim.RMSprop` (not centred): v ← αv + (1−α)g², then p ← p − lr·g/(√v + ε), through a
//! momentum buffer when momentum > 0. The config calls α `beta`.

use super::{state_for, Optimizer, OptimizerState};
use crate::Real;

/// `torch.optim.RMSprop`'s settings, with its defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmspropConfig {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub momentum: f64,
    pub weight_decay: f64,
}

impl Default for RmspropConfig {
    fn default() -> Self {
        RmspropConfig {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }
}

impl RmspropConfig {
    pub fn init(self) -> RmsProp {
        RmsProp {
            config: self,
            square_avg: Vec::new(),
            buf: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct RmsProp {
    config: RmspropConfig,
    square_avg: Vec<Vec<Real>>,
    buf: Vec<Vec<Real>>,
}

impl Optimizer for RmsProp {
    fn step(&mut self, params: &mut [&mut [Real]], grads: &[&[Real]]) {
        let c = &self.config;
        let (lr, alpha, eps) = (c.lr as Real, c.alpha as Real, c.eps as Real);
        // 1 − α in f64 before rounding, as PyTorch passes the Python float 1 − α to addcmul_.
        let one_minus_alpha = (1.0 - c.alpha) as Real;
        let (mu, wd) = (c.momentum as Real, c.weight_decay as Real);
        state_for(&mut self.square_avg, params);
        if mu > 0.0 {
            state_for(&mut self.buf, params);
        }
        for (i, (p, g)) in params.iter_mut().zip(grads).enumerate() {
            for (j, (p, g)) in p.iter_mut().zip(g.iter()).enumerate() {
                let g = g + wd * *p;
                let v = &mut self.square_avg[i][j];
                *v = alpha * *v + one_minus_alpha * g * g;
                let avg = v.sqrt() + eps;
                if mu > 0.0 {
                    let b = &mut self.buf[i][j];
                    *b = mu * *b + g / avg;
                    *p -= lr * *b;
                } else {
                    *p -= lr * g / avg;
                }
            }
        }
    }

    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn state(&self) -> OptimizerState {
        OptimizerState {
            steps: 0,
            buffers: vec![self.square_avg.clone(), self.buf.clone()],
        }
    }

    fn set_state(&mut self, state: OptimizerState) -> Result<(), String> {
        let mut state = state.with_buffers(2, "RMSprop")?;
        self.buf = state.buffers.pop().unwrap_or_default();
        self.square_avg = state.buffers.pop().unwrap_or_default();
        Ok(())
    }
}
