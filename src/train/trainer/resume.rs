//! Continuing a run from a checkpoint: the weights saved at the end of epoch K (given to
//! [`Trainer::new`] as the initial network) and the history of epochs 1..=K. The trainer then
//! stands where the uninterrupted run stood after epoch K — same epoch counter, learning-rate
//! schedule position, shuffling order and example count. With the optimizer's state saved at
//! the same moment ([`Trainer::continue_with_optimizer`]) it continues exactly; without it the
//! moments restart from zero.

use super::{TrainError, Trainer};
use crate::optim::OptimizerState;
use crate::train::history::History;

impl Trainer {
    /// Marks epochs `1..=K` of `history` as already trained. Only a fresh trainer (no batch
    /// trained yet) can continue; the history must number its epochs 1, 2, …, K with K at most
    /// the config's epochs, and hold one gradient norm per layer.
    pub fn continue_after(&mut self, history: History) -> Result<(), TrainError> {
        if self.examples > 0 || !self.history.epochs.is_empty() {
            return Err(TrainError::Data(
                "a run can only continue from a checkpoint before it has trained".into(),
            ));
        }
        let k = history.epochs.len();
        if k > self.config.epochs {
            return Err(TrainError::Data(format!(
                "history: {k} epochs were saved but the config trains only {}",
                self.config.epochs
            )));
        }
        let layers = self.network.layers.len();
        for (i, rec) in history.epochs.iter().enumerate() {
            if rec.epoch != i + 1 {
                return Err(TrainError::Data(format!(
                    "history.epochs[{i}].epoch: expected {} (epochs must run 1, 2, 3, … without gaps), found {}",
                    i + 1,
                    rec.epoch
                )));
            }
            if !rec.grad_norms.is_empty() && rec.grad_norms.len() != layers {
                return Err(TrainError::Data(format!(
                    "history.epochs[{i}].grad_norms: expected {layers} (one per layer), found {}",
                    rec.grad_norms.len()
                )));
            }
        }
        // Replaying the shuffles keeps the row order of every later epoch the same as in the
        // uninterrupted run.
        if self.config.shuffle {
            use rand::seq::SliceRandom;
            for _ in 0..k {
                self.order.shuffle(&mut self.shuffle_rng);
            }
        }
        self.epoch = k;
        self.examples = (k * self.train.n) as u64;
        self.last_good = self.network.clone();
        self.history = History::from_epochs(history.epochs);
        self.replay_stopping();
        Ok(())
    }

    /// Puts back the optimizer's state saved with the checkpoint (see
    /// [`Trainer::last_epoch_optimizer`]), so the continued run matches the uninterrupted one
    /// exactly. Only before the first step; the buffers must fit this network's parameters.
    pub fn continue_with_optimizer(&mut self, state: OptimizerState) -> Result<(), TrainError> {
        if self.stepped {
            return Err(TrainError::Data(
                "the optimizer state can only be restored before training starts".into(),
            ));
        }
        let lens: Vec<usize> = self.network.params().iter().map(|p| p.len()).collect();
        state.check_shapes(&lens).map_err(TrainError::Data)?;
        self.optimizer.set_state(state).map_err(TrainError::Data)
    }

    /// The optimizer's state at the end of the last completed epoch (empty before any).
    pub fn last_epoch_optimizer(&self) -> &OptimizerState {
        &self.last_good_optimizer
    }

    /// The weights at the end of the last completed epoch (the start, before any): what a
    /// checkpoint saves, even while the next epoch is under way.
    pub fn last_epoch_network(&self) -> &crate::nn::Network {
        &self.last_good
    }
}
