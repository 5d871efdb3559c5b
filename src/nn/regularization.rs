//! Weight penalties. They apply to weights only, never biases: `l2` adds (λ/2)·Σw² to the loss
//! (gradient λ·w), `l1` adds λ·Σ|w| (gradient λ·sign(w), with sign(0) = 0 as `torch.sign`).

use super::{Gradients, Network};
use crate::Real;

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Regularization {
    #[default]
    None,
    L1(f64),
    L2(f64),
}

impl Regularization {
    /// The penalty added to the data loss.
    pub fn penalty(self, net: &Network) -> f64 {
        let weights = || {
            net.layers
                .iter()
                .flat_map(|l| l.weights.iter())
                .map(|w| *w as f64)
        };
        match self {
            Regularization::None => 0.0,
            Regularization::L1(lambda) => lambda * weights().map(f64::abs).sum::<f64>(),
            Regularization::L2(lambda) => 0.5 * lambda * weights().map(|w| w * w).sum::<f64>(),
        }
    }

    /// Adds the penalty's gradient to the weight gradients.
    pub fn add_gradient(self, net: &Network, grads: &mut Gradients) {
        let pairs = net.layers.iter().zip(grads.layers_mut().map(|(w, _)| w));
        for (l, g) in pairs {
            self.add_to(l.weights.as_slice(), g);
        }
    }

    /// Adds the penalty's gradient of weights `w` to `g` (any run of one weight tensor and
    /// the same run of its gradient).
    pub fn add_to(self, w: &[Real], g: &mut [Real]) {
        match self {
            Regularization::None => {}
            Regularization::L1(lambda) => {
                let lambda = lambda as Real;
                g.iter_mut()
                    .zip(w)
                    .for_each(|(g, w)| *g += lambda * sign(*w));
            }
            Regularization::L2(lambda) => {
                let lambda = lambda as Real;
                g.iter_mut().zip(w).for_each(|(g, w)| *g += lambda * w);
            }
        }
    }
}

fn sign(w: Real) -> Real {
    if w > 0.0 {
        1.0
    } else if w < 0.0 {
        -1.0
    } else {
        0.0
    }
}
