//! `augment`: a shifted image is the original moved by (dx, dy) with zero fill, a flip mirrors
//! it left–right (every channel plane together), the draws are seeded and keyed by position,
//! training with augmentation and dropout gives the same bytes on 1, 2 and 3 threads, and the
//! config is refused on data that is not images.

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]

use mlp_lab::config::Config;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::train::augment::{Augment, Moves};
use mlp_lab::train::{TrainError, Trainer};
use mlp_lab::Real;

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

fn augment(shift: usize, flip: bool, shape: [usize; 3]) -> Augment {
    let c = config(&format!(
        r#"{{"layers":[{{"units":2,"activation":"softmax"}}],"augment":{{"shift":{shift},"flip":{flip}}}}}"#
    ));
    Augment::new(&c, Some(shape)).expect("augmentation is on")
}

/// A 4×5 image with 2 channels whose pixel (c, y, x) is 100c + 10y + x + 1 (never 0).
fn image() -> Vec<f32> {
    let mut v = Vec::new();
    for c in 0..2 {
        for y in 0..4 {
            for x in 0..5 {
                v.push((100 * c + 10 * y + x + 1) as f32);
            }
        }
    }
    v
}

fn moved(m: Moves) -> Vec<Real> {
    let aug = augment(2, true, [4, 5, 2]);
    let mut out = vec![-1.0; 40];
    aug.apply(&image(), m, &mut out);
    out
}

#[test]
fn a_shifted_image_is_the_original_moved_by_dx_dy_with_zero_fill() {
    let src = image();
    for (dx, dy) in [(1, 0), (0, 1), (-2, 1), (2, -2), (0, 0)] {
        let out = moved(Moves {
            flip: false,
            dx,
            dy,
        });
        for c in 0..2 {
            for y in 0..4isize {
                for x in 0..5isize {
                    let (sx, sy) = (x - dx, y - dy);
                    let want = if (0..5).contains(&sx) && (0..4).contains(&sy) {
                        src[c * 20 + (sy * 5 + sx) as usize]
                    } else {
                        0.0
                    };
                    let got = out[c * 20 + (y * 5 + x) as usize];
                    assert_eq!(
                        f64::from(got),
                        f64::from(want),
                        "dx {dx} dy {dy} at c {c} y {y} x {x}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_flip_mirrors_every_channel_left_to_right_before_the_shift() {
    let src = image();
    let out = moved(Moves {
        flip: true,
        dx: 0,
        dy: 0,
    });
    for c in 0..2 {
        for y in 0..4 {
            for x in 0..5 {
                assert_eq!(
                    f64::from(out[c * 20 + y * 5 + x]),
                    f64::from(src[c * 20 + y * 5 + (4 - x)])
                );
            }
        }
    }
    // Flipped, then moved right by 1: column 0 is zero fill, column 1 the mirrored column 0.
    let out = moved(Moves {
        flip: true,
        dx: 1,
        dy: 0,
    });
    assert_eq!(out[0], 0.0);
    assert_eq!(f64::from(out[1]), f64::from(src[4]));
}

#[test]
fn draws_are_seeded_keyed_by_position_and_cover_minus_k_to_k() {
    let aug = augment(2, true, [28, 28, 3]);
    let draws: Vec<Moves> = (0..2000).map(|r| aug.moves(3, 5, r)).collect();
    let again: Vec<Moves> = (0..2000).map(|r| aug.moves(3, 5, r)).collect();
    assert_eq!(draws, again);
    assert_ne!(
        draws[..50],
        (0..50).map(|r| aug.moves(3, 6, r)).collect::<Vec<_>>()[..]
    );
    for d in -2..=2 {
        let n = draws.iter().filter(|m| m.dx == d).count();
        assert!((320..480).contains(&n), "dx {d}: {n} of 2000");
        let n = draws.iter().filter(|m| m.dy == d).count();
        assert!((320..480).contains(&n), "dy {d}: {n} of 2000");
    }
    assert!(draws.iter().all(|m| m.dx.abs() <= 2 && m.dy.abs() <= 2));
    let flips = draws.iter().filter(|m| m.flip).count();
    assert!((900..1100).contains(&flips), "{flips} flips of 2000");
    let no_flip = augment(1, false, [28, 28, 1]);
    assert!((0..500).all(|r| !no_flip.moves(0, 0, r).flip));
}

/// 600 random 16×16 colour images in 3 classes.
fn images(rows: usize) -> Dataset {
    let d = 16 * 16 * 3;
    let mut s = 0x9E37_79B9u32;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s as f32 / u32::MAX as f32
    };
    let features: Vec<f32> = (0..rows * d).map(|_| next()).collect();
    let labels = features
        .chunks(d)
        .map(|r| (r[..d / 2].iter().sum::<f32>() * 7.0) as u32 % 3)
        .collect();
    Dataset {
        features,
        n: rows,
        d,
        targets: Targets::Classes {
            labels,
            n_classes: 3,
        },
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape: Some([16, 16, 3]),
    }
}

fn regular_config() -> Config {
    config(
        r#"{"seed":4,"layers":[{"units":256,"activation":"relu","dropout":0.2},
            {"units":3,"activation":"softmax","dropout":0.5}],
            "optimizer":{"name":"momentum","lr":0.01},"batch_size":256,"epochs":2,
            "augment":{"shift":2,"flip":true}}"#,
    )
}

fn train_bits(c: &Config, threads: usize) -> (Vec<u64>, Vec<u64>) {
    let mut t = Trainer::new(c, images(600), None, None).unwrap();
    t.set_threads(threads);
    t.run(|_| {}).unwrap();
    let w = t
        .network()
        .params()
        .iter()
        .flat_map(|p| p.iter().map(|v| f64::from(*v).to_bits()))
        .collect();
    let losses = t
        .history()
        .epochs
        .iter()
        .map(|r| r.train_loss.to_bits())
        .collect();
    (w, losses)
}

#[test]
fn augmentation_and_dropout_train_the_same_bytes_on_1_2_and_3_threads() {
    let c = regular_config();
    let one = train_bits(&c, 1);
    assert_eq!(one, train_bits(&c, 2), "2 threads");
    assert_eq!(one, train_bits(&c, 3), "3 threads");
    // And they do change training: without them the weights differ.
    let mut plain = c.clone();
    plain.augment = Default::default();
    plain.layers.iter_mut().for_each(|l| l.dropout = None);
    assert_ne!(one.0, train_bits(&plain, 1).0);
}

#[test]
fn augment_on_data_that_is_not_images_is_refused_naming_augment() {
    let mut data = images(30);
    data.image_shape = None;
    let err = Trainer::new(&regular_config(), data, None, None)
        .err()
        .unwrap();
    let TrainError::Data(m) = err else {
        panic!("{err:?}")
    };
    assert!(m.contains("augment:") && m.contains("image"), "{m}");
}

#[test]
fn flips_of_grey_images_and_shifts_as_wide_as_the_image_are_refused() {
    let mut data = images(30);
    data.image_shape = Some([16, 16, 3]);
    let mut c = regular_config();
    c.augment.shift = 16;
    let m = Trainer::new(&c, data.clone(), None, None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        m.contains("augment.shift") && m.contains("at most 15"),
        "{m}"
    );
    let grey = Dataset {
        features: data.features[..30 * 256].to_vec(),
        d: 256,
        image_shape: Some([16, 16, 1]),
        ..data
    };
    let m = Trainer::new(&regular_config(), grey, None, None)
        .err()
        .unwrap()
        .to_string();
    assert!(m.contains("augment.flip") && m.contains("colour"), "{m}");
}
