//! The named data sets (`mnist`, `iris`, …): where their files live and how each is read.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::cifar::load_cifar;
use super::csv::{load_csv, Column, TargetSpec};
use super::idx::{load_idx_pair, FASHION_MNIST_CLASSES, MNIST_CLASSES};
use super::{DataError, Dataset, Targets};

pub const NAMED_SETS: [&str; 8] = [
    "mnist",
    "fashion-mnist",
    "cifar10",
    "breast-cancer",
    "diabetes",
    "digits",
    "iris",
    "wine",
];

/// Environment variable naming the data directory when `--data-dir` is not given.
pub const DATA_DIR_ENV: &str = "MLP_LAB_DATA";

/// A named data set. `test` is the official test split where one exists (MNIST, Fashion-MNIST)
/// or a held-out official batch (CIFAR-10: `data_batch_5`); the small sets have none, and callers
/// split `train` themselves.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedData {
    pub name: String,
    pub train: Dataset,
    pub test: Option<Dataset>,
    /// CIFAR-10 only: the official test images that are present (`test_batch.bin`).
    pub extra_test: Option<Dataset>,
    pub source: String,
    pub licence: String,
    /// What a user should know about how the parts were formed.
    pub note: String,
}

/// The data directory: `explicit` (from `--data-dir`) if given, else `$MLP_LAB_DATA`, else
/// `../shared/data` from the current directory, else `../shared/data` next to this crate.
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf, DataError> {
    resolve_data_dir_from(
        explicit,
        std::env::var_os(DATA_DIR_ENV),
        std::env::current_dir().ok(),
    )
}

/// [`resolve_data_dir`] with the environment and current directory passed in, so the order of
/// preference can be tested without changing the process's environment.
pub fn resolve_data_dir_from(
    explicit: Option<&Path>,
    env: Option<OsString>,
    cwd: Option<PathBuf>,
) -> Result<PathBuf, DataError> {
    if let Some(dir) = explicit {
        return existing_dir(dir, "--data-dir");
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return existing_dir(Path::new(&dir), DATA_DIR_ENV);
    }
    let mut tried = Vec::new();
    if let Some(cwd) = cwd {
        tried.push(cwd.join("../shared/data"));
    }
    tried.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    match tried.iter().find(|d| d.is_dir()) {
        Some(dir) => Ok(dir.clone()),
        None => Err(DataError::NoDataDir { tried }),
    }
}

fn existing_dir(dir: &Path, from: &str) -> Result<PathBuf, DataError> {
    if dir.is_dir() {
        Ok(dir.to_path_buf())
    } else {
        Err(DataError::Request(format!(
            "data directory {} (from {from}) does not exist or is not a directory",
            dir.display()
        )))
    }
}

/// Maps spellings such as `Fashion_MNIST` or `cifar-10` to the canonical name.
pub fn canonical(name: &str) -> Option<&'static str> {
    let key = name.trim().to_ascii_lowercase().replace('_', "-");
    let key = match key.as_str() {
        "cifar-10" => "cifar10",
        "fashion" | "fashionmnist" => "fashion-mnist",
        "breastcancer" | "wdbc" => "breast-cancer",
        other => other,
    };
    NAMED_SETS.iter().copied().find(|&k| k == key)
}

/// Whether `name` (in any accepted spelling) is one of [`NAMED_SETS`].
pub fn is_named_set(name: &str) -> bool {
    canonical(name).is_some()
}

/// Loads a named data set from `dir` (see [`resolve_data_dir`]).
pub fn load_named(name: &str, dir: &Path) -> Result<NamedData, DataError> {
    match canonical(name) {
        Some("mnist") => mnist(dir, "mnist", &MNIST_CLASSES),
        Some("fashion-mnist") => mnist(dir, "fashion-mnist", &FASHION_MNIST_CLASSES),
        Some("cifar10") => cifar10(dir),
        Some("breast-cancer") => breast_cancer(dir),
        Some("diabetes") => diabetes(dir),
        Some("digits") => digits(dir),
        Some("iris") => small_classes(dir, "iris", "iris.csv", &IRIS_FEATURES),
        Some("wine") => small_classes(dir, "wine", "wine_data.csv", &WINE_FEATURES),
        _ => Err(DataError::UnknownSet {
            name: name.to_string(),
            known: NAMED_SETS.iter().map(|s| s.to_string()).collect(),
        }),
    }
}

/// The first of `candidates` present in `dir`, else a message naming them all.
fn find(
    dir: &Path,
    set: &str,
    groups: &[&[&str]],
    origin: &str,
) -> Result<Vec<PathBuf>, DataError> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for candidates in groups {
        match candidates.iter().map(|c| dir.join(c)).find(|p| p.is_file()) {
            Some(path) => found.push(path),
            None => missing.push(candidates.join(" or ")),
        }
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(DataError::MissingFiles {
            set: set.to_string(),
            dir: dir.to_path_buf(),
            files: missing,
            origin: origin.to_string(),
        })
    }
}

const SKLEARN_ORIGIN: &str = "the scikit-learn package (sklearn/datasets/data/ in its wheel)";

fn mnist(dir: &Path, set: &str, classes: &[&str]) -> Result<NamedData, DataError> {
    let (origin, source, licence) = if set == "mnist" {
        (
            "https://yann.lecun.com/exdb/mnist/ (mirror: https://ossci-datasets.s3.amazonaws.com/mnist/)",
            "MNIST database of handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges)",
            "CC BY-SA 3.0",
        )
    } else {
        (
            "https://github.com/zalandoresearch/fashion-mnist (data/fashion/)",
            "Fashion-MNIST (Zalando Research; Xiao, Rasul, Vollgraf 2017, arXiv:1708.07747)",
            "MIT (Copyright 2017 Zalando SE)",
        )
    };
    let files = find(
        &dir.join(set),
        set,
        &[
            &["train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"],
            &["train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte"],
            &["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"],
            &["t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"],
        ],
        origin,
    )?;
    let [train_images, train_labels, test_images, test_labels] = &files[..] else {
        return Err(DataError::Request(format!(
            "{set}: expected four IDX files"
        )));
    };
    Ok(NamedData {
        name: set.to_string(),
        train: load_idx_pair(train_images, train_labels, classes)?,
        test: Some(load_idx_pair(test_images, test_labels, classes)?),
        extra_test: None,
        source: source.to_string(),
        licence: licence.to_string(),
        note: "official training and test sets".to_string(),
    })
}

fn cifar10(dir: &Path) -> Result<NamedData, DataError> {
    let dir = dir.join("cifar10");
    let origin = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (cifar-10-batches-bin/)";
    let files = find(
        &dir,
        "cifar10",
        &[
            &["batches.meta.txt"],
            &["data_batch_1.bin"],
            &["data_batch_2.bin"],
            &["data_batch_3.bin"],
            &["data_batch_4.bin"],
            &["data_batch_5.bin"],
        ],
        origin,
    )?;
    let [meta, batches @ ..] = &files[..] else {
        return Err(DataError::Request(
            "cifar10: expected batches.meta.txt and five batches".to_string(),
        ));
    };
    let (train_batches, held_out) = batches.split_at(batches.len().saturating_sub(1));
    let train = load_cifar(train_batches, meta)?;
    let test = load_cifar(held_out, meta)?;
    let test_batch = dir.join("test_batch.bin");
    let extra_test = if test_batch.is_file() {
        Some(load_cifar(std::slice::from_ref(&test_batch), meta)?)
    } else {
        None
    };
    let extra_note = match &extra_test {
        Some(t) if t.n < 10_000 => format!(
            "; extra_test = test_batch.bin, only the first {} of the 10,000 official test images",
            t.n
        ),
        Some(_) => "; extra_test = test_batch.bin, the official test set".to_string(),
        None => "; test_batch.bin (the official test set) is not present".to_string(),
    };
    Ok(NamedData {
        name: "cifar10".to_string(),
        train,
        test: Some(test),
        extra_test,
        source: "CIFAR-10 (Alex Krizhevsky, Vinod Nair, Geoffrey Hinton; Krizhevsky 2009, \"Learning Multiple Layers of Features from Tiny Images\")".to_string(),
        licence: "no formal licence; cite Krizhevsky (2009)".to_string(),
        note: format!(
            "train = data_batch_1..4 (40,000 images); test = data_batch_5, 10,000 official training images held out{extra_note}; pixels are channel-planar (R plane, G plane, B plane)"
        ),
    })
}

fn breast_cancer(dir: &Path) -> Result<NamedData, DataError> {
    let uci = dir.join("breast-cancer/wdbc.data");
    let sklearn = dir.join("sklearn/breast_cancer.csv");
    let mut data = if uci.is_file() {
        wdbc(&uci)?
    } else if sklearn.is_file() {
        load_csv(&sklearn, TargetSpec::classes(Column::Last))?
    } else {
        return Err(DataError::MissingFiles {
            set: "breast-cancer".to_string(),
            dir: dir.to_path_buf(),
            files: vec!["breast-cancer/wdbc.data or sklearn/breast_cancer.csv".to_string()],
            origin: "https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic, or "
                .to_string() + SKLEARN_ORIGIN,
        });
    };
    name_features(&mut data, &BREAST_CANCER_FEATURES);
    let from = if uci.is_file() {
        "breast-cancer/wdbc.data"
    } else {
        "sklearn/breast_cancer.csv"
    };
    Ok(NamedData {
        name: "breast-cancer".to_string(),
        train: data,
        test: None,
        extra_test: None,
        source: "Breast Cancer Wisconsin (Diagnostic), UCI (Wolberg, Street, Mangasarian 1995)".to_string(),
        licence: "CC BY 4.0".to_string(),
        note: format!("read from {from}; class 0 = malignant, 1 = benign (scikit-learn's coding); no official test split"),
    })
}

/// UCI's wdbc.data: id, diagnosis (M/B), 30 features, no header. Classes are recoded to
/// scikit-learn's order (0 = malignant, 1 = benign) so both sources give the same data set.
fn wdbc(path: &Path) -> Result<Dataset, DataError> {
    let mut data = load_csv(path, TargetSpec::classes(1).without_header().skipping(0))?;
    if data.class_names != ["B", "M"] {
        return Err(DataError::invalid(
            &path.display().to_string(),
            format!(
                "diagnosis column (column 2) holds {:?}; expected exactly M and B",
                data.class_names
            ),
        ));
    }
    if let Targets::Classes { labels, .. } = &mut data.targets {
        // Sorted string order gave B = 0, M = 1.
        for l in labels.iter_mut() {
            *l = 1 - *l;
        }
    }
    data.class_names = vec!["malignant".to_string(), "benign".to_string()];
    Ok(data)
}

fn diabetes(dir: &Path) -> Result<NamedData, DataError> {
    let files = find(
        dir,
        "diabetes",
        &[&["sklearn/diabetes.csv"]],
        SKLEARN_ORIGIN,
    )?;
    let path = files
        .first()
        .ok_or_else(|| DataError::Request("diabetes: no file".to_string()))?;
    Ok(NamedData {
        name: "diabetes".to_string(),
        train: load_csv(path, TargetSpec::values("target"))?,
        test: None,
        extra_test: None,
        source: "Diabetes (Efron, Hastie, Johnstone, Tibshirani 2004, \"Least Angle Regression\"), as bundled with scikit-learn".to_string(),
        licence: "no licence stated by its authors; distributed with scikit-learn (BSD-3-Clause)".to_string(),
        note: "442 patients, 10 raw (unscaled) features; target = disease progression after one year; no official test split".to_string(),
    })
}

fn digits(dir: &Path) -> Result<NamedData, DataError> {
    let files = find(
        dir,
        "digits",
        &[&["sklearn/digits.csv.gz", "sklearn/digits.csv"]],
        SKLEARN_ORIGIN,
    )?;
    let path = files
        .first()
        .ok_or_else(|| DataError::Request("digits: no file".to_string()))?;
    let file = path.display().to_string();
    let mut data = load_csv(path, TargetSpec::classes(Column::Last).without_header())?;
    if data.d != 64 {
        return Err(DataError::invalid(
            &file,
            format!(
                "rows have {} pixel columns; 8×8 digits need 64 (plus the label)",
                data.d
            ),
        ));
    }
    if let Some(i) = data
        .features
        .iter()
        .position(|&v| !(0.0..=16.0).contains(&v))
    {
        return Err(DataError::invalid(
            &file,
            format!(
                "line {}, column {}: pixel value {} is outside 0..16",
                i / 64 + 1,
                i % 64 + 1,
                data.features.get(i).copied().unwrap_or_default()
            ),
        ));
    }
    for v in &mut data.features {
        *v /= 16.0;
    }
    data.image_shape = Some([8, 8, 1]);
    Ok(NamedData {
        name: "digits".to_string(),
        train: data,
        test: None,
        extra_test: None,
        source: "Optical Recognition of Handwritten Digits, UCI (E. Alpaydin, C. Kaynak 1998), as bundled with scikit-learn".to_string(),
        licence: "CC BY 4.0".to_string(),
        note: "8×8 images, pixel counts 0..16 scaled to [0, 1] by /16; no official test split".to_string(),
    })
}

fn small_classes(
    dir: &Path,
    set: &str,
    file: &str,
    features: &[&str],
) -> Result<NamedData, DataError> {
    let files = find(&dir.join("sklearn"), set, &[&[file]], SKLEARN_ORIGIN)?;
    let path = files
        .first()
        .ok_or_else(|| DataError::Request(format!("{set}: no file")))?;
    let mut data = load_csv(path, TargetSpec::classes(Column::Last))?;
    name_features(&mut data, features);
    let (source, licence) = if set == "iris" {
        (
            "Iris (R.A. Fisher 1936), as bundled with scikit-learn",
            "CC BY 4.0 (UCI)",
        )
    } else {
        (
            "Wine recognition (Forina et al., PARVUS), UCI, as bundled with scikit-learn",
            "CC BY 4.0 (UCI)",
        )
    };
    Ok(NamedData {
        name: set.to_string(),
        train: data,
        test: None,
        extra_test: None,
        source: source.to_string(),
        licence: licence.to_string(),
        note: "no official test split".to_string(),
    })
}

/// scikit-learn's files carry no column names; these are the names its loaders give.
fn name_features(data: &mut Dataset, names: &[&str]) {
    if data.d == names.len() {
        data.feature_names = names.iter().map(|s| s.to_string()).collect();
    }
}

const IRIS_FEATURES: [&str; 4] = [
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
];

const WINE_FEATURES: [&str; 13] = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280/od315_of_diluted_wines",
    "proline",
];

const BREAST_CANCER_FEATURES: [&str; 30] = [
    "mean radius",
    "mean texture",
    "mean perimeter",
    "mean area",
    "mean smoothness",
    "mean compactness",
    "mean concavity",
    "mean concave points",
    "mean symmetry",
    "mean fractal dimension",
    "radius error",
    "texture error",
    "perimeter error",
    "area error",
    "smoothness error",
    "compactness error",
    "concavity error",
    "concave points error",
    "symmetry error",
    "fractal dimension error",
    "worst radius",
    "worst texture",
    "worst perimeter",
    "worst area",
    "worst smoothness",
    "worst compactness",
    "worst concavity",
    "worst concave points",
    "worst symmetry",
    "worst fractal dimension",
];
