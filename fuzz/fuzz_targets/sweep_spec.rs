//! Sweep specs as `mlp-lab sweep` and the page's sweep panel read them: parse and validate,
//! then draw trials from the spec's sampler (grid points, random draws, one Bayesian
//! suggestion) and build their configs; then run the coordinator (`Sweep`) the CLI and the
//! page drive on the same spec for a few trials, so its set-up (sized by `max_trials`) is reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_lab::sweep::space::build_config;
use mlp_lab::sweep::{Method, Observation, Sampler, Sweep, SweepSpec, TrialRecord, TrialStatus};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let spec = match SweepSpec::from_json(text) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let sampler = Sampler::from_spec(&spec);
    let mut sweep = Sweep::new(spec.clone(), Vec::new());
    let total = sweep.remaining();
    assert!(total >= 1 && total <= spec.max_trials);
    for k in 0..3 {
        let Some(plan) = sweep.next_trial() else {
            break;
        };
        let _ = sweep.report(plan.id, 1, 0.5);
        sweep.finish(TrialRecord {
            id: plan.id,
            params: plan.params,
            metric: Some(k as f64 * 0.1),
            status: TrialStatus::Completed,
            epochs: 1,
            seconds: 0.0,
            message: None,
            curve: vec![Some(k as f64 * 0.1)],
        });
    }
    assert_eq!(sweep.remaining() + sweep.finished().count(), total);
    let _ = sweep.summary();
    match spec.method {
        Method::Grid => {
            assert!(!sampler.grid().is_empty() && sampler.grid().len() <= spec.max_trials);
            // Validation built every grid point's config already; they must still build.
            for p in sampler.grid().iter().take(8) {
                build_config(&spec.base, p).expect("a validated grid point builds");
            }
        }
        Method::Random => {
            for id in 0..4 {
                build_config(&spec.base, &sampler.random(id)).expect("a validated draw builds");
            }
        }
        Method::Bayes => {
            let observations: Vec<Observation> = (0..sampler.initial_random_trials() + 1)
                .map(|id| Observation {
                    params: sampler.random(id),
                    value: Some((id % 4) as f64 * 0.1),
                })
                .collect();
            let next = observations.len();
            if let Some(p) = sampler.suggest(next, &observations, &[]) {
                let _ = build_config(&spec.base, &p);
            }
        }
    }
});
