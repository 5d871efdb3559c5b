//! `torch.optim.SGD`: plain, with momentum (dampening 0), or Nesterov.

use super::{state_for, Optimizer, OptimizerState};
use crate::Real;

/// `torch.optim.SGD`'s settings, with its defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    pub lr: f64,
    pub momentum: f64,
    pub nesterov: bool,
    pub weight_decay: f64,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 1e-3,
            momentum: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }
}

impl SgdConfig {
    pub fn init(self) -> Sgd {
        Sgd {
            config: self,
            buf: Vec::new(),
            started: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Sgd {
    config: SgdConfig,
    buf: Vec<Vec<Real>>,
    started: bool,
}

impl Optimizer for Sgd {
    fn step(&mut self, params: &mut [&mut [Real]], grads: &[&[Real]]) {
        let c = &self.config;
        let (lr, mu, wd) = (c.lr as Real, c.momentum as Real, c.weight_decay as Real);
        if mu != 0.0 {
            state_for(&mut self.buf, params);
        }
        for (i, (p, g)) in params.iter_mut().zip(grads).enumerate() {
            for (j, (p, g)) in p.iter_mut().zip(g.iter()).enumerate() {
                let mut d = g + wd * *p;
                if mu != 0.0 {
                    let b = &mut self.buf[i][j];
                    // The first step seeds the buffer with the gradient itself.
                    *b = if self.started { mu * *b + d } else { d };
                    d = if c.nesterov { d + mu * *b } else { *b };
                }
                *p -= lr * d;
            }
        }
        self.started = true;
    }

    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn state(&self) -> OptimizerState {
        OptimizerState {
            steps: u64::from(self.started),
            buffers: vec![self.buf.clone()],
        }
    }

    fn set_state(&mut self, state: OptimizerState) -> Result<(), String> {
        let mut state = state.with_buffers(1, "SGD")?;
        self.started = state.steps > 0;
        self.buf = state.buffers.remove(0);
        Ok(())
    }
}
