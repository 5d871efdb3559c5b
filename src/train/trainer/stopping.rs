//! Early stopping and the kept epoch. After each epoch the watched validation metric is
//! compared with the best so far (Keras' `EarlyStopping`: an improvement beats the best by more
//! than `min_delta`; the first epoch always improves); `patience` epochs in a row without one
//! end the run. With `restore_best` the trainer holds a copy of the best epoch's weights and
//! ends with them. The history says which epoch's weights the final model holds
//! ([`History::kept_epoch`](crate::train::history::History)) and where the run stopped.

use super::Trainer;
use crate::config::{EarlyStopping, StopMetric};
use crate::nn::Network;
use crate::train::history::EpochRecord;

#[derive(Clone, Debug)]
pub(super) struct Stopping {
    spec: EarlyStopping,
    best: Option<f64>,
    wait: usize,
    pub stopped: bool,
    /// With `restore_best`: the best epoch whose weights this trainer saw, its metric and
    /// weights. A run resumed from a checkpoint only has the weights of epochs from there on.
    kept: Option<(usize, f64, Network)>,
}

impl Stopping {
    pub fn new(spec: &EarlyStopping) -> Stopping {
        Stopping {
            spec: spec.clone(),
            best: None,
            wait: 0,
            stopped: false,
            kept: None,
        }
    }

    fn value(&self, rec: &EpochRecord) -> Option<f64> {
        match self.spec.metric {
            StopMetric::ValLoss => rec.val_loss,
            StopMetric::ValAccuracy => rec.val_accuracy,
        }
        .filter(|v| v.is_finite())
    }

    fn beats(&self, v: f64, best: Option<f64>) -> bool {
        best.is_none_or(|b| self.spec.metric.sign() * (v - b) > self.spec.min_delta())
    }

    /// Counts epoch `rec` towards stopping; true when it improved on the best.
    pub fn record(&mut self, rec: &EpochRecord) -> bool {
        let improved = self.value(rec).is_some_and(|v| self.beats(v, self.best));
        if improved {
            self.best = self.value(rec);
            self.wait = 0;
        } else {
            self.wait += 1;
        }
        self.stopped = self.wait >= self.spec.patience();
        improved
    }

    /// Keeps `net` as the best epoch's weights when `rec` beats the best kept so far.
    pub fn offer(&mut self, rec: &EpochRecord, net: &Network) {
        if !self.spec.restore_best {
            return;
        }
        let Some(v) = self.value(rec) else { return };
        if self.beats(v, self.kept.as_ref().map(|k| k.1)) {
            self.kept = Some((rec.epoch, v, net.clone()));
        }
    }

    /// The kept epoch and its weights, taken out.
    pub fn take_kept(&mut self) -> Option<(usize, Network)> {
        self.kept.take().map(|(e, _, n)| (e, n))
    }
}

impl Trainer {
    /// After an epoch's record: early stopping's bookkeeping, and at the end of training the
    /// kept epoch (the best one's weights put back when the config asks).
    pub(super) fn after_epoch(&mut self, rec: &EpochRecord) {
        if let Some(s) = self.stopping.as_mut() {
            s.record(rec);
            s.offer(rec, &self.network);
            if s.stopped && self.epoch < self.config.epochs {
                self.history.stopped_at = Some(rec.epoch);
            }
        }
        if !self.is_done() {
            return;
        }
        let mut kept = rec.epoch;
        if let Some((epoch, net)) = self.stopping.as_mut().and_then(Stopping::take_kept) {
            kept = epoch;
            self.network = net;
            self.last_good = self.network.clone();
        }
        self.history.kept_epoch = Some(kept);
    }

    /// Whether early stopping ended the run.
    pub fn stopped_early(&self) -> bool {
        self.stopping.as_ref().is_some_and(|s| s.stopped)
    }

    /// Early stopping's state after a checkpoint's epochs, as the uninterrupted run had it
    /// (the weights of earlier best epochs are not in a checkpoint: `restore_best` then keeps
    /// the best from the resumed epoch on).
    pub(super) fn replay_stopping(&mut self) {
        if let Some(s) = self.stopping.as_mut() {
            for rec in &self.history.epochs {
                s.record(rec);
            }
            if let Some(last) = self.history.epochs.last() {
                s.offer(last, &self.network);
            }
        }
    }
}
