//! Resuming a sweep from `--out`: finished trials are neither rerun nor lost, a torn last line is
//! dropped, a different spec is refused, and a sweep killed mid-run picks up where it stopped.

use std::collections::BTreeSet;
use std::process::Command;

use mlp_lab::sweep::Sampler;
use serde_json::{json, Value};

#[path = "common/sweeps.rs"]
mod sweeps;
use sweeps::{parse, spec, sweep, temp_dir, write_csv};

#[test]
fn a_sweep_resumed_with_the_same_out_does_not_rerun_finished_trials() {
    let dir = temp_dir("resume");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap();
    let params = json!({
        "optimizer.lr": {"min": 1e-3, "max": 1e-1, "scale": "log"},
        "batch_size": {"values": [8, 16, 32]}
    });
    let first = sweep(
        &spec("random", 4, params.clone()),
        &dir,
        &["--target", "label", "--workers", "2", "--out", out_arg],
    );
    let log = out.join("trials.jsonl");
    let before = std::fs::read_to_string(&log).unwrap();
    assert_eq!(before.lines().count(), 4, "one line per finished trial");
    assert!(
        out.join("spec.json").is_file(),
        "the spec is kept beside the trials"
    );

    // An interrupted append leaves a torn last line: it is dropped, and the file repaired.
    std::fs::write(&log, format!("{before}{{\"id\": 5, \"params\": {{\"optim")).unwrap();

    let second = sweep(
        &spec("random", 6, params.clone()),
        &dir,
        &["--target", "label", "--workers", "2", "--out", out_arg],
    );
    assert!(
        second.stderr.contains("resuming: 4 finished trial(s)"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("2 trial(s) to run of 6"),
        "{}",
        second.stderr
    );
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(
        after.starts_with(&before),
        "the first four records are untouched (and the torn line gone)"
    );
    assert_eq!(
        after.lines().count(),
        6,
        "only two trials were run the second time"
    );
    let ids: BTreeSet<u64> = after
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..6).collect(), "every id once");
    let trials = second.last["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 6);
    for (a, b) in first.last["trials"].as_array().unwrap().iter().zip(trials) {
        assert_eq!(a, b, "a resumed trial is reported as it finished");
    }

    // A third run has nothing left to do; a different spec is refused rather than mixed in.
    let third = sweep(
        &spec("random", 6, params.clone()),
        &dir,
        &["--target", "label", "--out", out_arg],
    );
    assert!(
        third.stderr.contains("0 trial(s) to run"),
        "{}",
        third.stderr
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), after);
    let mut other = spec("random", 6, params);
    other["seed"] = json!(99);
    std::fs::write(dir.join("other.json"), other.to_string()).unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["sweep", "--spec"])
        .arg(dir.join("other.json"))
        .arg("--data")
        .arg(dir.join("data.csv"))
        .args(["--target", "label", "--out", out_arg])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`seed` differs"));
}

#[test]
fn a_sweep_killed_mid_run_resumes_without_losing_or_rerunning_a_finished_trial() {
    let dir = temp_dir("kill");
    let out = dir.join("out");
    let mut s = spec(
        "random",
        6,
        json!({"optimizer.lr": {"min": 1e-3, "max": 1e-1, "scale": "log"}}),
    );
    s["base"]["epochs"] = json!(1500);
    let spec_path = dir.join("spec-in.json");
    std::fs::write(&spec_path, s.to_string()).unwrap();
    let csv = write_csv(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["sweep", "--spec"])
        .arg(&spec_path)
        .arg("--data")
        .arg(&csv)
        .args(["--target", "label", "--workers", "2", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let log = out.join("trials.jsonl");
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&log).map_or(0, |t| t.lines().count()) == 0 {
        assert!(
            started.elapsed().as_secs() < 60,
            "no trial finished within a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("the sweep can be killed");
    child.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    // Only whole lines count as finished (a kill mid-append may leave a torn one).
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .collect();
    let k = kept.len();
    assert!((1..6).contains(&k), "killed after {k} of 6 trials");

    let run = sweep(
        &s,
        &dir,
        &[
            "--target",
            "label",
            "--workers",
            "2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        run.stderr
            .contains(&format!("resuming: {k} finished trial(s)")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("{} trial(s) to run of 6", 6 - k)),
        "{}",
        run.stderr
    );
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(
        after.starts_with(&kept.concat()),
        "finished trials are kept as they were"
    );
    let ids: Vec<u64> = after
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 6, "each trial recorded once: {ids:?}");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 6);
    let trials = run.last["trials"].as_array().unwrap();
    let sampler = Sampler::from_spec(&parse(&s));
    for t in trials {
        let id = t["id"].as_u64().unwrap() as usize;
        assert_eq!(
            t["params"],
            json!(sampler.random(id)),
            "trial {id} kept its params"
        );
    }
}
