//! `torch.optim.Adam` and `torch.optim.AdamW`. Adam adds weight decay to the gradient (L2);
//! AdamW decays the parameter directly, p ← p·(1 − lr·wd), before the Adam update. The bias
//! corrections are computed in f64, as PyTorch computes them from Python floats.

use super::{state_for, Optimizer, OptimizerState};
use crate::Real;

/// `torch.optim.Adam`'s settings, with its defaults. `decoupled_weight_decay` is PyTorch's flag
/// of the same name: AdamW is Adam with it set ([`AdamConfig::adamw`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub decoupled_weight_decay: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
        }
    }
}

impl AdamConfig {
    /// `torch.optim.AdamW`'s defaults: decoupled weight decay of 0.01.
    pub fn adamw() -> AdamConfig {
        AdamConfig {
            weight_decay: 1e-2,
            decoupled_weight_decay: true,
            ..AdamConfig::default()
        }
    }

    pub fn init(self) -> Adam {
        Adam {
            config: self,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Adam {
    config: AdamConfig,
    t: i32,
    m: Vec<Vec<Real>>,
    v: Vec<Vec<Real>>,
}

impl Optimizer for Adam {
    fn step(&mut self, params: &mut [&mut [Real]], grads: &[&[Real]]) {
        state_for(&mut self.m, params);
        state_for(&mut self.v, params);
        self.t += 1;
        let c = self.config;
        let step_size = (c.lr / (1.0 - c.beta1.powi(self.t))) as Real;
        let bc2_sqrt = (1.0 - c.beta2.powi(self.t)).sqrt() as Real;
        let (b2, eps) = (c.beta2 as Real, c.eps as Real);
        // 1 − β in f64, then rounded, as PyTorch passes the Python float 1 − β to lerp_ and
        // addcmul_ (1 − f32(0.999) is 1.3e-5 away from f32(0.001)).
        let one_minus_b1 = (1.0 - c.beta1) as Real;
        let one_minus_b2 = (1.0 - c.beta2) as Real;
        let wd = c.weight_decay as Real;
        let decay = (1.0 - c.lr * c.weight_decay) as Real;
        for (i, (p, g)) in params.iter_mut().zip(grads).enumerate() {
            let (m, v) = (&mut self.m[i], &mut self.v[i]);
            for (((p, g), m), v) in p
                .iter_mut()
                .zip(g.iter())
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                let g = if c.decoupled_weight_decay {
                    *p *= decay;
                    *g
                } else {
                    g + wd * *p
                };
                // m.lerp_(g, 1 − β1) in PyTorch: m + (1 − β1)(g − m).
                *m += one_minus_b1 * (g - *m);
                *v = b2 * *v + one_minus_b2 * g * g;
                let denom = v.sqrt() / bc2_sqrt + eps;
                *p -= step_size * *m / denom;
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
            steps: self.t as u64,
            buffers: vec![self.m.clone(), self.v.clone()],
        }
    }

    fn set_state(&mut self, state: OptimizerState) -> Result<(), String> {
        let mut state = state.with_buffers(2, "Adam")?;
        self.t = i32::try_from(state.steps).map_err(|_| {
            format!(
                "optimizer.steps: {} is more steps than Adam counts",
                state.steps
            )
        })?;
        self.v = state.buffers.pop().unwrap_or_default();
        self.m = state.buffers.pop().unwrap_or_default();
        Ok(())
    }
}
