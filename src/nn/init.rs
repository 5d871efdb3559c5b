//! Weight initialisers, with the fan-in/fan-out formulas of `torch.nn.init` (gain 1 for Xavier,
//! the ReLU gain √2 for He). Biases always start at zero.

use crate::{Matrix, Real};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};

/// Default half-width of `random_uniform` and standard deviation of `random_normal`.
pub const DEFAULT_SCALE: f64 = 0.05;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    RandomUniform,
    RandomNormal,
    #[default]
    XavierUniform,
    XavierNormal,
    HeUniform,
    HeNormal,
}

/// How a weight is drawn once the formula has been evaluated for a layer's shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Draw {
    /// U(-bound, bound)
    Uniform(f64),
    /// N(0, std²)
    Normal(f64),
}

impl Init {
    pub const ALL: [Init; 6] = [
        Init::RandomUniform,
        Init::RandomNormal,
        Init::XavierUniform,
        Init::XavierNormal,
        Init::HeUniform,
        Init::HeNormal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Init::RandomUniform => "random_uniform",
            Init::RandomNormal => "random_normal",
            Init::XavierUniform => "xavier_uniform",
            Init::XavierNormal => "xavier_normal",
            Init::HeUniform => "he_uniform",
            Init::HeNormal => "he_normal",
        }
    }

    /// Whether the config's `scale` means anything for this initialiser.
    pub fn takes_scale(self) -> bool {
        matches!(self, Init::RandomUniform | Init::RandomNormal)
    }

    /// The distribution for a weight matrix with `fan_in` inputs and `fan_out` outputs.
    pub fn draw(self, fan_in: usize, fan_out: usize, scale: Option<f64>) -> Draw {
        let (fi, fo) = (fan_in as f64, fan_out as f64);
        match self {
            Init::RandomUniform => Draw::Uniform(scale.unwrap_or(DEFAULT_SCALE)),
            Init::RandomNormal => Draw::Normal(scale.unwrap_or(DEFAULT_SCALE)),
            Init::XavierUniform => Draw::Uniform((6.0 / (fi + fo)).sqrt()),
            Init::XavierNormal => Draw::Normal((2.0 / (fi + fo)).sqrt()),
            Init::HeUniform => Draw::Uniform((6.0 / fi).sqrt()),
            Init::HeNormal => Draw::Normal((2.0 / fi).sqrt()),
        }
    }

    /// A `units × inputs` weight matrix (the `torch.nn.Linear` layout) drawn from `rng`.
    /// Elements are drawn row by row (neuron by neuron) so the order does not depend on the
    /// matrix's storage.
    pub fn weights<R: Rng + ?Sized>(
        self,
        units: usize,
        inputs: usize,
        scale: Option<f64>,
        rng: &mut R,
    ) -> Matrix {
        let mut w = Matrix::zeros(units, inputs);
        let mut sample: Box<dyn FnMut(&mut R) -> f64> = match self.draw(inputs, units, scale) {
            Draw::Uniform(b) if b > 0.0 => {
                let d = Uniform::new(-b, b).expect("bound is positive and finite");
                Box::new(move |r: &mut R| d.sample(r))
            }
            Draw::Normal(s) if s > 0.0 => {
                let d = Normal::new(0.0, s).expect("std is positive and finite");
                Box::new(move |r: &mut R| d.sample(r))
            }
            _ => Box::new(|_: &mut R| 0.0),
        };
        for j in 0..units {
            for i in 0..inputs {
                w[(j, i)] = sample(rng) as Real;
            }
        }
        w
    }
}

impl std::fmt::Display for Init {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
