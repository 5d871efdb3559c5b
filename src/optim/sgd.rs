//! `torch.optim.SGD`: plain, with momentum (dampening 0), or Nesterov.

use super::{state_for, Optimizer, OptimizerState};
use crate::Real;

#[derive(Clone, Debug)]
pub struct Sgd {
    lr: f64,
    momentum: f64,
    nesterov: bool,
    weight_decay: f64,
    buf: Vec<Vec<Real>>,
    started: bool,
}

impl Sgd {
    pub fn new(lr: f64, momentum: f64, nesterov: bool, weight_decay: f64) -> Sgd {
        Sgd {
            lr,
            momentum,
            nesterov,
            weight_decay,
            buf: Vec::new(),
            started: false,
        }
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, params: &mut [&mut [Real]], grads: &[&[Real]]) {
        let (lr, mu, wd) = (
            self.lr as Real,
            self.momentum as Real,
            self.weight_decay as Real,
        );
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
                    d = if self.nesterov { d + mu * *b } else { *b };
                }
                *p -= lr * d;
            }
        }
        self.started = true;
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
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
