//! A stack of dense layers, with the forward pass, the loss and backpropagation over a batch.
//! All per-batch buffers live in a [`Workspace`] sized once for a batch size, so a training step
//! allocates no matrices.

use super::dropout::Dropout;
use super::{Activation, Dense, Init, Loss};
use crate::optim::clip::blocked_sum_squares;
use crate::{Matrix, Real};
use nalgebra::{DMatrixView, Dyn, MatrixView};
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
    /// Per layer, while it drops out: its mask (0 or 1/(1−p)) and its masked inputs; empty
    /// until a training step first needs them.
    masks: Vec<Matrix>,
    dropped: Vec<Matrix>,
}

impl Workspace {
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The output layer's activations after the last forward pass.
    pub fn output(&self) -> &Matrix {
        self.a.last().expect("a network has at least one layer")
    }

    /// Every layer's activations after the last forward pass.
    pub fn activations(&self) -> &[Matrix] {
        &self.a
    }

    /// The output layer's pre-activations after the last forward pass.
    pub fn logits(&self) -> &Matrix {
        self.z.last().expect("a network has at least one layer")
    }
}

/// dL/dW and dL/db of every layer in one flat buffer, in the order of [`Network::params`]: each
/// layer's weights (column-major `units × inputs`, as its weight matrix stores them), then its
/// bias. Flat so a shard's gradient is one buffer to add, send or share.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Gradients {
    flat: Vec<Real>,
    /// Each layer's (units, inputs).
    shapes: Vec<(usize, usize)>,
}

impl Gradients {
    /// Zero gradients for layers of these (units, inputs).
    pub fn zeros(shapes: Vec<(usize, usize)>) -> Gradients {
        let len = shapes.iter().map(|(u, i)| u * i + u).sum();
        Gradients {
            flat: vec![0.0; len],
            shapes,
        }
    }

    pub fn as_slice(&self) -> &[Real] {
        &self.flat
    }

    pub fn as_mut_slice(&mut self) -> &mut [Real] {
        &mut self.flat
    }

    /// Layer `l`'s weight gradient as a `units × inputs` matrix view.
    pub fn weights(&self, l: usize) -> DMatrixView<'_, Real> {
        let (u, i) = self.shapes[l];
        DMatrixView::from_slice(self.layers().nth(l).expect("a layer index").0, u, i)
    }

    /// Layer `l`'s bias gradient.
    pub fn bias(&self, l: usize) -> &[Real] {
        self.layers().nth(l).expect("a layer index").1
    }

    /// (weights, bias) of each layer in turn.
    pub fn layers(&self) -> impl Iterator<Item = (&[Real], &[Real])> {
        let mut rest = self.flat.as_slice();
        self.shapes.iter().map(move |&(u, i)| {
            let (w, tail) = rest.split_at(u * i);
            let (b, tail) = tail.split_at(u);
            rest = tail;
            (w, b)
        })
    }

    pub fn layers_mut(&mut self) -> impl Iterator<Item = (&mut [Real], &mut [Real])> {
        split_layers_mut(&mut self.flat, &self.shapes)
    }

    /// Weights then bias of each layer in turn: the order of [`Network::params_mut`].
    pub fn slices(&self) -> Vec<&[Real]> {
        self.layers().flat_map(|(w, b)| [w, b]).collect()
    }

    pub fn slices_mut(&mut self) -> Vec<&mut [Real]> {
        self.layers_mut().flat_map(|(w, b)| [w, b]).collect()
    }

    /// The L2 norm of each layer's weight and bias gradients taken together.
    pub fn layer_norms(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.shapes.len()];
        self.add_layer_norms(&mut out);
        out
    }

    /// Adds each layer's gradient norm to `sums[layer]` and returns the global norm over all
    /// layers (as `clip_grad_norm_` measures it), from one pass over the gradients.
    pub fn add_layer_norms(&self, sums: &mut [f64]) -> f64 {
        let mut total = 0.0;
        for ((w, b), s) in self.layers().zip(sums) {
            let sq = blocked_sum_squares(w) + blocked_sum_squares(b);
            *s += sq.sqrt();
            total += sq;
        }
        total.sqrt()
    }
}

/// A flat gradient buffer cut into each layer's (weights, bias), for layers of these
/// (units, inputs).
pub fn split_layers_mut<'a>(
    flat: &'a mut [Real],
    shapes: &'a [(usize, usize)],
) -> impl Iterator<Item = (&'a mut [Real], &'a mut [Real])> {
    let mut rest = flat;
    shapes.iter().map(move |&(u, i)| {
        let (w, tail) = std::mem::take(&mut rest).split_at_mut(u * i);
        let (b, tail) = tail.split_at_mut(u);
        rest = tail;
        (w, b)
    })
}

/// Where a shard of rows sits in training: the keys of anything drawn per row, such as
/// dropout masks, so that they do not depend on how a batch is shared out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShardPos {
    /// Epochs completed before this one.
    pub epoch: usize,
    /// The batch's index within its epoch (from 0).
    pub batch: usize,
    /// The shard's first row within its batch.
    pub first_row: usize,
}

/// A `rows × inputs` block of inputs read in place, with any strides: the trainer's shards are
/// row-major copies of data-set rows (one copy per row, no transposing), a whole batch a
/// column-major matrix.
pub type Input<'a> = MatrixView<'a, Real, Dyn, Dyn, Dyn, Dyn>;

/// Views as [`Input`].
pub trait AsInput {
    fn of(m: &Matrix) -> Input<'_>;
    /// `rows × cols` inputs stored row after row in `data`.
    fn row_major(data: &[Real], rows: usize, cols: usize) -> Input<'_>;
}

impl AsInput for Input<'_> {
    fn of(m: &Matrix) -> Input<'_> {
        let (r, c) = m.shape();
        MatrixView::from_slice_with_strides_generic(
            m.as_slice(),
            Dyn(r),
            Dyn(c),
            Dyn(1),
            Dyn(r.max(1)),
        )
    }

    fn row_major(data: &[Real], rows: usize, cols: usize) -> Input<'_> {
        MatrixView::from_slice_with_strides_generic(
            &data[..rows * cols],
            Dyn(rows),
            Dyn(cols),
            Dyn(cols.max(1)),
            Dyn(1),
        )
    }
}

/// One shard of a batch, for [`Network::shard_gradients`].
pub struct ShardInput<'a> {
    /// The shard's `rows × inputs` features and `rows × outputs` targets.
    pub x: Input<'a>,
    pub y: &'a Matrix,
    pub loss: Loss,
    /// Use the fused output gradient where the loss and output activation allow it.
    pub fused: bool,
    /// The divisor of the whole batch's loss ([`Loss::divisor`] of its rows), so the shards'
    /// gradients sum to the batch's.
    pub divisor: f64,
    pub at: ShardPos,
    /// Dropout on the layers' inputs (training only).
    pub dropout: Dropout<'a>,
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
            masks: self.layers.iter().map(|_| Matrix::zeros(0, 0)).collect(),
            dropped: self.layers.iter().map(|_| Matrix::zeros(0, 0)).collect(),
        }
    }

    pub fn zero_gradients(&self) -> Gradients {
        Gradients::zeros(self.layer_shapes())
    }

    /// Each layer's (units, inputs): the layout of a flat gradient buffer.
    pub fn layer_shapes(&self) -> Vec<(usize, usize)> {
        self.layers
            .iter()
            .map(|l| (l.units(), l.inputs()))
            .collect()
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
        self.forward_input(&Input::of(x), ws);
    }

    /// The forward pass over inputs with any strides.
    pub fn forward_input(&self, x: &Input<'_>, ws: &mut Workspace) {
        assert_eq!(x.nrows(), ws.batch, "workspace sized for another batch");
        let Workspace { z, a, scratch, .. } = ws;
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = a.split_at_mut(l);
            let input = if l == 0 { *x } else { Input::of(&done[l - 1]) };
            layer.forward(&input, &mut z[l], &mut rest[0], scratch);
        }
    }

    /// The training forward pass: as [`Network::forward_input`], but each layer that drops out
    /// reads its inputs through this shard's mask (kept in `ws` for the backward pass).
    fn forward_dropping(&self, x: &Input<'_>, dropout: &Dropout, at: ShardPos, ws: &mut Workspace) {
        if (0..self.layers.len()).all(|l| !dropout.active(l)) {
            return self.forward_input(x, ws);
        }
        assert_eq!(x.nrows(), ws.batch, "workspace sized for another batch");
        let Workspace {
            z,
            a,
            scratch,
            masks,
            dropped,
            batch,
            ..
        } = ws;
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = a.split_at_mut(l);
            let input = if l == 0 { *x } else { Input::of(&done[l - 1]) };
            if !dropout.active(l) {
                layer.forward(&input, &mut z[l], &mut rest[0], scratch);
                continue;
            }
            let shape = (*batch, layer.inputs());
            if masks[l].shape() != shape {
                masks[l] = Matrix::zeros(shape.0, shape.1);
                dropped[l] = Matrix::zeros(shape.0, shape.1);
            }
            dropout.fill_mask(l, at, &mut masks[l]);
            for ((o, m), v) in dropped[l].iter_mut().zip(masks[l].iter()).zip(input.iter()) {
                *o = v * m;
            }
            layer.forward(&Input::of(&dropped[l]), &mut z[l], &mut rest[0], scratch);
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
        let divisor = loss.divisor(x.nrows(), y.ncols());
        let shard = ShardInput {
            x: Input::of(x),
            y,
            loss,
            fused,
            divisor,
            at: ShardPos::default(),
            dropout: Dropout::Off,
        };
        self.shard_gradients(&shard, ws, grads.as_mut_slice()) / divisor
    }

    /// Forward and backward over one shard of a batch: writes the shard's part of dL/dW, dL/db
    /// into `grads` (a flat buffer laid out as [`Gradients`]) and returns the shard's summed
    /// data loss (divide the batch's total by `divisor` for its mean).
    pub fn shard_gradients(
        &self,
        shard: &ShardInput,
        ws: &mut Workspace,
        grads: &mut [Real],
    ) -> f64 {
        let ShardInput {
            x,
            y,
            loss,
            fused,
            divisor,
            at,
            dropout,
        } = shard;
        let (x, loss, fused, divisor) = (x, *loss, *fused, *divisor);
        assert_eq!(grads.len(), self.param_count(), "gradient buffer size");
        self.forward_dropping(x, dropout, *at, ws);
        let last = self.layers.len() - 1;
        let Workspace {
            z,
            a,
            delta,
            scratch,
            masks,
            dropped,
            ..
        } = ws;
        let value = if fused && self.fuses(loss) {
            loss.fused_grad(&a[last], y, &mut delta[last], divisor);
            loss.sum_from_logits(&z[last], y)
        } else {
            loss.output_grad(&a[last], y, &mut delta[last], divisor);
            self.layers[last].activation_backward(&z[last], &a[last], &mut delta[last], scratch);
            loss.sum(&a[last], y)
        };
        // Layers from the last, each cutting its (weights, bias) off the end of the buffer.
        let mut rest = grads;
        for l in (0..=last).rev() {
            let layer = &self.layers[l];
            let own = layer.weights.len() + layer.units();
            let (head, tail) = rest.split_at_mut(rest.len() - own);
            rest = head;
            let (dw, db) = tail.split_at_mut(layer.weights.len());
            let (before, from_l) = delta.split_at_mut(l);
            let drops = dropout.active(l);
            if l == 0 {
                let input = if drops { Input::of(&dropped[0]) } else { *x };
                layer.backward(&input, &from_l[0], dw, db, None);
            } else {
                let input = Input::of(if drops { &dropped[l] } else { &a[l - 1] });
                layer.backward(&input, &from_l[0], dw, db, Some(&mut before[l - 1]));
                if drops {
                    // d(a ⊙ m)/da = m: the dropped inputs pass no gradient back.
                    before[l - 1].component_mul_assign(&masks[l]);
                }
            }
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
