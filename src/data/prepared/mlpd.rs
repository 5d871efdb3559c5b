//! The MLPD binary format ("MLPD" version 1, all integers little-endian), written and read in the
//! same three steps: header, features, targets.
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

use crate::data::{DataError, Dataset, Targets};

pub const MAGIC: &[u8; 4] = b"MLPD";
pub const VERSION: u8 = 1;
pub const HEADER_BYTES: usize = 16;
pub(super) const F32_FEATURES: u8 = 1;
const REAL_TARGETS: u8 = 2;

/// What bytes 5..16 say.
struct Header {
    f32_features: bool,
    real: bool,
    /// Classes, or values per row.
    width: usize,
    n: u32,
    d: u32,
}

impl Header {
    fn kind(&self) -> u8 {
        (if self.f32_features { F32_FEATURES } else { 0 })
            | if self.real { REAL_TARGETS } else { 0 }
    }

    fn feature_size(&self) -> usize {
        if self.f32_features {
            4
        } else {
            1
        }
    }

    /// Bytes of one row's targets.
    fn target_size(&self) -> usize {
        match (self.real, self.width <= 256) {
            (true, _) => 4 * self.width,
            (false, true) => 1,
            (false, false) => 4,
        }
    }

    /// What the header claims, for a length that does not match it.
    fn claim(&self) -> String {
        format!(
            "{} rows of {} {} features and {}",
            self.n,
            self.d,
            if self.f32_features { "f32" } else { "u8" },
            if self.real {
                format!("{} f32 targets", self.width)
            } else {
                format!("a label among {} classes", self.width)
            }
        )
    }
}

/// Rows and targets agree in number, and every label is below the number of classes.
pub(super) fn check_consistent(ds: &Dataset) -> Result<(), DataError> {
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

// ---------------------------------------------------------------------------------------------
// Writing

fn too_big(what: &str, v: usize, max: usize) -> DataError {
    DataError::Request(format!(
        "{what} = {v} does not fit the prepared format (at most {max})"
    ))
}

/// The reader refuses non-finite numbers, so refuse to write what could not be read back.
fn check_finite(ds: &Dataset) -> Result<(), DataError> {
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

/// The header for a data set, checking that its sizes fit the format's fields.
fn header_of(ds: &Dataset, f32_features: bool) -> Result<Header, DataError> {
    let n = u32::try_from(ds.n).map_err(|_| too_big("n", ds.n, u32::MAX as usize))?;
    let d = u32::try_from(ds.d).map_err(|_| too_big("d", ds.d, u32::MAX as usize))?;
    check_finite(ds)?;
    let (width, real) = match &ds.targets {
        Targets::Classes { n_classes, .. } => (*n_classes, false),
        Targets::Values { k, .. } => (*k, true),
    };
    if u16::try_from(width).map_or(true, |w| w == 0) {
        let what = if real { "k" } else { "number of classes" };
        return Err(too_big(what, width, u16::MAX as usize));
    }
    Ok(Header {
        f32_features,
        real,
        width,
        n,
        d,
    })
}

fn write_header(out: &mut Vec<u8>, header: &Header) {
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(header.kind());
    out.extend_from_slice(&(header.width as u16).to_le_bytes());
    out.extend_from_slice(&header.n.to_le_bytes());
    out.extend_from_slice(&header.d.to_le_bytes());
}

/// The features as bytes when every one is `byte / 255`, else as f32.
fn write_features(out: &mut Vec<u8>, features: &[f32], bytes: Option<Vec<u8>>) {
    match bytes {
        Some(b) => out.extend_from_slice(&b),
        None => features
            .iter()
            .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
    }
}

fn write_targets(out: &mut Vec<u8>, header: &Header, targets: &Targets) {
    match targets {
        Targets::Classes { labels, .. } if header.target_size() == 1 => {
            out.extend(labels.iter().map(|&l| l as u8));
        }
        Targets::Classes { labels, .. } => labels
            .iter()
            .for_each(|l| out.extend_from_slice(&l.to_le_bytes())),
        Targets::Values { values, .. } => values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
    }
}

/// Encodes a whole data set in the MLPD format.
pub fn encode_prepared(ds: &Dataset) -> Result<Vec<u8>, DataError> {
    check_consistent(ds)?;
    let bytes: Option<Vec<u8>> = ds.features.iter().map(|&x| as_byte(x)).collect();
    let header = header_of(ds, bytes.is_none())?;
    let mut out = Vec::with_capacity(HEADER_BYTES + ds.features.len() * 4 + ds.n * 4);
    write_header(&mut out, &header);
    write_features(&mut out, &ds.features, bytes);
    write_targets(&mut out, &header, &ds.targets);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Reading

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

fn read_header(file: &str, bytes: &[u8]) -> Result<Header, DataError> {
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
    Ok(Header {
        f32_features: kind & F32_FEATURES != 0,
        real,
        width,
        n: le_u32(header, 8),
        d: le_u32(header, 12),
    })
}

/// Where the features end (the targets start), once the file's length matches its header.
fn check_length(file: &str, header: &Header, bytes: &[u8]) -> Result<usize, DataError> {
    let (n, d) = (u128::from(header.n), u128::from(header.d));
    let features_end = HEADER_BYTES as u128 + n * d * header.feature_size() as u128;
    let expected = features_end + n * header.target_size() as u128;
    if bytes.len() as u128 == expected {
        // The length matched, so this fits in usize.
        return Ok(features_end as usize);
    }
    // A claim past u64 (n·d·4 reaches 2⁶⁶) cannot be quoted as a u64 without lying.
    let Ok(expected) = u64::try_from(expected) else {
        return Err(DataError::TooLarge {
            file: file.to_string(),
            what: format!("the data its header claims ({})", header.claim()),
            size: format!("{expected} bytes"),
            limit: crate::data::MAX_FILE_BYTES,
        });
    };
    Err(DataError::LengthMismatch {
        file: file.to_string(),
        claim: header.claim(),
        expected,
        has: "has".to_string(),
        found: bytes.len() as u64,
    })
}

fn read_features(file: &str, header: &Header, bytes: &[u8]) -> Result<Vec<f32>, DataError> {
    let features: Vec<f32> = if header.f32_features {
        f32s(bytes).collect()
    } else {
        bytes.iter().map(|&b| f32::from(b) / 255.0).collect()
    };
    if let Some(i) = features.iter().position(|x| !x.is_finite()) {
        let d = header.d as usize;
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
    Ok(features)
}

/// `offset`: where the targets start in the file, for the messages.
fn read_targets(
    file: &str,
    header: &Header,
    bytes: &[u8],
    offset: usize,
) -> Result<Targets, DataError> {
    let width = header.width;
    if header.real {
        let values: Vec<f32> = f32s(bytes).collect();
        if let Some(i) = values.iter().position(|x| !x.is_finite()) {
            return Err(DataError::invalid(
                file,
                format!("target {i} (byte offset {}) is not finite", offset + 4 * i),
            ));
        }
        return Ok(Targets::Values { values, k: width });
    }
    let labels: Vec<u32> = if header.target_size() == 1 {
        bytes.iter().map(|&b| u32::from(b)).collect()
    } else {
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    if let Some(i) = labels.iter().position(|&l| l as usize >= width) {
        return Err(DataError::BadLabel {
            file: file.to_string(),
            label: labels.get(i).copied().unwrap_or_default().into(),
            item: format!("row {i}"),
            offset: (offset + i * header.target_size()) as u64,
            n_classes: width,
        });
    }
    Ok(Targets::Classes {
        labels,
        n_classes: width,
    })
}

/// Reads an MLPD file back (raw, or gzip-compressed as `prepare-data` writes it). Class names are `"0"`, `"1"`, … and there is no image shape until
/// [`super::PreparedManifest::describe`] supplies them.
pub fn parse_prepared(bytes: &[u8]) -> Result<Dataset, DataError> {
    parse_prepared_named("prepared data", bytes)
}

/// [`parse_prepared`] with a file name for the messages.
pub fn parse_prepared_named(file: &str, bytes: &[u8]) -> Result<Dataset, DataError> {
    let bytes = &*crate::data::maybe_gunzip(file, bytes)?;
    let header = read_header(file, bytes)?;
    let features_end = check_length(file, &header, bytes)?;
    let features = read_features(file, &header, &bytes[HEADER_BYTES..features_end])?;
    let targets = read_targets(file, &header, &bytes[features_end..], features_end)?;
    let class_names = match &targets {
        Targets::Classes { n_classes, .. } => (0..*n_classes).map(|i| i.to_string()).collect(),
        Targets::Values { .. } => Vec::new(),
    };
    Ok(Dataset {
        features,
        n: header.n as usize,
        d: header.d as usize,
        targets,
        class_names,
        feature_names: Vec::new(),
        image_shape: None,
    })
}
