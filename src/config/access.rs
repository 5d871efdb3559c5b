//! Reading and clearing a config's fields by their path in the field table, so the table's
//! rules can be checked on any field (`layers[].…` paths read the layer given).

use super::Config;

impl Config {
    /// The number at a numeric table path; `None` when an optional field is absent.
    pub fn number_at(&self, path: &str, layer: usize) -> Option<f64> {
        let layer = self.layers.get(layer);
        let o = &self.optimizer;
        let es = self.early_stopping.as_ref();
        match path {
            "seed" => Some(self.seed as f64),
            "layers[].units" => layer.map(|l| l.units as f64),
            "layers[].scale" => layer.and_then(|l| l.scale),
            "layers[].dropout" => layer.and_then(|l| l.dropout),
            "optimizer.lr" => o.lr,
            "optimizer.momentum" => o.momentum,
            "optimizer.beta" => o.beta,
            "optimizer.beta1" => o.beta1,
            "optimizer.beta2" => o.beta2,
            "optimizer.eps" => o.eps,
            "optimizer.weight_decay" => o.weight_decay,
            "regularization.lambda" => self.regularization.lambda,
            "clip.value" => self.clip.value,
            "clip.max_norm" => self.clip.max_norm,
            "lr_schedule.min_lr" => self.lr_schedule.min_lr,
            "lr_schedule.step_epochs" => self.lr_schedule.step_epochs.map(|n| n as f64),
            "lr_schedule.gamma" => self.lr_schedule.gamma,
            "batch_size" => Some(self.batch_size as f64),
            "epochs" => Some(self.epochs as f64),
            "validation_split" => Some(self.validation_split),
            "test_split" => Some(self.test_split),
            "augment.shift" => Some(self.augment.shift as f64),
            "early_stopping.patience" => es.and_then(|e| e.patience).map(|p| p as f64),
            "early_stopping.min_delta" => es.and_then(|e| e.min_delta),
            _ => None,
        }
    }

    /// The value training uses for a field another one must stay below: the number given,
    /// or for `optimizer.*` the optimizer's default.
    pub fn resolved_number(&self, path: &str) -> Option<f64> {
        let hyper = path
            .strip_prefix("optimizer.")
            .and_then(|f| self.hyper().get(f));
        hyper.or_else(|| self.number_at(path, 0))
    }

    /// The name at a name-valued table path (`optimizer.name`, `layers[].init`, …).
    pub fn name_at(&self, path: &str, layer: usize) -> Option<&'static str> {
        Some(match path {
            "layers[].init" => self.layers.get(layer)?.init.name(),
            "loss" => self.loss.name(),
            "task" => self.task?.name(),
            "optimizer.name" => self.optimizer.name.name(),
            "regularization.kind" => self.regularization.kind.name(),
            "clip.kind" => self.clip.kind.name(),
            "lr_schedule.kind" => self.lr_schedule.kind.name(),
            "early_stopping.metric" => self.early_stopping.as_ref()?.metric.name(),
            _ => return None,
        })
    }

    /// The value at a boolean table path.
    pub fn bool_at(&self, path: &str) -> Option<bool> {
        match path {
            "fused" => Some(self.fused),
            "shuffle" => Some(self.shuffle),
            "standardize" => Some(self.standardize),
            "augment.flip" => Some(self.augment.flip),
            "early_stopping.restore_best" => {
                Some(self.early_stopping.as_ref().is_some_and(|e| e.restore_best))
            }
            _ => None,
        }
    }

    /// Removes an optional field (one a [`When`](super::fields::When) may rule out).
    pub fn clear(&mut self, path: &str, layer: usize) {
        let o = &mut self.optimizer;
        let slot = match path {
            "layers[].scale" => match self.layers.get_mut(layer) {
                Some(l) => &mut l.scale,
                None => return,
            },
            "optimizer.momentum" => &mut o.momentum,
            "optimizer.beta" => &mut o.beta,
            "optimizer.beta1" => &mut o.beta1,
            "optimizer.beta2" => &mut o.beta2,
            "optimizer.eps" => &mut o.eps,
            "regularization.lambda" => &mut self.regularization.lambda,
            "clip.value" => &mut self.clip.value,
            "clip.max_norm" => &mut self.clip.max_norm,
            "lr_schedule.min_lr" => &mut self.lr_schedule.min_lr,
            "lr_schedule.gamma" => &mut self.lr_schedule.gamma,
            "lr_schedule.step_epochs" => {
                self.lr_schedule.step_epochs = None;
                return;
            }
            _ => return,
        };
        *slot = None;
    }

    /// Drops every field that does not apply (a sweep trial's choices may rule out what its
    /// base config set).
    pub fn drop_inapplicable(&mut self) {
        for f in super::fields::CONFIG_FIELDS {
            let Some(w) = f.when else { continue };
            let layers = if f.path.starts_with("layers[].") {
                self.layers.len()
            } else {
                1
            };
            for layer in 0..layers {
                let now = self.name_at(w.field, layer).unwrap_or_default();
                if !w.is.contains(&now) {
                    self.clear(f.path, layer);
                }
            }
        }
    }
}
