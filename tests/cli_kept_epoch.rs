//! `mlp-lab train` with early stopping: the final JSON line says which epoch's weights it
//! reports and saved (`kept_epoch`) and where the run stopped (`stopped_at`), the history file
//! says the same, and the final validation loss is the kept epoch's.

use serde_json::Value;
use std::process::Command;

#[test]
fn the_final_line_and_the_history_name_the_kept_epoch_and_the_stop() {
    let dir = std::env::temp_dir().join(format!("mlp-lab-cli-kept-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // 120 rows: a weak signal in x0 and 15 noise columns, so a wide net overfits quickly.
    let mut csv = (0..16).map(|i| format!("x{i},")).collect::<String>() + "label\n";
    let mut s = 0x1234_5678u32;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        f64::from(s) / f64::from(u32::MAX) * 2.0 - 1.0
    };
    for i in 0..120 {
        let label = i % 2;
        let row: Vec<String> = (0..16)
            .map(|j| {
                format!(
                    "{:.4}",
                    next() + if j == 0 { 0.5 * label as f64 } else { 0.0 }
                )
            })
            .collect();
        csv.push_str(&format!("{},{label}\n", row.join(",")));
    }
    let data = dir.join("noisy.csv");
    std::fs::write(&data, csv).unwrap();
    let config = dir.join("c.json");
    std::fs::write(
        &config,
        r#"{"seed":3,"layers":[{"units":128,"activation":"tanh"},{"units":2,"activation":"softmax"}],
            "optimizer":{"name":"adam","lr":0.02},"batch_size":8,"epochs":60,"validation_split":0.5,
            "early_stopping":{"metric":"val_loss","patience":3,"restore_best":true}}"#,
    )
    .unwrap();
    let history = dir.join("h.json");
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args([
            "train",
            "--config",
            config.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ])
        .args([
            "--target",
            "label",
            "--history",
            history.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let h: Value = serde_json::from_str(&std::fs::read_to_string(&history).unwrap()).unwrap();
    let (kept, stopped) = (
        line["kept_epoch"].as_u64().unwrap(),
        line["stopped_at"].as_u64().unwrap(),
    );
    assert_eq!(h["kept_epoch"], line["kept_epoch"]);
    assert_eq!(h["stopped_at"], line["stopped_at"]);
    assert_eq!(line["epochs"].as_u64(), Some(stopped));
    assert!(
        stopped < 60 && kept + 3 == stopped,
        "kept {kept}, stopped {stopped}"
    );
    let kept_loss = h["epochs"][kept as usize - 1]["val_loss"].as_f64().unwrap();
    let reported = line["val_loss"].as_f64().unwrap();
    assert!(
        (kept_loss - reported).abs() < 1e-9,
        "{kept_loss} vs {reported}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
