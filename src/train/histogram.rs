//! Fixed-bin histograms of weights or gradients, for the page's per-layer views.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub min: f64,
    pub max: f64,
    pub counts: Vec<u32>,
}

impl Histogram {
    /// `bins` equal-width bins spanning the values' range (non-finite values are skipped).
    pub fn of<'a, I: IntoIterator<Item = &'a crate::Real> + Clone>(
        values: I,
        bins: usize,
    ) -> Histogram {
        let bins = bins.max(1);
        let finite = values
            .clone()
            .into_iter()
            .map(|v| *v as f64)
            .filter(|v| v.is_finite());
        let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let mut counts = vec![0u32; bins];
        if min > max {
            return Histogram {
                min: 0.0,
                max: 0.0,
                counts,
            };
        }
        let width = (max - min) / bins as f64;
        for v in values
            .into_iter()
            .map(|v| *v as f64)
            .filter(|v| v.is_finite())
        {
            let i = if width > 0.0 {
                ((v - min) / width) as usize
            } else {
                0
            };
            counts[i.min(bins - 1)] += 1;
        }
        Histogram { min, max, counts }
    }
}
