//! A stack of dense layers, with the forward pass, the loss and backpropagation over a batch.
//! All per-batch buffers live in a [`Workspace`] sized once for a batch size, so a training step
//! allocates no matrices.

use super::{Activation, Dense, Init, Loss};
use crate::optim::clip::sum_squares;
use crate::{Matrix, Real};
use rand::Rng;

/// What a layer is made of before it has weights: the config's view of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSpec {
    pub units: usize,
    pub activations: Vec<Activation>,
    pub init: Init,
    pub scale: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub input: usize,
    pub layers: Vec<Dense>,
}

/// Per-layer pre-activations `z`, activations `a` and deltas (dL/dz) for one batch size.
#[derive(Clone, Debug)]
pub struct Workspace {
    batch: usize,
    z: Vec<Matrix>,
    a: Vec<Matrix>,
    delta: Vec<Matrix>,
    scratch: Vec<Real>,
}

impl Workspace {
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The output layer's activations after the last forward pass.
    pub fn output(&self) -> &Matrix {
        self.a.last().expect("a network has at least one layer")
    }

    /// The output layer's pre-activations after the last forward pass.
    pub fn logits(&self) -> &Matrix {
        self.z.last().expect("a network has at least one layer")
    }
}

/// dL/dW and dL/db for every layer, in the layers' shapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    pub weights: Vec<Matrix>,
    pub bias: Vec<Vec<Real>>,
}

impl Gradients {
    /// Weights then bias of each layer in turn: the order of [`Network::params_mut`].
    pub fn slices(&self) -> Vec<&[Real]> {
        self.weights
            .iter()
            .zip(&self.bias)
            .flat_map(|(w, b)| [w.as_slice(), b.as_slice()])
            .collect()
    }

    pub fn slices_mut(&mut self) -> Vec<&mut [Real]> {
        self.weights
            .iter_mut()
            .zip(self.bias.iter_mut())
            .flat_map(|(w, b)| [w.as_mut_slice(), b.as_mut_slice()])
            .collect()
    }

    /// The L2 norm of each layer's weight and bias gradients taken together.
    pub fn layer_norms(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.weights.len()];
        self.add_layer_norms(&mut out);
        out
    }

    /// Adds each layer's gradient norm to `sums[layer]` and returns the global norm over all
    /// layers (as `clip_grad_norm_` measures it), from one pass over the gradients.
    pub fn add_layer_norms(&self, sums: &mut [f64]) -> f64 {
        let mut total = 0.0;
        for ((w, b), s) in self.weights.iter().zip(&self.bias).zip(sums) {
            let sq = sum_squares(w.as_slice()) + sum_squares(b);
            *s += sq.sqrt();
            total += sq;
        }
        total.sqrt()
    }
}

impl Network {
    /// A freshly initialised network; layers draw their weights from `rng` in order.
    pub fn new<R: Rng + ?Sized>(input: usize, specs: &[LayerSpec], rng: &mut R) -> Network {
        let mut fan_in = input;
        let layers = specs
            .iter()
            .map(|s| {
                let w = s.init.weights(s.units, fan_in, s.scale, rng);
                fan_in = s.units;
                Dense::new(w, vec![0.0; s.units], &s.activations)
            })
            .collect();
        Network { input, layers }
    }

    pub fn output_units(&self) -> usize {
        self.layers.last().map_or(self.input, Dense::units)
    }

    pub fn param_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.bias.len())
            .sum()
    }

    /// Whether `loss` pairs with the output activation for the fused gradient: softmax with
    /// cross-entropy or sigmoid with binary cross-entropy, over the whole output layer.
    pub fn fuses(&self, loss: Loss) -> bool {
        let out = self.layers.last().and_then(Dense::uniform_activation);
        matches!(
            (loss, out),
            (Loss::CrossEntropy, Some(Activation::Softmax))
                | (Loss::BinaryCrossEntropy, Some(Activation::Sigmoid))
        )
    }

    pub fn workspace(&self, batch: usize) -> Workspace {
        let shape = |l: &Dense| Matrix::zeros(batch, l.units());
        let widest = self.layers.iter().map(Dense::units).max().unwrap_or(0);
        Workspace {
            batch,
            z: self.layers.iter().map(shape).collect(),
            a: self.layers.iter().map(shape).collect(),
            delta: self.layers.iter().map(shape).collect(),
            scratch: vec![0.0; 2 * batch.max(widest)],
        }
    }

    pub fn zero_gradients(&self) -> Gradients {
        Gradients {
            weights: self
                .layers
                .iter()
                .map(|l| Matrix::zeros(l.units(), l.inputs()))
                .collect(),
            bias: self.layers.iter().map(|l| vec![0.0; l.units()]).collect(),
        }
    }

    /// Weights then bias of each layer in turn: the parameter list the optimisers step.
    pub fn params_mut(&mut self) -> Vec<&mut [Real]> {
        self.layers
            .iter_mut()
            .flat_map(|l| [l.weights.as_mut_slice(), l.bias.as_mut_slice()])
            .collect()
    }

    pub fn params(&self) -> Vec<&[Real]> {
        self.layers
            .iter()
            .flat_map(|l| [l.weights.as_slice(), l.bias.as_slice()])
            .collect()
    }

    /// The forward pass over a `batch × input` block; the result is `ws.output()`.
    pub fn forward(&self, x: &Matrix, ws: &mut Workspace) {
        assert_eq!(x.nrows(), ws.batch, "workspace sized for another batch");
        let Workspace { z, a, scratch, .. } = ws;
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = a.split_at_mut(l);
            let input = if l == 0 { x } else { &done[l - 1] };
            layer.forward(input, &mut z[l], &mut rest[0], scratch);
        }
    }

    /// Forward and backward over one batch: returns the data loss (without any regulariser)
    /// and writes dL/dW, dL/db into `grads`. `fused` selects the fused output gradient where
    /// the loss and output activation allow it.
    pub fn loss_and_gradients(
        &self,
        x: &Matrix,
        y: &Matrix,
        loss: Loss,
        fused: bool,
        ws: &mut Workspace,
        grads: &mut Gradients,
    ) -> f64 {
        self.forward(x, ws);
        let last = self.layers.len() - 1;
        let Workspace {
            z,
            a,
            delta,
            scratch,
            ..
        } = ws;
        let value = if fused && self.fuses(loss) {
            loss.fused_grad(&a[last], y, &mut delta[last]);
            loss.value_from_logits(&z[last], y)
        } else {
            loss.output_grad(&a[last], y, &mut delta[last]);
            self.layers[last].activation_backward(&z[last], &a[last], &mut delta[last], scratch);
            loss.value(&a[last], y)
        };
        for l in (0..=last).rev() {
            let input = if l == 0 { x } else { &a[l - 1] };
            let (before, from_l) = delta.split_at_mut(l);
            let dx = if l == 0 {
                None
            } else {
                Some(&mut before[l - 1])
            };
            self.layers[l].backward(
                input,
                &from_l[0],
                &mut grads.weights[l],
                &mut grads.bias[l],
                dx,
            );
            if l > 0 {
                self.layers[l - 1].activation_backward(
                    &z[l - 1],
                    &a[l - 1],
                    &mut before[l - 1],
                    scratch,
                );
            }
        }
        value
    }

    /// Outputs for any number of rows, computed in chunks of `chunk` rows.
    pub fn predict(&self, x: &Matrix, chunk: usize) -> Matrix {
        let n = x.nrows();
        let mut out = Matrix::zeros(n, self.output_units());
        let chunk = chunk.max(1).min(n.max(1));
        let mut ws = self.workspace(chunk);
        let mut start = 0;
        while start < n {
            let rows = chunk.min(n - start);
            if rows != ws.batch {
                ws = self.workspace(rows);
            }
            let xb = x.rows(start, rows).into_owned();
            self.forward(&xb, &mut ws);
            out.rows_mut(start, rows).copy_from(ws.output());
            start += rows;
        }
        out
    }
}
