//! Views of a loaded data set that the page and the CLI share: one feature column made the
//! target (`breast-cancer-area`), sample rows and their pixel layout (the page's grid of an
//! upload), an IDX pair read from bytes (an upload) with the files swapped refused, and the
//! standardiser undone (raw rows of a run).

use mlp_lab::data::idx::{default_class_names, parse_idx_pair, FASHION_MNIST_CLASSES};
use mlp_lab::data::split::Standardizer;
use mlp_lab::data::{cifar, DataError, Dataset, Targets};

mod common;

fn named_columns() -> Dataset {
    let mut d = common::classes(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, vec![0, 1], 2);
    d.feature_names = vec!["a".into(), "area".into(), "c".into()];
    d
}

#[test]
fn a_feature_column_becomes_the_one_real_valued_target_and_leaves_the_features() {
    let d = named_columns().feature_as_target("area").unwrap();
    assert_eq!((d.n, d.d), (2, 2));
    assert_eq!(d.features, [1.0, 3.0, 4.0, 6.0]);
    assert_eq!(d.feature_names, ["a", "c"]);
    assert_eq!(
        d.targets,
        Targets::Values {
            values: vec![2.0, 5.0],
            k: 1
        }
    );
    assert!(d.class_names.is_empty());
    let e = named_columns().feature_as_target("radius").unwrap_err();
    assert!(
        e.to_string().contains("`radius` is not a feature") && e.to_string().contains("a, area, c"),
        "{e}"
    );
}

#[test]
fn sample_rows_spread_over_the_set_and_know_their_pixel_layout() {
    let mut d = common::classes(vec![0.0; 10 * 4], 4, vec![0; 10], 1);
    assert_eq!(d.spread_rows(4), [0, 2, 5, 7]);
    assert_eq!(d.spread_rows(20), (0..10).collect::<Vec<_>>());
    assert_eq!(d.pixel_layout(), None);
    d.image_shape = Some([2, 2, 1]);
    assert_eq!(d.pixel_layout(), Some("hwc"));
    let planes = cifar::parse_cifar(
        "one",
        &[vec![3u8], vec![9u8; 3072]].concat(),
        &cifar::CIFAR10_CLASSES.map(String::from),
    )
    .unwrap();
    assert_eq!(planes.pixel_layout(), Some("chw"));
    assert_eq!(planes.class_name(3), "cat");
}

fn idx(magic: u32, dims: &[u32], body: &[u8]) -> Vec<u8> {
    let mut out = magic.to_be_bytes().to_vec();
    dims.iter().for_each(|d| out.extend(d.to_be_bytes()));
    out.extend(body);
    out
}

#[test]
fn an_idx_pair_read_from_bytes_names_its_parts_and_refuses_them_swapped() {
    let images = idx(0x0803, &[2, 2, 2], &[0, 255, 0, 255, 255, 0, 255, 0]);
    let labels = idx(0x0801, &[2], &[1, 0]);
    let d = parse_idx_pair(
        "up training",
        &images,
        &labels,
        default_class_names("fashion_mnist"),
    )
    .unwrap();
    assert_eq!(d.class_names, FASHION_MNIST_CLASSES);
    assert_eq!(d.image_shape, Some([2, 2, 1]));
    assert_eq!(default_class_names("my-digits")[9], "9");
    match parse_idx_pair("up training", &labels, &images, &["0", "1"]) {
        Err(DataError::BadMagic { file, .. }) => assert_eq!(file, "up training images"),
        other => panic!("expected a bad magic number, got {other:?}"),
    }
}

#[test]
fn the_standardiser_undone_gives_the_raw_row_back() {
    let s = Standardizer {
        mean: vec![10.0, -2.0],
        std: vec![4.0, 0.5],
    };
    let mut row = [14.0, -1.0];
    s.apply_row(&mut row);
    assert_eq!(row, [1.0, 2.0]);
    s.invert_row(&mut row);
    assert_eq!(row, [14.0, -1.0]);
}
