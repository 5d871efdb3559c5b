//! `torch.optim.Adam` and `torch.optim.AdamW`. Adam adds weight decay to the gradient (L2);
//! AdamW decays the parameter directly, p ← p·(1 − lr·wd), before the Adam update. The bias
//! corrections are computed in f64, as PyTorch computes them from Python floats.

use super::{state_for, Optimizer, OptimizerState};
use crate::Real;

#[derive(Clone, Debug)]
pub struct Adam {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    decoupled: bool,
    t: i32,
    m: Vec<Vec<Real>>,
    v: Vec<Vec<Real>>,
}

impl Adam {
    pub fn new(
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
        weight_decay: f64,
        decoupled: bool,
    ) -> Adam {
        Adam {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            decoupled,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }
}

impl Optimizer for Adam {
    fn step(&mut self, params: &mut [&mut [Real]], grads: &[&[Real]]) {
        state_for(&mut self.m, params);
        state_for(&mut self.v, params);
        self.t += 1;
        let step_size = (self.lr / (1.0 - self.beta1.powi(self.t))) as Real;
        let bc2_sqrt = (1.0 - self.beta2.powi(self.t)).sqrt() as Real;
        let (b2, eps) = (self.beta2 as Real, self.eps as Real);
        // 1 − β in f64, then rounded, as PyTorch passes the Python float 1 − β to lerp_ and
        // addcmul_ (1 − f32(0.999) is 1.3e-5 away from f32(0.001)).
        let one_minus_b1 = (1.0 - self.beta1) as Real;
        let one_minus_b2 = (1.0 - self.beta2) as Real;
        let wd = self.weight_decay as Real;
        let decay = (1.0 - self.lr * self.weight_decay) as Real;
        for (i, (p, g)) in params.iter_mut().zip(grads).enumerate() {
            let (m, v) = (&mut self.m[i], &mut self.v[i]);
            for (((p, g), m), v) in p
                .iter_mut()
                .zip(g.iter())
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                let g = if self.decoupled {
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
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
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
