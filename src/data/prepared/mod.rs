//! Compact binary subsets for the web page: `<name>.train.bin.gz`, `<name>.test.bin.gz` and a
//! JSON manifest `<name>.json` describing them. The files are gzip-compressed MLPD (MNIST's
//! subset is 1.7 MB instead of 7.9 MB, so the page's first load stays small); the page inflates
//! them with the browser's `DecompressionStream`, which needs nothing from the static host, and
//! the readers here take either form.
//!
//! The binary format and its reader and writer are in [`mlpd`].
//!
//! Subsets: a limit keeps the first rows of each class in proportion to the class sizes, in file
//! order ([`stratified_head`]), or the first rows for real-valued targets.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::split::stratified_head;
use super::{DataError, Dataset, Targets};

pub mod mlpd;

use mlpd::{check_consistent, F32_FEATURES};
pub use mlpd::{
    encode_prepared, parse_prepared, parse_prepared_named, HEADER_BYTES, MAGIC, VERSION,
};

/// Where the data came from, for the manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance<'a> {
    pub source: &'a str,
    pub licence: &'a str,
    /// Anything a user must know, e.g. that CIFAR-10's test set is partial.
    pub note: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedPart {
    /// File name, relative to the manifest.
    pub file: String,
    pub n: usize,
    /// Rows in the data set the subset was taken from.
    pub of: usize,
    /// Bytes of the MLPD data (after inflating a compressed file).
    pub bytes: u64,
    /// "u8" (byte / 255) or "f32".
    pub feature_encoding: String,
    /// "gzip" when the file is compressed (absent in manifests written before compression).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// Bytes of the file as stored (the download), when compressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_bytes: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedManifest {
    pub format: String,
    pub name: String,
    /// "classes" or "values".
    pub kind: String,
    pub n_classes: Option<usize>,
    /// Real values per row, for kind "values".
    pub k: Option<usize>,
    pub d: usize,
    pub class_names: Vec<String>,
    pub feature_names: Vec<String>,
    /// (height, width, channels).
    pub image_shape: Option<[usize; 3]>,
    /// How an image's features are ordered.
    pub pixel_layout: Option<String>,
    pub train: PreparedPart,
    pub test: Option<PreparedPart>,
    /// How the rows were chosen.
    pub subset: String,
    pub source: String,
    pub licence: String,
    pub note: String,
}

impl PreparedManifest {
    /// Gives a data set read by [`parse_prepared`] the names and image shape the binary file
    /// does not carry, after checking they fit it.
    pub fn describe(&self, ds: &mut Dataset) -> Result<(), DataError> {
        let file = format!("{}.json", self.name);
        if ds.d != self.d {
            return Err(DataError::invalid(
                &file,
                format!(
                    "the manifest says {} features but the data has {}",
                    self.d, ds.d
                ),
            ));
        }
        if let Some(n_classes) = ds.n_classes() {
            if self.class_names.len() != n_classes {
                return Err(DataError::invalid(
                    &file,
                    format!(
                        "the manifest names {} classes but the data has {n_classes}",
                        self.class_names.len()
                    ),
                ));
            }
            ds.class_names = self.class_names.clone();
        }
        if let Some([h, w, c]) = self.image_shape {
            if h.checked_mul(w).and_then(|hw| hw.checked_mul(c)) != Some(ds.d) {
                return Err(DataError::invalid(
                    &file,
                    format!("image shape {h}×{w}×{c} does not match {} features", ds.d),
                ));
            }
        }
        ds.image_shape = self.image_shape;
        if self.feature_names.is_empty() || self.feature_names.len() == ds.d {
            ds.feature_names = self.feature_names.clone();
        }
        Ok(())
    }
}

pub fn parse_manifest(json: &str) -> Result<PreparedManifest, DataError> {
    serde_json::from_str(json)
        .map_err(|e| DataError::invalid("manifest", format!("not a prepared-data manifest: {e}")))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), DataError> {
    std::fs::write(path, bytes).map_err(|source| DataError::Io {
        file: path.display().to_string(),
        source,
    })
}

fn part(ds: &Dataset, limit: Option<usize>) -> Result<(Dataset, usize), DataError> {
    match limit {
        Some(limit) if limit < ds.n => Ok((ds.subset(&stratified_head(ds, limit)?), ds.n)),
        _ => Ok((ds.clone(), ds.n)),
    }
}

/// The name becomes part of file names.
fn check_name(name: &str) -> Result<(), DataError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(DataError::Request(format!(
            "prepared data name {name:?} must be non-empty letters, digits, '-' or '_' (it becomes a file name)"
        )));
    }
    Ok(())
}

/// Both parts are consistent, and the test part has the training part's features and targets.
fn check_parts(name: &str, train: &Dataset, test: Option<&Dataset>) -> Result<(), DataError> {
    check_consistent(train)?;
    let Some(test) = test else {
        return Ok(());
    };
    check_consistent(test)?;
    let same_kind = match (&train.targets, &test.targets) {
        (Targets::Classes { n_classes: a, .. }, Targets::Classes { n_classes: b, .. }) => a == b,
        (Targets::Values { k: a, .. }, Targets::Values { k: b, .. }) => a == b,
        _ => false,
    };
    if test.d != train.d || !same_kind {
        return Err(DataError::Request(format!(
            "{name}: the test set ({} features, {:?} classes) does not match the training set ({} features, {:?} classes)",
            test.d,
            test.n_classes(),
            train.d,
            train.n_classes()
        )));
    }
    Ok(())
}

/// MLPD bytes as a gzip file (the best level: written once, fetched by every visitor).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// Writes `<name>.<which>.bin.gz` (at most `limit` rows of `ds`) and says what it holds.
fn write_part(
    out_dir: &Path,
    name: &str,
    which: &str,
    ds: &Dataset,
    limit: Option<usize>,
) -> Result<PreparedPart, DataError> {
    let (subset, of) = part(ds, limit)?;
    let bytes = encode_prepared(&subset)?;
    let file = format!("{name}.{which}.bin.gz");
    let packed = gzip(&bytes);
    write(&out_dir.join(&file), &packed)?;
    Ok(PreparedPart {
        file,
        compression: Some("gzip".to_string()),
        file_bytes: Some(packed.len() as u64),
        n: subset.n,
        of,
        bytes: bytes.len() as u64,
        feature_encoding: if bytes.get(5).is_some_and(|k| k & F32_FEATURES != 0) {
            "f32"
        } else {
            "u8"
        }
        .to_string(),
    })
}

/// The manifest of parts written from `train` (and a test set).
fn manifest(
    name: &str,
    train: &Dataset,
    train_part: PreparedPart,
    test_part: Option<PreparedPart>,
    about: &Provenance,
) -> PreparedManifest {
    let pixel_layout = train.image_shape.map(|[_, _, c]| {
        if c > 1 {
            "channel-planar: all of channel 0 (row-major), then channel 1, …".to_string()
        } else {
            "row-major".to_string()
        }
    });
    let (kind, subset) = if train.n_classes().is_some() {
        ("classes", "where limited: the first rows of each class, in proportion to class sizes, kept in file order")
    } else {
        ("values", "where limited: the first rows in file order")
    };
    PreparedManifest {
        format: format!("MLPD v{VERSION}"),
        name: name.to_string(),
        kind: kind.to_string(),
        n_classes: train.n_classes(),
        k: match &train.targets {
            Targets::Values { k, .. } => Some(*k),
            Targets::Classes { .. } => None,
        },
        d: train.d,
        class_names: train.class_names.clone(),
        feature_names: train.feature_names.clone(),
        image_shape: train.image_shape,
        pixel_layout,
        train: train_part,
        test: test_part,
        subset: subset.to_string(),
        source: about.source.to_string(),
        licence: about.licence.to_string(),
        note: about.note.to_string(),
    }
}

/// Writes `<name>.train.bin.gz`, `<name>.test.bin.gz` (when `test` is given) and `<name>.json` into
/// `out_dir` (created if needed) and returns the manifest written. `limit_*` caps the rows kept
/// (see the module notes for which rows).
pub fn write_prepared(
    out_dir: &Path,
    name: &str,
    train: &Dataset,
    test: Option<&Dataset>,
    limit_train: Option<usize>,
    limit_test: Option<usize>,
    about: &Provenance,
) -> Result<PreparedManifest, DataError> {
    check_name(name)?;
    check_parts(name, train, test)?;
    std::fs::create_dir_all(out_dir).map_err(|source| DataError::Io {
        file: out_dir.display().to_string(),
        source,
    })?;
    let train_part = write_part(out_dir, name, "train", train, limit_train)?;
    let test_part = test
        .map(|t| write_part(out_dir, name, "test", t, limit_test))
        .transpose()?;
    let manifest = manifest(name, train, train_part, test_part, about);
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| DataError::Request(format!("{name}: cannot encode the manifest: {e}")))?;
    write(&out_dir.join(format!("{name}.json")), json.as_bytes())?;
    Ok(manifest)
}

/// The three paths [`write_prepared`] writes for `name`.
pub fn prepared_paths(out_dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    (
        out_dir.join(format!("{name}.json")),
        out_dir.join(format!("{name}.train.bin.gz")),
        out_dir.join(format!("{name}.test.bin.gz")),
    )
}
