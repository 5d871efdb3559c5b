//! The in-memory data set every loader produces and the trainer consumes.

use super::DataError;

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

    /// Rows per class, in class-index order (`None` for real-valued targets).
    pub fn class_counts(&self) -> Option<Vec<usize>> {
        let Targets::Classes { labels, n_classes } = &self.targets else {
            return None;
        };
        let mut rows = vec![0usize; *n_classes];
        for &l in labels {
            rows[l as usize] += 1;
        }
        Some(rows)
    }

    /// Class `c`'s name, or its index where the data set names none.
    pub fn class_name(&self, c: usize) -> String {
        self.class_names
            .get(c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    }

    /// Renumbers the classes to follow `names` (a model's class names, in its output order), so
    /// a file whose labels are a different set or order of the same names is scored against the
    /// right output units. Refuses a class of the data that `names` does not hold; a data set
    /// without classes, or `names` empty (a model saved without them), is left as it is.
    pub fn align_classes(&mut self, names: &[String]) -> Result<(), String> {
        let Some(rows) = self.class_counts() else {
            return Ok(());
        };
        if names.is_empty() || self.class_names == names {
            return Ok(());
        }
        let mut map = vec![0u32; rows.len()];
        for (c, &count) in rows.iter().enumerate() {
            let name = self.class_name(c);
            match names.iter().position(|n| *n == name) {
                Some(i) => map[c] = i as u32,
                None if count == 0 => {}
                None => {
                    return Err(format!(
                        "the data's class {name:?} ({count} row{}) is not one of the model's classes ({})",
                        if count == 1 { "" } else { "s" },
                        names.join(", ")
                    ))
                }
            }
        }
        if let Targets::Classes { labels, n_classes } = &mut self.targets {
            for l in labels.iter_mut() {
                *l = map[*l as usize];
            }
            *n_classes = names.len();
        }
        self.class_names = names.to_vec();
        Ok(())
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

impl Dataset {
    /// `count` rows spread evenly over the set, in order (every row when it has no more): the
    /// samples a page shows of it.
    pub fn spread_rows(&self, count: usize) -> Vec<usize> {
        (0..count.min(self.n))
            .map(|i| {
                if count >= self.n {
                    i
                } else {
                    i * self.n / count
                }
            })
            .collect()
    }

    /// How an image row holds its pixels: `chw` (channel-planar, as CIFAR-10 and every
    /// prepared set of more than one channel store them) or `hwc` for one channel; `None` for
    /// a set that is not images.
    pub fn pixel_layout(&self) -> Option<&'static str> {
        self.image_shape
            .map(|[_, _, c]| if c > 1 { "chw" } else { "hwc" })
    }

    /// The data set with feature `column` moved out of the features to be the (single,
    /// real-valued) target: regressing one column of a set from the others.
    pub fn feature_as_target(&self, column: &str) -> Result<Dataset, DataError> {
        let c = self
            .feature_names
            .iter()
            .position(|n| n == column)
            .filter(|&c| c < self.d)
            .ok_or_else(|| {
                DataError::Request(format!(
                    "`{column}` is not a feature of this data set; its features are: {}",
                    self.feature_names.join(", ")
                ))
            })?;
        let mut features = Vec::with_capacity(self.n * (self.d - 1));
        let mut values = Vec::with_capacity(self.n);
        for r in 0..self.n {
            let row = self.row(r);
            values.push(row[c]);
            features.extend_from_slice(&row[..c]);
            features.extend_from_slice(&row[c + 1..]);
        }
        let mut feature_names = self.feature_names.clone();
        feature_names.remove(c);
        Ok(Dataset {
            features,
            n: self.n,
            d: self.d - 1,
            targets: Targets::Values { values, k: 1 },
            class_names: Vec::new(),
            feature_names,
            image_shape: None,
        })
    }
}
