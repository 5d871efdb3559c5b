//! The in-memory data set every loader produces and the trainer consumes.

/// Row-major features (`n × d`, f32 whatever the engine's `Real`, pixels scaled to [0, 1]) and
/// their targets.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub features: Vec<f32>,
    pub n: usize,
    pub d: usize,
    pub targets: Targets,
    /// Class names in class-index order (empty for regression).
    pub class_names: Vec<String>,
    /// Feature (column) names where the source has them.
    pub feature_names: Vec<String>,
    /// (height, width, channels) for image sets, so a page can draw samples.
    pub image_shape: Option<[usize; 3]>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Targets {
    /// One class index per row, each < `n_classes`.
    Classes { labels: Vec<u32>, n_classes: usize },
    /// `k` real values per row, row-major.
    Values { values: Vec<f32>, k: usize },
}

impl Dataset {
    pub fn row(&self, i: usize) -> &[f32] {
        &self.features[i * self.d..(i + 1) * self.d]
    }

    pub fn n_classes(&self) -> Option<usize> {
        match &self.targets {
            Targets::Classes { n_classes, .. } => Some(*n_classes),
            Targets::Values { .. } => None,
        }
    }

    /// A new data set holding the given rows, in the given order.
    pub fn subset(&self, rows: &[usize]) -> Dataset {
        let mut features = Vec::with_capacity(rows.len() * self.d);
        for &r in rows {
            features.extend_from_slice(self.row(r));
        }
        let targets = match &self.targets {
            Targets::Classes { labels, n_classes } => Targets::Classes {
                labels: rows.iter().map(|&r| labels[r]).collect(),
                n_classes: *n_classes,
            },
            Targets::Values { values, k } => Targets::Values {
                values: rows
                    .iter()
                    .flat_map(|&r| values[r * k..(r + 1) * k].iter().copied())
                    .collect(),
                k: *k,
            },
        };
        Dataset {
            features,
            n: rows.len(),
            d: self.d,
            targets,
            class_names: self.class_names.clone(),
            feature_names: self.feature_names.clone(),
            image_shape: self.image_shape,
        }
    }
}
