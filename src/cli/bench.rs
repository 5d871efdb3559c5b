//! `mlp-lab bench`: native speed of the three matrix products of a dense layer at the MNIST
//! sizes and of whole training steps for the benchmark networks, on synthetic data, with the
//! `--threads` and `--kernel` given (training uses the threads; a product is one call on one
//! thread). Prints a JSON object (and a table on stderr). Medians of several timed repeats
//! after a warm-up.

use super::args::BenchArgs;
use crate::config::Config;
use crate::data::{Dataset, Targets};
use crate::nn::gemm::gemm;
use crate::train::clock::now_seconds;
use crate::train::shard::shards;
use crate::train::Trainer;
use crate::Matrix;
use rand::Rng;
use serde_json::{json, Value};

/// (name, layer widths input..output, batch sizes) of the benchmark cases.
const CASES: [(&str, &[usize], &[usize]); 3] = [
    (
        "mnist 784-256-128-10",
        &[784, 256, 128, 10],
        &[32, 128, 512],
    ),
    ("wide 784-1024-1024-10", &[784, 1024, 1024, 10], &[128]),
    ("tiny 2-8-8-1", &[2, 8, 8, 1], &[32]),
];

pub fn run(args: BenchArgs) -> Result<(), String> {
    let repeats = args.repeats.max(1);
    let threads = args.compute.apply(super::args::cores())?;
    let kernel = crate::nn::kernel::kernel();
    eprintln!("{threads} thread(s), {kernel} kernel");
    let mut kernels = Vec::new();
    // Forward X·Wᵀ, weight gradient dYᵀ·X, input gradient dY·W for a 784→256 layer at batch 128.
    let (b, i, o) = (128, 784, 256);
    let x = random(b, i);
    let w = random(o, i);
    let dy = random(b, o);
    let mut y = Matrix::zeros(b, o);
    let mut dw = Matrix::zeros(o, i);
    let mut dx = Matrix::zeros(b, i);
    let flops = 2.0 * (b * i * o) as f64;
    type Product<'a> = (&'static str, Box<dyn FnMut() + 'a>);
    let products: [Product; 3] = [
        (
            "forward X·Wᵀ [128×784]·[784×256]",
            Box::new(|| gemm(1.0, &x, false, &w, true, 0.0, &mut y)),
        ),
        (
            "weight grad dYᵀ·X [256×128]·[128×784]",
            Box::new(|| gemm(1.0, &dy, true, &x, false, 0.0, &mut dw)),
        ),
        (
            "input grad dY·W [128×256]·[256×784]",
            Box::new(|| gemm(1.0, &dy, false, &w, false, 0.0, &mut dx)),
        ),
    ];
    for (name, mut f) in products {
        let secs = median_seconds(repeats, 20, &mut *f);
        let gflops = flops / secs / 1e9;
        eprintln!("{name:<42} {gflops:>8.2} GFLOP/s");
        kernels.push(json!({"product": name, "gflops": gflops}));
    }
    let mut training = Vec::new();
    for (name, widths, batches) in CASES {
        for &batch in batches {
            let eps = examples_per_second(widths, batch, repeats)?;
            let shards = shards(batch).len();
            eprintln!("{name:<28} batch {batch:<4} {eps:>12.0} examples/s ({shards} shards)");
            training.push(
                json!({"case": name, "batch": batch, "examples_per_second": eps,
                                 "shards": shards}),
            );
        }
    }
    let out: Value = json!({"kernels": kernels, "training": training, "repeats": repeats,
                            "threads": threads, "kernel": kernel.name()});
    println!("{out}");
    Ok(())
}

fn random(r: usize, c: usize) -> Matrix {
    let mut rng = crate::train::trainer::rng(7, 9);
    Matrix::from_fn(r, c, |_, _| rng.random_range(-1.0..1.0))
}

/// Median wall time of one call, over `repeats` timings of `inner` calls each, after a warm-up.
fn median_seconds(repeats: usize, inner: usize, f: &mut dyn FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..repeats)
        .map(|_| {
            let t = now_seconds();
            for _ in 0..inner {
                f();
            }
            (now_seconds() - t) / inner as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Training throughput of Adam with ReLU hidden layers and a softmax (or, for one output, sigmoid)
/// output on synthetic data: the median over repeats of one epoch-sized slice of batches.
fn examples_per_second(widths: &[usize], batch: usize, repeats: usize) -> Result<f64, String> {
    let (input, outputs) = (widths[0], *widths.last().unwrap_or(&1));
    let n = (batch * 20).max(2048);
    let mut rng = crate::train::trainer::rng(3, 5);
    let features = (0..n * input).map(|_| rng.random::<f32>()).collect();
    let classes = outputs.max(2);
    let labels = (0..n)
        .map(|_| rng.random_range(0..classes as u32))
        .collect();
    let data = Dataset {
        features,
        n,
        d: input,
        targets: Targets::Classes {
            labels,
            n_classes: classes,
        },
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape: None,
    };
    let hidden: Vec<Value> = widths[1..widths.len() - 1]
        .iter()
        .map(|u| json!({"units": u, "activation": "relu", "init": "he_uniform"}))
        .collect();
    let (out_act, loss) = if outputs == 1 {
        ("sigmoid", "binary_cross_entropy")
    } else {
        ("softmax", "cross_entropy")
    };
    let mut layers = hidden;
    layers.push(json!({"units": outputs, "activation": out_act}));
    let config = json!({"layers": layers, "loss": loss, "optimizer": {"name": "adam"},
                        "batch_size": batch, "epochs": 1000, "shuffle": true});
    let config = Config::from_json(&config.to_string()).map_err(|e| e.to_string())?;
    let mut trainer = Trainer::new(&config, data, None, None).map_err(|e| e.to_string())?;
    let slice = (n / batch).max(1);
    let secs = median_seconds(repeats, 1, &mut || {
        let _ = trainer.step(slice);
    });
    Ok((slice * batch) as f64 / secs)
}
