//! The config's fields, one entry each: type, default, range, accepted names and when it
//! applies. [`Config::validate`](super::Config::validate) checks these rules and the schema
//! states them, both from this table, so they cannot disagree; a new field is one entry here
//! (and its reader in `access.rs`).

use super::names::NameSet;
use super::range::Range;
use super::regular::DEFAULT_PATIENCE;
use super::{MAX_EPOCHS, MAX_INIT_SCALE, MAX_SHIFT};
use crate::nn::init::DEFAULT_SCALE;
use crate::optim::schedule::{DEFAULT_GAMMA, DEFAULT_MIN_LR};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Integer,
    Number,
    Boolean,
    /// One of a [`NameSet`].
    Name,
    String,
    Array,
    Object,
}

/// A field applies only while the name field `field` (a sibling, or of the same layer) holds
/// one of `is`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct When {
    pub field: &'static str,
    pub is: &'static [&'static str],
}

/// What a field is when the config leaves it out. Data only (no code runs to find it), so the
/// validator that carries this table stays small; the schema reads [`Fallback::Config`] values
/// from `Config::default()`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fallback {
    /// `Config::default()`'s value (a layer's: the serde default).
    Config,
    /// An engine constant the code falls back to (`DEFAULT_SCALE`, …).
    Number(f64),
    Count(u64),
    Name(&'static str),
    /// Decided by another field's name: each optimizer's defaults, the loss's task.
    By(&'static str),
    /// It must be given (where it applies).
    Required,
    /// Absent (the config's own default, for the spec's optional fields).
    Absent,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub path: &'static str,
    pub ty: FieldType,
    pub label: &'static str,
    pub description: &'static str,
    pub names: Option<NameSet>,
    pub range: Range,
    pub when: Option<When>,
    pub fallback: Fallback,
    /// Must stay below another field's value: its path, and how a message names it.
    pub below: Option<(&'static str, &'static str)>,
    /// A value to start from where there is no default.
    pub example: Option<f64>,
    /// Why the range is what it is; messages about the range say it.
    pub note: Option<&'static str>,
    /// A name, or a list of names with one per unit (`layers[].activation`).
    pub per_unit: bool,
    /// What a whole number counts, for the message past its maximum ("at most 100000 epochs
    /// are supported").
    pub counts: Option<&'static str>,
}

/// A label or a description: text only the schema's writer reads (`crate::schema`). The wasm
/// builds return the committed src/schema.json instead, so they leave the text out of their
/// tables (the trainer's wasm is size-limited).
pub(crate) const fn schema_text(text: &'static str) -> &'static str {
    if cfg!(target_arch = "wasm32") {
        ""
    } else {
        text
    }
}

impl Field {
    pub const fn new(
        path: &'static str,
        ty: FieldType,
        label: &'static str,
        description: &'static str,
    ) -> Field {
        Field {
            path,
            ty,
            label: schema_text(label),
            description: schema_text(description),
            names: None,
            range: Range::ANY,
            when: None,
            fallback: Fallback::Absent,
            below: None,
            example: None,
            note: None,
            per_unit: false,
            counts: None,
        }
    }
    pub const fn range(self, range: Range) -> Field {
        Field { range, ..self }
    }
    pub const fn names(self, names: NameSet) -> Field {
        Field {
            names: Some(names),
            ..self
        }
    }
    pub const fn when(self, field: &'static str, is: &'static [&'static str]) -> Field {
        Field {
            when: Some(When { field, is }),
            ..self
        }
    }
    pub const fn default(self, fallback: Fallback) -> Field {
        Field { fallback, ..self }
    }
    pub const fn default_by(self, field: &'static str) -> Field {
        Field {
            fallback: Fallback::By(field),
            ..self
        }
    }
    pub const fn required(self) -> Field {
        Field {
            fallback: Fallback::Required,
            ..self
        }
    }
    pub const fn below(self, field: &'static str, words: &'static str) -> Field {
        Field {
            below: Some((field, words)),
            ..self
        }
    }
    pub const fn example(self, value: f64) -> Field {
        Field {
            example: Some(value),
            ..self
        }
    }
    pub const fn note(self, note: &'static str) -> Field {
        Field {
            note: Some(note),
            ..self
        }
    }
    pub const fn counts(self, what: &'static str) -> Field {
        Field {
            counts: Some(what),
            ..self
        }
    }
    pub const fn per_unit(self) -> Field {
        Field {
            per_unit: true,
            ..self
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.ty, FieldType::Integer | FieldType::Number)
    }

    /// Nothing when `x` is inside the field's range, else what is wrong.
    pub fn check(&self, x: f64) -> Result<(), String> {
        let integer = self.ty == FieldType::Integer;
        match (self.counts, self.range.max) {
            (Some(what), Some(max)) if integer && x > max.value => Err(format!(
                "at most {} {what} are supported, found {x}",
                max.value
            )),
            _ => self.range.check(x, integer, self.note),
        }
    }

    pub fn is_required(&self) -> bool {
        matches!(self.fallback, Fallback::Required)
    }
}

use Fallback::Config as FromConfig;
use FieldType::{Array, Boolean, Integer, Name, Number};

/// The optimizers that take momentum, beta, beta1/beta2 and eps.
const MOMENTUM: &[&str] = &["momentum", "nag", "rmsprop"];
const ADAMS: &[&str] = &["adam", "adamw"];
const ADAPTIVE: &[&str] = &["rmsprop", "adam", "adamw"];

/// Every config field, in the order problems are reported.
pub static CONFIG_FIELDS: &[Field] = &[
    Field::new(
        "seed",
        Integer,
        "Seed",
        "seeds initialisation, shuffling and splitting",
    )
    .range(Range::at_least(0.0))
    .default(FromConfig),
    Field::new(
        "layers",
        Array,
        "Layers",
        "hidden layers then the output layer; the input width comes from the data",
    )
    .required(),
    Field::new("layers[].units", Integer, "Units", "neurons in the layer")
        .range(Range::at_least(1.0))
        .required(),
    Field::new(
        "layers[].activation",
        Name,
        "Activation",
        "one for the layer, or a list with one per unit",
    )
    .names(NameSet::Activations)
    .per_unit()
    .required(),
    Field::new(
        "layers[].init",
        Name,
        "Init",
        "how the weights start; biases start at 0",
    )
    .names(NameSet::Inits)
    .default(FromConfig),
    Field::new(
        "layers[].scale",
        Number,
        "Scale",
        "s of the random initialisers",
    )
    .range(Range::above(0.0).up_to(MAX_INIT_SCALE))
    .note("larger weights saturate or overflow every activation")
    .when("layers[].init", &["random_uniform", "random_normal"])
    .default(Fallback::Number(DEFAULT_SCALE)),
    Field::new(
        "layers[].dropout",
        Number,
        "Dropout",
        "share of the layer's inputs zeroed while training (the rest scaled by 1/(1−p))",
    )
    .range(Range::unit())
    .note("p = 1 would drop every input")
    .default(Fallback::Number(0.0)),
    Field::new("loss", Name, "Loss", "what training minimises")
        .names(NameSet::Losses)
        .default(FromConfig),
    Field::new(
        "fused",
        Boolean,
        "Fused gradient",
        "softmax+CE and sigmoid+BCE take the gradient straight from the logits",
    )
    .default(FromConfig),
    Field::new("task", Name, "Task", "follows from the loss when absent")
        .names(NameSet::Tasks)
        .default_by("loss"),
    Field::new(
        "optimizer.name",
        Name,
        "Optimizer",
        "the update rule, as torch.optim's",
    )
    .names(NameSet::Optimizers)
    .default(FromConfig),
    Field::new("optimizer.lr", Number, "Learning rate", "step size")
        .range(Range::above(0.0))
        .default_by("optimizer.name"),
    Field::new(
        "optimizer.momentum",
        Number,
        "Momentum",
        "momentum buffer factor",
    )
    .range(Range::unit())
    .when("optimizer.name", MOMENTUM)
    .default_by("optimizer.name"),
    Field::new(
        "optimizer.beta",
        Number,
        "β (smoothing)",
        "RMSprop's smoothing constant α",
    )
    .range(Range::unit())
    .when("optimizer.name", &["rmsprop"])
    .default_by("optimizer.name"),
    Field::new("optimizer.beta1", Number, "β₁", "first-moment decay")
        .range(Range::unit())
        .when("optimizer.name", ADAMS)
        .default_by("optimizer.name"),
    Field::new("optimizer.beta2", Number, "β₂", "second-moment decay")
        .range(Range::unit())
        .when("optimizer.name", ADAMS)
        .default_by("optimizer.name"),
    Field::new("optimizer.eps", Number, "ε", "added to the denominator")
        .range(Range::above(0.0))
        .when("optimizer.name", ADAPTIVE)
        .default_by("optimizer.name"),
    Field::new(
        "optimizer.weight_decay",
        Number,
        "Weight decay",
        "added to the gradient (decoupled for adamw), on every parameter",
    )
    .range(Range::at_least(0.0))
    .default_by("optimizer.name"),
    Field::new(
        "regularization.kind",
        Name,
        "Regularization",
        "a penalty on the weights",
    )
    .names(NameSet::Regularizations)
    .default(FromConfig),
    Field::new("regularization.lambda", Number, "λ", "the penalty's weight")
        .range(Range::at_least(0.0))
        .when("regularization.kind", &["l1", "l2"])
        .required()
        .example(1e-4),
    Field::new(
        "clip.kind",
        Name,
        "Gradient clipping",
        "after the penalty, before the step",
    )
    .names(NameSet::ClipKinds)
    .default(FromConfig),
    Field::new(
        "clip.value",
        Number,
        "Clip value",
        "the largest |gradient element|",
    )
    .range(Range::above(0.0))
    .when("clip.kind", &["value"])
    .required()
    .example(1.0),
    Field::new(
        "clip.max_norm",
        Number,
        "Max norm",
        "the largest global gradient norm",
    )
    .range(Range::above(0.0))
    .when("clip.kind", &["norm"])
    .required()
    .example(5.0),
    Field::new(
        "lr_schedule.kind",
        Name,
        "Schedule",
        "the learning rate over epochs",
    )
    .names(NameSet::LrSchedules)
    .default(FromConfig),
    Field::new(
        "lr_schedule.min_lr",
        Number,
        "Final learning rate",
        "reached at the last epoch",
    )
    .range(Range::at_least(0.0))
    .below("optimizer.lr", "the learning rate")
    .when("lr_schedule.kind", &["cosine"])
    .default(Fallback::Number(DEFAULT_MIN_LR)),
    Field::new(
        "lr_schedule.step_epochs",
        Integer,
        "Step every",
        "epochs between decays",
    )
    .range(Range::at_least(1.0))
    .when("lr_schedule.kind", &["step"])
    .required()
    .example(10.0),
    Field::new(
        "lr_schedule.gamma",
        Number,
        "γ",
        "factor applied at each decay",
    )
    .range(Range::above(0.0).up_to(1.0))
    .when("lr_schedule.kind", &["step"])
    .default(Fallback::Number(DEFAULT_GAMMA)),
    Field::new(
        "batch_size",
        Integer,
        "Batch size",
        "the last partial batch is kept",
    )
    .range(Range::at_least(1.0))
    .default(FromConfig),
    Field::new("epochs", Integer, "Epochs", "passes over the training rows")
        .range(Range::at_least(1.0).up_to(MAX_EPOCHS as f64))
        .counts("epochs")
        .default(FromConfig),
    Field::new(
        "shuffle",
        Boolean,
        "Shuffle each epoch",
        "reshuffle the training rows",
    )
    .default(FromConfig),
    Field::new(
        "validation_split",
        Number,
        "Validation split",
        "share held out for validation (stratified for classes)",
    )
    .range(Range::unit())
    .default(FromConfig),
    Field::new(
        "test_split",
        Number,
        "Test split",
        "share held out for testing when the data has no test set",
    )
    .range(Range::unit())
    .default(FromConfig),
    Field::new(
        "standardize",
        Boolean,
        "Standardize inputs",
        "with statistics of the training rows only",
    )
    .default(FromConfig),
    Field::new(
        "augment.shift",
        Integer,
        "Random shift",
        "move each training image by up to this many pixels (zero fill); image sets only",
    )
    .range(Range::at_least(0.0).up_to(MAX_SHIFT as f64))
    .default(FromConfig),
    Field::new(
        "augment.flip",
        Boolean,
        "Random flip",
        "mirror each training image left–right with probability ½; colour images only",
    )
    .default(FromConfig),
    Field::new(
        "early_stopping.metric",
        Name,
        "Stop on",
        "the validation metric watched (needs a validation split)",
    )
    .names(NameSet::StopMetrics)
    .default(Fallback::Name("val_loss")),
    Field::new(
        "early_stopping.patience",
        Integer,
        "Patience",
        "epochs without improvement before stopping",
    )
    .range(Range::at_least(1.0).up_to(MAX_EPOCHS as f64))
    .default(Fallback::Count(DEFAULT_PATIENCE as u64)),
    Field::new(
        "early_stopping.min_delta",
        Number,
        "Min. improvement",
        "an epoch improves when it beats the best by more than this",
    )
    .range(Range::at_least(0.0))
    .default(Fallback::Number(0.0)),
    Field::new(
        "early_stopping.restore_best",
        Boolean,
        "Keep the best epoch",
        "end with the best validation epoch's weights",
    )
    .default(FromConfig),
];

/// The entry of a config path (`optimizer.lr`, `layers[].units`).
pub fn field(path: &str) -> Option<&'static Field> {
    CONFIG_FIELDS.iter().find(|f| f.path == path)
}

/// The fields that come with name `name` of the name field `selector`: those of its object
/// (`optimizer.*` for `optimizer.name`) that apply with it, or those that apply only with it.
pub fn fields_with(selector: &str, name: &str) -> Vec<&'static Field> {
    let parent = selector.rsplit_once('.').map_or("", |(p, _)| p);
    let tagged = selector.ends_with(".name") || selector.ends_with(".kind");
    CONFIG_FIELDS
        .iter()
        .filter(|f| f.path != selector)
        .filter(|f| match f.when {
            Some(w) => w.field == selector && w.is.contains(&name),
            None => tagged && f.path.rsplit_once('.').is_some_and(|(p, _)| p == parent),
        })
        .collect()
}
