//! Every set of names a config or sweep spec accepts, each name with a label (for a select) and
//! a short description; and how the output layer, loss and task pair. Names come from each
//! type's `ALL` and `name()` (tests/schema.rs checks they are the names the parser accepts).

use super::fields::schema_text;
use super::{ClipKind, RegularizationKind, StopMetric, Task};
use crate::nn::{Activation, Init, Loss};
use crate::optim::schedule::ScheduleKind;
use crate::optim::OptimizerKind;
use crate::sweep::spec::{Goal, Method, Metric, NumType, Scale, TerminationKind};
use serde::Serialize;

/// A set of accepted names; its key in the schema is its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSet {
    Activations,
    Inits,
    Losses,
    Tasks,
    Optimizers,
    Regularizations,
    ClipKinds,
    LrSchedules,
    StopMetrics,
    SweepMethods,
    Metrics,
    Goals,
    Scales,
    NumberTypes,
    EarlyTerminations,
}

/// One accepted name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NameInfo {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

impl NameSet {
    pub const ALL: [NameSet; 15] = [
        NameSet::Activations,
        NameSet::Inits,
        NameSet::Losses,
        NameSet::Tasks,
        NameSet::Optimizers,
        NameSet::Regularizations,
        NameSet::ClipKinds,
        NameSet::LrSchedules,
        NameSet::StopMetrics,
        NameSet::SweepMethods,
        NameSet::Metrics,
        NameSet::Goals,
        NameSet::Scales,
        NameSet::NumberTypes,
        NameSet::EarlyTerminations,
    ];

    /// The key of the set in the schema's `names`.
    pub fn key(self) -> &'static str {
        match self {
            NameSet::Activations => "activations",
            NameSet::Inits => "inits",
            NameSet::Losses => "losses",
            NameSet::Tasks => "tasks",
            NameSet::Optimizers => "optimizers",
            NameSet::Regularizations => "regularizations",
            NameSet::ClipKinds => "clip_kinds",
            NameSet::LrSchedules => "lr_schedules",
            NameSet::StopMetrics => "stop_metrics",
            NameSet::SweepMethods => "sweep_methods",
            NameSet::Metrics => "metrics",
            NameSet::Goals => "goals",
            NameSet::Scales => "scales",
            NameSet::NumberTypes => "number_types",
            NameSet::EarlyTerminations => "early_terminations",
        }
    }

    pub fn names(self) -> Vec<&'static str> {
        self.described().into_iter().map(|n| n.name).collect()
    }

    pub fn described(self) -> Vec<NameInfo> {
        match self {
            NameSet::Activations => listed(Activation::ALL.map(|v| (v.name(), activation(v)))),
            NameSet::Inits => listed(Init::ALL.map(|v| (v.name(), init(v)))),
            NameSet::Losses => listed(Loss::ALL.map(|v| (v.name(), loss(v)))),
            NameSet::Tasks => listed(Task::ALL.map(|v| (v.name(), task(v)))),
            NameSet::Optimizers => listed(OptimizerKind::ALL.map(|v| (v.name(), optimizer(v)))),
            NameSet::Regularizations => {
                listed(RegularizationKind::ALL.map(|v| (v.name(), regularization(v))))
            }
            NameSet::ClipKinds => listed(ClipKind::ALL.map(|v| (v.name(), clip(v)))),
            NameSet::LrSchedules => listed(ScheduleKind::ALL.map(|v| (v.name(), schedule(v)))),
            NameSet::StopMetrics => listed(StopMetric::ALL.map(|v| (v.name(), stop_metric(v)))),
            NameSet::SweepMethods => listed(Method::ALL.map(|v| (v.name(), method(v)))),
            NameSet::Metrics => listed(Metric::ALL.map(|v| (v.name(), metric(v)))),
            NameSet::Goals => listed(Goal::ALL.map(|v| (v.name(), goal(v)))),
            NameSet::Scales => listed(Scale::ALL.map(|v| (v.name(), scale(v)))),
            NameSet::NumberTypes => listed(NumType::ALL.map(|v| (v.name(), number_type(v)))),
            NameSet::EarlyTerminations => {
                listed(TerminationKind::ALL.map(|v| (v.name(), termination(v))))
            }
        }
    }
}

/// The output activation a loss needs, if it needs one (`mse` trains any output).
pub fn loss_output(loss: Loss) -> Option<Activation> {
    match loss {
        Loss::CrossEntropy => Some(Activation::Softmax),
        Loss::BinaryCrossEntropy => Some(Activation::Sigmoid),
        Loss::Mse => None,
    }
}

/// Whether an activation is one for hidden layers (what the page's activation report compares):
/// identity would fold a layer into the next as one linear map, and softmax makes a layer's
/// units compete for one unit of probability; both are outputs' activations.
pub fn hidden_activation(a: Activation) -> bool {
    !matches!(a, Activation::Identity | Activation::Softmax)
}

/// The task a loss implies when the config names none.
pub fn loss_task(loss: Loss) -> Task {
    match loss {
        Loss::Mse => Task::Regression,
        Loss::BinaryCrossEntropy => Task::Binary,
        Loss::CrossEntropy => Task::Multiclass,
    }
}

/// The output layer a task's data needs: loss, activation, and how many units (`one` sigmoid
/// unit, one per `class`, one per `target` column).
pub fn task_output(task: Task) -> (Loss, Activation, &'static str) {
    match task {
        Task::Regression => (Loss::Mse, Activation::Identity, "target"),
        Task::Binary => (Loss::BinaryCrossEntropy, Activation::Sigmoid, "one"),
        Task::Multiclass => (Loss::CrossEntropy, Activation::Softmax, "class"),
    }
}

type Described = (&'static str, (&'static str, &'static str));

fn listed<const N: usize>(all: [Described; N]) -> Vec<NameInfo> {
    all.into_iter()
        .map(|(name, (label, description))| NameInfo {
            name,
            label: schema_text(label),
            description: schema_text(description),
        })
        .collect()
}

fn activation(a: Activation) -> (&'static str, &'static str) {
    match a {
        Activation::Identity => ("identity", "z unchanged; a regression output"),
        Activation::Sigmoid => ("sigmoid", "1/(1+e^−z), in (0, 1); binary outputs"),
        Activation::Tanh => ("tanh", "tanh z, in (−1, 1)"),
        Activation::Relu => ("relu", "max(0, z)"),
        Activation::LeakyRelu => ("leaky_relu", "z, or 0.01·z below 0"),
        Activation::Softmax => (
            "softmax",
            "probabilities over the layer's softmax units; multiclass outputs",
        ),
    }
}

fn init(i: Init) -> (&'static str, &'static str) {
    match i {
        Init::RandomUniform => ("random_uniform", "U(−s, s), s = scale"),
        Init::RandomNormal => ("random_normal", "N(0, s²), s = scale"),
        Init::XavierUniform => ("xavier_uniform", "U(−a, a), a = √(6/(fan_in + fan_out))"),
        Init::XavierNormal => ("xavier_normal", "N(0, 2/(fan_in + fan_out))"),
        Init::HeUniform => ("he_uniform", "U(−a, a), a = √(6/fan_in)"),
        Init::HeNormal => ("he_normal", "N(0, 2/fan_in)"),
    }
}

fn loss(l: Loss) -> (&'static str, &'static str) {
    match l {
        Loss::Mse => ("mean squared error", "mean over elements of (a − y)²"),
        Loss::CrossEntropy => (
            "cross-entropy (softmax output)",
            "batch mean of −Σ y log p; needs a softmax output layer",
        ),
        Loss::BinaryCrossEntropy => (
            "binary cross-entropy (sigmoid)",
            "mean over elements of −(y log p + (1−y) log(1−p)); needs sigmoid outputs",
        ),
    }
}

fn task(t: Task) -> (&'static str, &'static str) {
    match t {
        Task::Regression => ("regression", "predict numbers"),
        Task::Binary => ("binary", "two classes"),
        Task::Multiclass => ("multiclass", "one of several classes"),
    }
}

fn optimizer(k: OptimizerKind) -> (&'static str, &'static str) {
    match k {
        OptimizerKind::Sgd => ("SGD", "p ← p − lr·g"),
        OptimizerKind::Momentum => (
            "SGD + momentum",
            "SGD through a momentum buffer (dampening 0)",
        ),
        OptimizerKind::Nag => (
            "Nesterov (NAG)",
            "SGD with Nesterov momentum (momentum above 0)",
        ),
        OptimizerKind::Rmsprop => ("RMSprop", "steps scaled by a running RMS of the gradient"),
        OptimizerKind::Adam => ("Adam", "bias-corrected first and second moments"),
        OptimizerKind::Adamw => ("AdamW", "Adam with decoupled weight decay"),
    }
}

fn regularization(k: RegularizationKind) -> (&'static str, &'static str) {
    match k {
        RegularizationKind::None => ("none", "no penalty"),
        RegularizationKind::L1 => ("L1", "adds λΣ|w| (weights, not biases)"),
        RegularizationKind::L2 => ("L2", "adds λ/2·Σw² (weights, not biases)"),
    }
}

fn clip(k: ClipKind) -> (&'static str, &'static str) {
    match k {
        ClipKind::None => ("none", "gradients as they are"),
        ClipKind::Value => ("by value", "clamp each gradient element to [−value, value]"),
        ClipKind::Norm => (
            "by norm",
            "scale every gradient by max_norm/(norm + 1e-6) when their global L2 norm is larger",
        ),
    }
}

fn schedule(k: ScheduleKind) -> (&'static str, &'static str) {
    match k {
        ScheduleKind::None => ("none", "the same learning rate every epoch"),
        ScheduleKind::Cosine => (
            "cosine",
            "cosine annealing from lr to min_lr over the epochs",
        ),
        ScheduleKind::Step => ("step", "multiply by gamma every step_epochs epochs"),
    }
}

fn stop_metric(m: StopMetric) -> (&'static str, &'static str) {
    match m {
        StopMetric::ValLoss => ("val_loss", "validation loss: lower is better"),
        StopMetric::ValAccuracy => ("val_accuracy", "validation accuracy: higher is better"),
    }
}

fn method(m: Method) -> (&'static str, &'static str) {
    match m {
        Method::Grid => ("grid", "every combination of the listed values"),
        Method::Random => ("random", "independent draws from each domain"),
        Method::Bayes => (
            "Bayesian",
            "a Gaussian process (Matérn 5/2) proposes by expected improvement",
        ),
    }
}

fn metric(m: Metric) -> (&'static str, &'static str) {
    match m {
        Metric::ValAccuracy => (
            "validation accuracy",
            "share of validation rows classified right",
        ),
        Metric::ValLoss => ("validation loss", "data loss on the validation rows"),
        Metric::ValR2 => (
            "validation R²",
            "coefficient of determination on the validation rows",
        ),
        Metric::ValMse => (
            "validation MSE",
            "mean squared error on the validation rows",
        ),
        Metric::ValMae => (
            "validation MAE",
            "mean absolute error on the validation rows",
        ),
        Metric::TrainLoss => ("training loss", "mean data loss over the epoch's batches"),
        Metric::TrainAccuracy => (
            "training accuracy",
            "share of training rows classified right",
        ),
    }
}

fn goal(g: Goal) -> (&'static str, &'static str) {
    match g {
        Goal::Maximize => ("maximize", "higher is better"),
        Goal::Minimize => ("minimize", "lower is better"),
    }
}

fn scale(s: Scale) -> (&'static str, &'static str) {
    match s {
        Scale::Linear => ("linear", "uniform between min and max"),
        Scale::Log => ("log", "uniform in log between min and max (min > 0)"),
    }
}

fn number_type(t: NumType) -> (&'static str, &'static str) {
    match t {
        NumType::Float => ("float", "any number in the range"),
        NumType::Int => ("int", "whole numbers in the range"),
    }
}

fn termination(t: TerminationKind) -> (&'static str, &'static str) {
    match t {
        TerminationKind::Asha => (
            "ASHA",
            "asynchronous successive halving: only the top 1/η at each rung go on",
        ),
    }
}
