//! Gradient clipping, applied after the regulariser's gradient and before the optimiser step:
//! by value (`clip_grad_value_`) or by one global L2 norm over every weight and bias
//! (`clip_grad_norm_`).

use crate::Real;

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Clip {
    #[default]
    None,
    /// Clamp every element to [−v, v].
    Value(f64),
    /// Scale all gradients by max_norm/(norm + 1e-6) when the global norm exceeds max_norm.
    Norm(f64),
}

impl Clip {
    /// Clips in place and returns the global gradient norm measured before clipping.
    pub fn apply(self, grads: &mut [&mut [Real]]) -> f64 {
        let norm = global_norm(grads);
        match self {
            Clip::None => {}
            Clip::Value(v) => {
                let v = v as Real;
                grads
                    .iter_mut()
                    .for_each(|g| g.iter_mut().for_each(|x| *x = x.clamp(-v, v)));
            }
            Clip::Norm(max) => {
                // PyTorch computes the norm in the gradients' dtype; so does this, by rounding
                // the f64 sum back, so the coefficient matches its rounding.
                let norm = norm as Real;
                let coef = (max as Real / (norm + 1e-6)).min(1.0);
                if coef < 1.0 {
                    grads
                        .iter_mut()
                        .for_each(|g| g.iter_mut().for_each(|x| *x *= coef));
                }
            }
        }
        norm
    }
}

pub fn global_norm(grads: &[&mut [Real]]) -> f64 {
    grads
        .iter()
        .flat_map(|g| g.iter())
        .map(|x| (*x as f64) * (*x as f64))
        .sum::<f64>()
        .sqrt()
}
