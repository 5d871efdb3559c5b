//! Dropout (`layers[i].dropout`): the training step against PyTorch with the same masks given
//! to both, the drawn masks' statistics and keying, and dropout's absence outside training.
//!
//! `tests/fixtures/pytorch_dropout.json` (written by `tests/fixtures/gen.py`,
//! `dropout_fixtures`) holds, per loss, a 6-5-4-k network with mixed activations, 8 rows, the
//! rates [0.2, 0.5, 0.25] on the inputs of layers 0, 1 and 2, the keep masks PyTorch drew, and
//! PyTorch's loss and gradients of `lin(a * mask / (1 - p))` at every layer. Tolerance: 1e-5
//! relative with a 1e-7 floor, the one-step gradient tolerance of the other fixtures (float32
//! summation-order differences over a few products).

// Its fixture helpers read PyTorch's float32 goldens into f32: the f32 build's tests (the f64
// build runs dropout through tests/dropout_gradients.rs).
#![cfg(not(feature = "f64"))]

#[path = "common/torch_fixture.rs"]
mod torch_fixture;

use mlp_lab::nn::{AsInput, Dropout, Input, Loss, Network, ShardInput, ShardPos};
use mlp_lab::{Matrix, Real};
use serde_json::Value;
use torch_fixture::{load, network};

fn matrix(v: &Value) -> Matrix {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    Matrix::from_fn(rows.len(), rows[0].len(), |r, c| rows[r][c] as Real)
}

fn shard_grads(
    net: &Network,
    x: &Matrix,
    y: &Matrix,
    loss: Loss,
    fused: bool,
    d: Dropout,
) -> (f64, Vec<Real>) {
    let divisor = loss.divisor(x.nrows(), y.ncols());
    let input = ShardInput {
        x: Input::of(x),
        y,
        loss,
        fused,
        divisor,
        at: ShardPos::default(),
        dropout: d,
    };
    let mut ws = net.workspace(x.nrows());
    let mut g = vec![0.0; net.param_count()];
    let v = net.shard_gradients(&input, &mut ws, &mut g) / divisor;
    (v, g)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-5 * a.abs().max(b.abs()) + 1e-7
}

#[test]
fn dropout_gradients_equal_pytorch_given_the_same_masks_for_every_loss() {
    let fixture = load("pytorch_dropout.json");
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["loss"].as_str().unwrap();
        let loss = *Loss::ALL.iter().find(|l| l.name() == name).unwrap();
        let fused = case["fused"].as_bool().unwrap();
        let what = format!("{} fused={fused}", loss.name());
        let net = network(&case["model"]);
        let (x, y) = (matrix(&case["x"]), matrix(&case["y"]));
        let masks: Vec<Matrix> = case["masks"]
            .as_array()
            .unwrap()
            .iter()
            .map(matrix)
            .collect();
        let rates: Vec<f32> = serde_json::from_value(case["rates"].clone()).unwrap();
        let given = Dropout::Given {
            rates: &rates,
            keep: &masks,
        };
        let (value, g) = shard_grads(&net, &x, &y, loss, fused, given);
        let torch_loss = case["torch_loss"].as_f64().unwrap();
        assert!(
            close(value, torch_loss),
            "{what}: loss {value} vs torch {torch_loss}"
        );
        let theirs: Vec<f64> = case["grads"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| {
                // torch's weight rows are units; the engine stores units × inputs column-major.
                let w = matrix(&l["weights"]);
                let b: Vec<f64> = serde_json::from_value(l["bias"].clone()).unwrap();
                w.as_slice()
                    .iter()
                    .map(|&v| v as f64)
                    .chain(b)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(theirs.len(), g.len());
        for (i, (a, b)) in g.iter().zip(&theirs).enumerate() {
            assert!(
                close(*a as f64, *b),
                "{what}: gradient {i}: {a} vs torch {b}"
            );
        }
        // Without the masks the gradient differs: the fixture really exercises dropout.
        let (plain, _) = shard_grads(&net, &x, &y, loss, fused, Dropout::Off);
        assert!(
            !close(plain, torch_loss),
            "{what}: the masks change nothing"
        );
    }
}

fn drawn(rates: &[f32], l: usize, at: ShardPos, rows: usize, cols: usize) -> Matrix {
    let mut m = Matrix::zeros(rows, cols);
    Dropout::Drawn { rates, seed: 5 }.fill_mask(l, at, &mut m);
    m
}

#[test]
fn drawn_masks_drop_a_share_p_and_scale_the_rest_by_one_over_one_minus_p() {
    for p in [0.1f32, 0.3, 0.5, 0.9] {
        let rates = [p];
        let (rows, cols) = (400, 500);
        let m = drawn(
            &rates,
            0,
            ShardPos {
                epoch: 2,
                batch: 7,
                first_row: 0,
            },
            rows,
            cols,
        );
        let n = (rows * cols) as f64;
        let dropped = m.iter().filter(|&&v| v == 0.0).count() as f64 / n;
        // 5 standard deviations of a Bernoulli(p) mean over 200,000 draws.
        let sd = (f64::from(p) * (1.0 - f64::from(p)) / n).sqrt();
        assert!(
            (dropped - f64::from(p)).abs() < 5.0 * sd,
            "p {p}: dropped {dropped}"
        );
        let scale = (1.0 / (1.0 - f64::from(p))) as Real;
        assert!(m.iter().all(|&v| v == 0.0 || v == scale), "p {p}");
        // No row or unit is favoured: every row's and column's share stays near p.
        for (k, share) in m
            .row_iter()
            .map(|r| r.iter().filter(|&&v| v == 0.0).count() as f64 / cols as f64)
            .enumerate()
        {
            assert!(
                (share - f64::from(p)).abs() < 0.12,
                "p {p} row {k}: {share}"
            );
        }
        // The mean of a masked input stays the input's (inverted dropout).
        let mean = m.iter().map(|&v| v as f64).sum::<f64>() / n;
        assert!(
            (mean - 1.0).abs() < 6.0 * sd / (1.0 - f64::from(p)),
            "p {p}: mean {mean}"
        );
    }
}

#[test]
fn drawn_masks_depend_on_position_only_not_on_how_the_batch_is_cut() {
    let rates = [0.5f32, 0.5];
    let whole = drawn(
        &rates,
        1,
        ShardPos {
            epoch: 1,
            batch: 3,
            first_row: 0,
        },
        10,
        64,
    );
    let tail = drawn(
        &rates,
        1,
        ShardPos {
            epoch: 1,
            batch: 3,
            first_row: 6,
        },
        4,
        64,
    );
    assert_eq!(whole.rows(6, 4).into_owned(), tail);
    let again = drawn(
        &rates,
        1,
        ShardPos {
            epoch: 1,
            batch: 3,
            first_row: 0,
        },
        10,
        64,
    );
    assert_eq!(whole, again);
    for other in [
        drawn(
            &rates,
            0,
            ShardPos {
                epoch: 1,
                batch: 3,
                first_row: 0,
            },
            10,
            64,
        ),
        drawn(
            &rates,
            1,
            ShardPos {
                epoch: 2,
                batch: 3,
                first_row: 0,
            },
            10,
            64,
        ),
        drawn(
            &rates,
            1,
            ShardPos {
                epoch: 1,
                batch: 4,
                first_row: 0,
            },
            10,
            64,
        ),
    ] {
        assert_ne!(
            whole, other,
            "another layer, epoch or batch draws another mask"
        );
    }
}

#[test]
fn evaluation_and_prediction_never_drop_out() {
    use mlp_lab::config::Config;
    use mlp_lab::train::Trainer;
    let c = Config::from_json(
        r#"{"seed":3,"layers":[{"units":32,"activation":"relu","dropout":0.5},
            {"units":2,"activation":"softmax","dropout":0.5}],
            "optimizer":{"name":"adam","lr":0.01},"batch_size":16,"epochs":2}"#,
    )
    .unwrap();
    let data = torch_fixture::dataset(
        (0..400)
            .map(|i| ((i * 37 % 101) as f32) / 50.0 - 1.0)
            .collect(),
        4,
        mlp_lab::data::Targets::Classes {
            labels: (0..100).map(|i| (i % 2) as u32).collect(),
            n_classes: 2,
        },
    );
    let mut t = Trainer::new(&c, data.clone(), None, None).unwrap();
    t.run(|_| {}).unwrap();
    // Two forward passes give the same outputs: nothing random happens outside training.
    let x = mlp_lab::train::batch::all_features(&data);
    let (a, b) = (t.network().predict(&x, 64), t.network().predict(&x, 7));
    assert_eq!(a, b);
    assert_eq!(t.evaluate(&data), t.evaluate(&data));
}
