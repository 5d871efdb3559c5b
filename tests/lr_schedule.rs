//! Learning-rate schedules: the closed forms of PyTorch's CosineAnnealingLR and StepLR, their
//! validation, and the trainer applying them epoch by epoch.

use mlp_lab::config::Config;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::optim::schedule::{LrSchedule, ScheduleKind};
use mlp_lab::train::Trainer;

fn cosine(min_lr: Option<f64>) -> LrSchedule {
    LrSchedule {
        kind: ScheduleKind::Cosine,
        min_lr,
        ..LrSchedule::default()
    }
}

#[test]
fn cosine_schedule_follows_cosine_annealing_from_lr_to_min_lr() {
    let s = cosine(Some(0.001));
    // eta_min + (base − eta_min)(1 + cos(π·t/T))/2 at t = 0, T/2, T.
    assert_eq!(s.lr(0.1, 0, 10), 0.1);
    assert!((s.lr(0.1, 5, 10) - 0.0505).abs() < 1e-12);
    assert!((s.lr(0.1, 10, 10) - 0.001).abs() < 1e-12);
    let quarter = 0.001 + 0.099 * (1.0 + (std::f64::consts::PI / 4.0).cos()) / 2.0;
    assert!((s.lr(0.1, 1, 4) - quarter).abs() < 1e-12);
}

#[test]
fn step_schedule_multiplies_by_gamma_every_step_epochs() {
    let s = LrSchedule {
        kind: ScheduleKind::Step,
        step_epochs: Some(3),
        gamma: Some(0.5),
        ..LrSchedule::default()
    };
    let lrs: Vec<f64> = (0..7).map(|e| s.lr(0.2, e, 7)).collect();
    assert_eq!(lrs, vec![0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05]);
}

fn config(schedule: &str) -> Result<Config, mlp_lab::config::ConfigError> {
    Config::from_json(&format!(
        r#"{{"layers": [{{"units": 2, "activation": "softmax"}}],
            "optimizer": {{"name": "sgd", "lr": 0.1}}, "lr_schedule": {schedule},
            "batch_size": 2, "epochs": 4}}"#
    ))
}

#[test]
fn schedule_fields_that_do_not_apply_or_are_out_of_range_are_refused_naming_the_field() {
    for (schedule, field, text) in [
        (
            r#"{"kind": "cosine", "gamma": 0.5}"#,
            "lr_schedule.gamma",
            "only with kind step",
        ),
        (r#"{"kind": "step"}"#, "lr_schedule.step_epochs", "required"),
        (
            r#"{"kind": "step", "step_epochs": 0}"#,
            "lr_schedule.step_epochs",
            "at least 1",
        ),
        (
            r#"{"kind": "step", "step_epochs": 2, "gamma": 1.5}"#,
            "lr_schedule.gamma",
            "(0, 1]",
        ),
        (
            r#"{"kind": "cosine", "min_lr": 0.5}"#,
            "lr_schedule.min_lr",
            "below the learning rate",
        ),
        (
            r#"{"kind": "none", "min_lr": 0.01}"#,
            "lr_schedule.min_lr",
            "only with kind cosine",
        ),
    ] {
        let err = config(schedule).expect_err(schedule);
        assert_eq!(err.field(), field, "{schedule}");
        assert!(err.to_string().contains(text), "{schedule}: {err}");
    }
    let err = config(r#"{"kind": "linear"}"#).expect_err("unknown kind");
    assert_eq!(err.field(), "lr_schedule.kind");
}

#[test]
fn trainer_records_the_scheduled_learning_rate_of_each_epoch() {
    let config = config(r#"{"kind": "cosine"}"#).expect("valid");
    let data = Dataset {
        features: vec![0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 1.0, 1.0],
        n: 4,
        d: 2,
        targets: Targets::Classes {
            labels: vec![0, 1, 0, 1],
            n_classes: 2,
        },
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape: None,
    };
    let mut t = Trainer::new(&config, data, None, None).expect("trainer");
    t.run(|_| {}).expect("trains");
    let lrs: Vec<f64> = t.history().epochs.iter().map(|r| r.lr).collect();
    let expected: Vec<f64> = (0..4).map(|e| config.lr_schedule.lr(0.1, e, 4)).collect();
    assert_eq!(lrs, expected);
    assert!(lrs.windows(2).all(|w| w[1] < w[0]), "{lrs:?}");
}
