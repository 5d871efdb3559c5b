//! A dense layer: `units × inputs` weights (the `torch.nn.Linear` layout), a bias per unit and an
//! activation per unit, stored as contiguous runs so a layer with one activation applies it in a
//! single vectorised call over its whole pre-activation block.

use super::activation::{self, Activation};
use super::gemm::gemm;
use super::network::Input;
use crate::{Matrix, Real};
use nalgebra::DMatrixViewMut;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub weights: Matrix,
    pub bias: Vec<Real>,
    runs: Vec<(Activation, Range<usize>)>,
    /// The softmax columns (a subset of `runs`), kept apart because softmax normalises over
    /// all of them together.
    softmax: Vec<Range<usize>>,
}

impl Dense {
    /// A layer with the given weights, zero-length-checked by the caller, and one activation per
    /// unit (`activations.len() == weights.nrows()`).
    pub fn new(weights: Matrix, bias: Vec<Real>, activations: &[Activation]) -> Dense {
        assert_eq!(weights.nrows(), bias.len(), "one bias per unit");
        assert_eq!(
            weights.nrows(),
            activations.len(),
            "one activation per unit"
        );
        let mut runs: Vec<(Activation, Range<usize>)> = Vec::new();
        for (j, &act) in activations.iter().enumerate() {
            match runs.last_mut() {
                Some((a, r)) if *a == act => r.end = j + 1,
                _ => runs.push((act, j..j + 1)),
            }
        }
        let softmax = runs
            .iter()
            .filter(|(a, _)| *a == Activation::Softmax)
            .map(|(_, r)| r.clone())
            .collect();
        Dense {
            weights,
            bias,
            runs,
            softmax,
        }
    }

    pub fn units(&self) -> usize {
        self.weights.nrows()
    }

    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }

    pub fn runs(&self) -> &[(Activation, Range<usize>)] {
        &self.runs
    }

    /// The activation of every unit, expanded from the runs.
    pub fn activations(&self) -> Vec<Activation> {
        self.runs
            .iter()
            .flat_map(|(a, r)| r.clone().map(move |_| *a))
            .collect()
    }

    /// `Some(a)` when every unit shares activation `a`.
    pub fn uniform_activation(&self) -> Option<Activation> {
        match self.runs.as_slice() {
            [(a, _)] => Some(*a),
            _ => None,
        }
    }

    /// z = x·Wᵀ + b and a = f(z) for a `batch × inputs` block `x`.
    pub fn forward(&self, x: &Input<'_>, z: &mut Matrix, a: &mut Matrix, scratch: &mut [Real]) {
        gemm(1.0, x, false, &self.weights, true, 0.0, z);
        let rows = z.nrows();
        let (zs, data) = (z.as_mut_slice(), a.as_mut_slice());
        // One pass per column: bias, then the activation, z and a written together (ReLU, the
        // common case, branch-free so it vectorises; the others through `Activation::apply`).
        for (act, r) in &self.runs {
            for j in r.clone() {
                let b = self.bias[j];
                let col = j * rows..(j + 1) * rows;
                let (zc, ac) = (&mut zs[col.clone()], &mut data[col]);
                if *act == Activation::Relu {
                    for (z, a) in zc.iter_mut().zip(ac.iter_mut()) {
                        *z += b;
                        // As `z.max(0.0)`: 0 for NaN and for z ≤ 0.
                        *a = if *z > 0.0 { *z } else { 0.0 };
                    }
                } else {
                    zc.iter_mut().for_each(|z| *z += b);
                    ac.copy_from_slice(zc);
                }
            }
            if *act != Activation::Softmax && *act != Activation::Relu {
                act.apply(&mut data[r.start * rows..r.end * rows]);
            }
        }
        if !self.softmax.is_empty() {
            activation::softmax_forward(data, rows, &self.softmax, scratch);
        }
    }

    /// Turns dL/da in `g` into dL/dz in place, through every unit's activation derivative
    /// (and the softmax Jacobian for softmax units).
    pub fn activation_backward(
        &self,
        z: &Matrix,
        a: &Matrix,
        g: &mut Matrix,
        scratch: &mut [Real],
    ) {
        let rows = z.nrows();
        let (zs, as_, gs) = (z.as_slice(), a.as_slice(), g.as_mut_slice());
        for (act, r) in &self.runs {
            if *act != Activation::Softmax {
                let s = r.start * rows..r.end * rows;
                act.backprop(&zs[s.clone()], &as_[s.clone()], &mut gs[s]);
            }
        }
        if !self.softmax.is_empty() {
            activation::softmax_backward(as_, gs, rows, &self.softmax, scratch);
        }
    }

    /// From dL/dz (`dz`) and the layer input `x`: dW = dzᵀ·x (into `dw`, column-major
    /// `units × inputs`), db = column sums of dz, and, when asked for, dL/dx = dz·W.
    pub fn backward(
        &self,
        x: &Input<'_>,
        dz: &Matrix,
        dw: &mut [Real],
        db: &mut [Real],
        dx: Option<&mut Matrix>,
    ) {
        let mut dw = DMatrixViewMut::from_slice(dw, self.units(), self.inputs());
        gemm(1.0, dz, true, x, false, 0.0, &mut dw);
        for (j, b) in db.iter_mut().enumerate() {
            *b = dz.column(j).sum();
        }
        if let Some(dx) = dx {
            gemm(1.0, dz, false, &self.weights, false, 0.0, dx);
        }
    }
}
