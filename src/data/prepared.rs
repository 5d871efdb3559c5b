//! Compact binary subsets for the web page: `<name>.train.bin`, `<name>.test.bin` and a JSON
//! manifest `<name>.json` describing them.
//!
//! Binary layout ("MLPD" version 1, all integers little-endian):
//!
//! | offset | size | content |
//! |-------:|-----:|---------|
//! | 0      | 4    | magic `MLPD` |
//! | 4      | 1    | version, 1 |
//! | 5      | 1    | kind: bit 0 = features are f32 (else u8, value = byte / 255); bit 1 = targets are real values (else class labels); other bits 0 |
//! | 6      | 2    | u16: number of classes (labels) or values per row (real targets) |
//! | 8      | 4    | u32 n, rows |
//! | 12     | 4    | u32 d, features per row |
//! | 16     | …    | n·d features, row-major: u8 each, or f32 each |
//! | …      | …    | n labels (u8 each when there are at most 256 classes, else u32), or n·k f32 values |
//!
//! Pixels are stored as u8 only when every feature is exactly `byte / 255` (as the IDX and
//! CIFAR loaders produce), so the round trip is lossless; anything else is stored as f32.
//!
//! Subsets: a limit keeps the first rows of each class in proportion to the class sizes, in file
//! order ([`stratified_head`]), or the first rows for real-valued targets.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::split::stratified_head;
use super::{DataError, Dataset, Targets};

pub const MAGIC: &[u8; 4] = b"MLPD";
pub const VERSION: u8 = 1;
pub const HEADER_BYTES: usize = 16;
const F32_FEATURES: u8 = 1;
const REAL_TARGETS: u8 = 2;

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
    pub bytes: u64,
    /// "u8" (byte / 255) or "f32".
    pub feature_encoding: String,
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

fn check_consistent(ds: &Dataset) -> Result<(), DataError> {
    let targets = match &ds.targets {
        Targets::Classes { labels, n_classes } => {
            if let Some((i, l)) = labels
                .iter()
                .enumerate()
                .find(|(_, &l)| l as usize >= *n_classes)
            {
                return Err(DataError::Request(format!(
                    "row {i} has label {l} but the data set has {n_classes} classes"
                )));
            }
            labels.len()
        }
        Targets::Values { values, k } => values.len().checked_div(*k).unwrap_or(0),
    };
    if ds.features.len() != ds.n.saturating_mul(ds.d) || targets != ds.n {
        return Err(DataError::Request(format!(
            "inconsistent data set: n = {}, d = {}, {} feature values, {} target rows",
            ds.n,
            ds.d,
            ds.features.len(),
            targets
        )));
    }
    Ok(())
}

fn as_byte(x: f32) -> Option<u8> {
    let b = (x * 255.0).round();
    if (0.0..=255.0).contains(&b) && f32::from(b as u8) / 255.0 == x {
        Some(b as u8)
    } else {
        None
    }
}

/// Encodes a whole data set in the MLPD format.
pub fn encode_prepared(ds: &Dataset) -> Result<Vec<u8>, DataError> {
    check_consistent(ds)?;
    let too_big = |what: &str, v: usize, max: usize| {
        DataError::Request(format!(
            "{what} = {v} does not fit the prepared format (at most {max})"
        ))
    };
    let n = u32::try_from(ds.n).map_err(|_| too_big("n", ds.n, u32::MAX as usize))?;
    let d = u32::try_from(ds.d).map_err(|_| too_big("d", ds.d, u32::MAX as usize))?;
    // The reader refuses non-finite numbers, so refuse to write what could not be read back.
    if let Some(i) = ds.features.iter().position(|x| !x.is_finite()) {
        return Err(DataError::Request(format!(
            "feature {} of row {} is not finite",
            i % ds.d.max(1),
            i / ds.d.max(1)
        )));
    }
    if let Targets::Values { values, .. } = &ds.targets {
        if let Some(i) = values.iter().position(|x| !x.is_finite()) {
            return Err(DataError::Request(format!(
                "target value {i} is not finite"
            )));
        }
    }
    let bytes: Option<Vec<u8>> = ds.features.iter().map(|&x| as_byte(x)).collect();
    let (width, real) = match &ds.targets {
        Targets::Classes { n_classes, .. } => (*n_classes, false),
        Targets::Values { k, .. } => (*k, true),
    };
    let width16 = u16::try_from(width)
        .ok()
        .filter(|&w| w > 0)
        .ok_or_else(|| {
            too_big(
                if real { "k" } else { "number of classes" },
                width,
                u16::MAX as usize,
            )
        })?;
    let kind = if bytes.is_some() { 0 } else { F32_FEATURES } | if real { REAL_TARGETS } else { 0 };

    let mut out = Vec::with_capacity(HEADER_BYTES + ds.features.len() * 4 + ds.n * 4);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(kind);
    out.extend_from_slice(&width16.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&d.to_le_bytes());
    match bytes {
        Some(b) => out.extend_from_slice(&b),
        None => ds
            .features
            .iter()
            .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
    }
    match &ds.targets {
        Targets::Classes { labels, n_classes } if *n_classes <= 256 => {
            out.extend(labels.iter().map(|&l| l as u8));
        }
        Targets::Classes { labels, .. } => labels
            .iter()
            .for_each(|l| out.extend_from_slice(&l.to_le_bytes())),
        Targets::Values { values, .. } => values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
    }
    Ok(out)
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        w.copy_from_slice(s);
    }
    u32::from_le_bytes(w)
}

fn f32s(bytes: &[u8]) -> impl Iterator<Item = f32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// Reads an MLPD file back. Class names are `"0"`, `"1"`, … and there is no image shape until
/// [`PreparedManifest::describe`] supplies them.
pub fn parse_prepared(bytes: &[u8]) -> Result<Dataset, DataError> {
    parse_prepared_named("prepared data", bytes)
}

/// [`parse_prepared`] with a file name for the messages.
pub fn parse_prepared_named(file: &str, bytes: &[u8]) -> Result<Dataset, DataError> {
    let Some(header) = bytes.get(..HEADER_BYTES) else {
        return Err(DataError::Truncated {
            file: file.to_string(),
            what: "the MLPD header".to_string(),
            needed: HEADER_BYTES as u64,
            found: bytes.len() as u64,
        });
    };
    if &header[..4] != MAGIC {
        return Err(DataError::BadMagic {
            file: file.to_string(),
            found: format!("{:?}", String::from_utf8_lossy(&header[..4])),
            expected: "\"MLPD\" (prepared data)".to_string(),
        });
    }
    let (version, kind) = (header[4], header[5]);
    if version != VERSION {
        return Err(DataError::invalid(
            file,
            format!(
                "format version {version} at byte offset 4 is not supported (expected {VERSION})"
            ),
        ));
    }
    if kind & !(F32_FEATURES | REAL_TARGETS) != 0 {
        return Err(DataError::invalid(
            file,
            format!("kind byte 0x{kind:02x} at byte offset 5 has unknown bits; only bits 0 and 1 are defined"),
        ));
    }
    let width = usize::from(u16::from_le_bytes([header[6], header[7]]));
    let real = kind & REAL_TARGETS != 0;
    if width == 0 {
        let what = if real {
            "values per row"
        } else {
            "number of classes"
        };
        return Err(DataError::invalid(
            file,
            format!("{what} at byte offset 6 is 0; it must be at least 1"),
        ));
    }
    let n = le_u32(header, 8) as u128;
    let d = le_u32(header, 12) as u128;
    let feature_size: u128 = if kind & F32_FEATURES != 0 { 4 } else { 1 };
    let target_size: u128 = match (real, width <= 256) {
        (true, _) => 4 * width as u128,
        (false, true) => 1,
        (false, false) => 4,
    };
    let features_end = HEADER_BYTES as u128 + n * d * feature_size;
    let expected = features_end + n * target_size;
    if bytes.len() as u128 != expected {
        let claim = format!(
            "{n} rows of {d} {} features and {}",
            if feature_size == 4 { "f32" } else { "u8" },
            if real {
                format!("{width} f32 targets")
            } else {
                format!("a label among {width} classes")
            }
        );
        // A claim past u64 (n·d·4 reaches 2⁶⁶) cannot be quoted as a u64 without lying.
        let Ok(expected) = u64::try_from(expected) else {
            return Err(DataError::TooLarge {
                file: file.to_string(),
                what: format!("the data its header claims ({claim})"),
                size: format!("{expected} bytes"),
                limit: crate::data::MAX_FILE_BYTES,
            });
        };
        return Err(DataError::LengthMismatch {
            file: file.to_string(),
            claim,
            expected,
            has: "has".to_string(),
            found: bytes.len() as u64,
        });
    }
    // The length matched, so these fit in usize and the slices below are in range.
    let (n, d, features_end) = (n as usize, d as usize, features_end as usize);
    let feature_bytes = &bytes[HEADER_BYTES..features_end];
    let target_bytes = &bytes[features_end..];
    let features: Vec<f32> = if feature_size == 4 {
        f32s(feature_bytes).collect()
    } else {
        feature_bytes
            .iter()
            .map(|&b| f32::from(b) / 255.0)
            .collect()
    };
    if let Some(i) = features.iter().position(|x| !x.is_finite()) {
        return Err(DataError::invalid(
            file,
            format!(
                "feature {} of row {} (byte offset {}) is not finite",
                i % d.max(1),
                i / d.max(1),
                HEADER_BYTES + 4 * i
            ),
        ));
    }
    let targets = if real {
        let values: Vec<f32> = f32s(target_bytes).collect();
        if let Some(i) = values.iter().position(|x| !x.is_finite()) {
            return Err(DataError::invalid(
                file,
                format!(
                    "target {i} (byte offset {}) is not finite",
                    features_end + 4 * i
                ),
            ));
        }
        Targets::Values { values, k: width }
    } else {
        let labels: Vec<u32> = if width <= 256 {
            target_bytes.iter().map(|&b| u32::from(b)).collect()
        } else {
            target_bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        if let Some(i) = labels.iter().position(|&l| l as usize >= width) {
            return Err(DataError::BadLabel {
                file: file.to_string(),
                label: labels.get(i).copied().unwrap_or_default().into(),
                item: format!("row {i}"),
                offset: (features_end + i * target_size as usize) as u64,
                n_classes: width,
            });
        }
        Targets::Classes {
            labels,
            n_classes: width,
        }
    };
    Ok(Dataset {
        features,
        n,
        d,
        class_names: if real {
            Vec::new()
        } else {
            (0..width).map(|i| i.to_string()).collect()
        },
        targets,
        feature_names: Vec::new(),
        image_shape: None,
    })
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

/// Writes `<name>.train.bin`, `<name>.test.bin` (when `test` is given) and `<name>.json` into
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
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(DataError::Request(format!(
            "prepared data name {name:?} must be non-empty letters, digits, '-' or '_' (it becomes a file name)"
        )));
    }
    check_consistent(train)?;
    if let Some(test) = test {
        check_consistent(test)?;
        let same_kind = match (&train.targets, &test.targets) {
            (Targets::Classes { n_classes: a, .. }, Targets::Classes { n_classes: b, .. }) => {
                a == b
            }
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
    }
    std::fs::create_dir_all(out_dir).map_err(|source| DataError::Io {
        file: out_dir.display().to_string(),
        source,
    })?;

    let write_part =
        |ds: &Dataset, limit: Option<usize>, which: &str| -> Result<PreparedPart, DataError> {
            let (subset, of) = part(ds, limit)?;
            let bytes = encode_prepared(&subset)?;
            let file = format!("{name}.{which}.bin");
            write(&out_dir.join(&file), &bytes)?;
            Ok(PreparedPart {
                file,
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
        };
    let train_part = write_part(train, limit_train, "train")?;
    let test_part = test
        .map(|t| write_part(t, limit_test, "test"))
        .transpose()?;

    let pixel_layout = train.image_shape.map(|[_, _, c]| {
        if c > 1 {
            "channel-planar: all of channel 0 (row-major), then channel 1, …".to_string()
        } else {
            "row-major".to_string()
        }
    });
    let subset = if train.n_classes().is_some() {
        "where limited: the first rows of each class, in proportion to class sizes, kept in file order"
    } else {
        "where limited: the first rows in file order"
    };
    let manifest = PreparedManifest {
        format: format!("MLPD v{VERSION}"),
        name: name.to_string(),
        kind: if train.n_classes().is_some() {
            "classes"
        } else {
            "values"
        }
        .to_string(),
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
    };
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| DataError::Request(format!("{name}: cannot encode the manifest: {e}")))?;
    write(&out_dir.join(format!("{name}.json")), json.as_bytes())?;
    Ok(manifest)
}

/// The three paths [`write_prepared`] writes for `name`.
pub fn prepared_paths(out_dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    (
        out_dir.join(format!("{name}.json")),
        out_dir.join(format!("{name}.train.bin")),
        out_dir.join(format!("{name}.test.bin")),
    )
}
