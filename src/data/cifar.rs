//! CIFAR-10 in its binary form (`cifar-10-batches-bin`): each record is one label byte (0..9)
//! followed by 3072 pixel bytes, the 1024 red values, then the 1024 green, then the 1024 blue
//! values of a 32×32 image, each plane row-major. A batch file is records back to back, so any
//! number of batch files concatenated is again a valid input.

use std::path::{Path, PathBuf};

use super::{maybe_gunzip, read_file, DataError, Dataset, Targets};

pub const SIDE: usize = 32;
pub const CHANNELS: usize = 3;
pub const PIXEL_BYTES: usize = SIDE * SIDE * CHANNELS;
pub const RECORD_BYTES: usize = 1 + PIXEL_BYTES;
pub const N_CLASSES: usize = 10;

/// The class names in label order, as `batches.meta.txt` lists them: the names of batches that
/// come without their meta file.
pub const CIFAR10_CLASSES: [&str; N_CLASSES] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];

/// The class names in `batches.meta.txt`: one per line, in label order, with the original file's
/// trailing empty line (or lines) allowed.
pub fn parse_cifar_meta(name: &str, text: &str) -> Result<Vec<String>, DataError> {
    let mut names: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
    while names.last().is_some_and(|l| l.is_empty()) {
        names.pop();
    }
    if let Some(i) = names.iter().position(|l| l.is_empty()) {
        return Err(DataError::invalid(
            name,
            format!("line {} is empty; expected one class name per line", i + 1),
        ));
    }
    if names.len() != N_CLASSES {
        return Err(DataError::invalid(
            name,
            format!(
                "found {} class names ({}); CIFAR-10 has {N_CLASSES}, one per line",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    Ok(names)
}

pub fn read_cifar_meta(path: &Path) -> Result<Vec<String>, DataError> {
    let file = path.display().to_string();
    let bytes = read_file(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        DataError::invalid(
            &file,
            format!("not UTF-8 text (byte offset {})", e.valid_up_to()),
        )
    })?;
    parse_cifar_meta(&file, text)
}

/// Decodes records, appending their pixels (`byte / 255`, channel-planar) and labels.
fn append_records(
    name: &str,
    bytes: &[u8],
    n_classes: usize,
    features: &mut Vec<f32>,
    labels: &mut Vec<u32>,
) -> Result<(), DataError> {
    let bytes = maybe_gunzip(name, bytes)?;
    let len = bytes.len();
    if len == 0 {
        return Err(DataError::Empty {
            file: name.to_string(),
            detail: format!(
                " (a CIFAR-10 batch holds {RECORD_BYTES}-byte records: a label byte and \
                 {PIXEL_BYTES} pixel bytes)"
            ),
        });
    }
    if len % RECORD_BYTES != 0 {
        return Err(DataError::CifarLength {
            file: name.to_string(),
            len: len as u64,
            record: RECORD_BYTES,
            records: (len / RECORD_BYTES) as u64,
            left_over: (len % RECORD_BYTES) as u64,
        });
    }
    // Check every label before converting pixels, so a bad file costs no allocation.
    for (i, record) in bytes.chunks_exact(RECORD_BYTES).enumerate() {
        let label = record[0];
        if usize::from(label) >= n_classes {
            return Err(DataError::BadLabel {
                file: name.to_string(),
                label: label.into(),
                item: format!("record {i}"),
                offset: (i * RECORD_BYTES) as u64,
                n_classes,
            });
        }
    }
    features.reserve(len / RECORD_BYTES * PIXEL_BYTES);
    labels.reserve(len / RECORD_BYTES);
    for record in bytes.chunks_exact(RECORD_BYTES) {
        labels.push(u32::from(record[0]));
        features.extend(record[1..].iter().map(|&p| f32::from(p) / 255.0));
    }
    Ok(())
}

fn dataset(features: Vec<f32>, labels: Vec<u32>, class_names: &[String]) -> Dataset {
    Dataset {
        n: labels.len(),
        d: PIXEL_BYTES,
        features,
        targets: Targets::Classes {
            labels,
            n_classes: class_names.len(),
        },
        class_names: class_names.to_vec(),
        feature_names: Vec::new(),
        image_shape: Some([SIDE, SIDE, CHANNELS]),
    }
}

/// Parses CIFAR-10 records (one batch or several concatenated; gzip is accepted too).
///
/// Features keep the file's channel-planar layout: row `i` holds the 1024 red values, then the
/// 1024 green, then the 1024 blue, each plane 32×32 row-major, scaled to [0, 1]. So the value of
/// channel `c` at pixel (`y`, `x`) is feature `c * 1024 + y * 32 + x`, not the interleaved
/// `(y * 32 + x) * 3 + c` that `image_shape` `[32, 32, 3]` might suggest.
pub fn parse_cifar(name: &str, bytes: &[u8], class_names: &[String]) -> Result<Dataset, DataError> {
    if class_names.len() != N_CLASSES {
        return Err(DataError::Request(format!(
            "{name}: CIFAR-10 needs {N_CLASSES} class names, {} were given",
            class_names.len()
        )));
    }
    let mut features = Vec::new();
    let mut labels = Vec::new();
    append_records(name, bytes, class_names.len(), &mut features, &mut labels)?;
    Ok(dataset(features, labels, class_names))
}

/// Loads batch files in the given order into one data set (layout as in [`parse_cifar`]), with
/// class names from `batches.meta.txt`. Files are read one at a time so only one raw batch is in
/// memory alongside the growing feature buffer.
pub fn load_cifar(batches: &[PathBuf], meta: &Path) -> Result<Dataset, DataError> {
    let class_names = read_cifar_meta(meta)?;
    if batches.is_empty() {
        return Err(DataError::Request(
            "no CIFAR-10 batch files given".to_string(),
        ));
    }
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for path in batches {
        let bytes = read_file(path)?;
        append_records(
            &path.display().to_string(),
            &bytes,
            class_names.len(),
            &mut features,
            &mut labels,
        )?;
    }
    Ok(dataset(features, labels, &class_names))
}
