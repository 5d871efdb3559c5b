//! IDX files, the format of MNIST and Fashion-MNIST (`*-idx3-ubyte` images, `*-idx1-ubyte`
//! labels), raw or gzip-compressed.
//!
//! Layout (big-endian): magic `0x00000803` for unsigned-byte images with 3 dimensions, then the
//! image count, rows and columns, then `count × rows × cols` pixel bytes; or magic `0x00000801`
//! for labels, then the count, then one byte per label.

use std::borrow::Cow;
use std::path::Path;

use super::{gunzip_at_most, is_gzip, read_file, DataError, Dataset, Targets, MAX_FILE_BYTES};

pub const IMAGES_MAGIC: u32 = 0x0000_0803;
pub const LABELS_MAGIC: u32 = 0x0000_0801;

pub const MNIST_CLASSES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
pub const FASHION_MNIST_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

/// An IDX images file: `n` images of `rows × cols` bytes each, row-major, one after another.
#[derive(Clone, Debug, PartialEq)]
pub struct IdxImages {
    pub file: String,
    pub n: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IdxLabels {
    pub file: String,
    pub labels: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IdxFile {
    Images(IdxImages),
    Labels(IdxLabels),
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn to_usize(file: &str, v: u64) -> Result<usize, DataError> {
    usize::try_from(v).map_err(|_| {
        DataError::invalid(
            file,
            format!("{v} does not fit this platform's address space"),
        )
    })
}

/// Parses an IDX images or labels file from its bytes; gzip is recognised by its magic bytes
/// (1f 8b), not by `name`, which only labels the messages.
///
/// The length the header implies is checked against the file before any pixel buffer is
/// allocated, and a gzip stream is decompressed only up to that length plus one byte.
pub fn parse_idx(name: &str, bytes: &[u8]) -> Result<IdxFile, DataError> {
    let gz = is_gzip(bytes);
    let head: Cow<[u8]> = if gz {
        Cow::Owned(gunzip_at_most(name, bytes, 16)?)
    } else {
        Cow::Borrowed(&bytes[..bytes.len().min(16)])
    };
    let header = Header::read(name, &head)?;
    let body = if gz {
        header.gzip_body(name, bytes)?
    } else {
        header.raw_body(name, bytes)?
    };
    let n = to_usize(name, header.n.into())?;
    if header.magic == IMAGES_MAGIC {
        Ok(IdxFile::Images(IdxImages {
            file: name.to_string(),
            n,
            rows: to_usize(name, header.rows.into())?,
            cols: to_usize(name, header.cols.into())?,
            pixels: body,
        }))
    } else {
        Ok(IdxFile::Labels(IdxLabels {
            file: name.to_string(),
            labels: body,
        }))
    }
}

/// What an IDX header says: the kind, the count and (images) the size of each.
struct Header {
    magic: u32,
    len: usize,
    n: u32,
    rows: u32,
    cols: u32,
}

impl Header {
    /// The header from the file's first (up to) 16 bytes.
    fn read(name: &str, head: &[u8]) -> Result<Header, DataError> {
        let Some(magic) = be_u32(head, 0) else {
            return Err(DataError::Truncated {
                file: name.to_string(),
                what: "an IDX magic number".to_string(),
                needed: 4,
                found: head.len() as u64,
            });
        };
        let (len, what) = match magic {
            IMAGES_MAGIC => (16usize, "an IDX images header"),
            LABELS_MAGIC => (8usize, "an IDX labels header"),
            other => {
                return Err(DataError::BadMagic {
                    file: name.to_string(),
                    found: format!("0x{other:08x}"),
                    expected: "0x00000803 (IDX images) or 0x00000801 (IDX labels)".to_string(),
                })
            }
        };
        let fields = (be_u32(head, 4), be_u32(head, 8), be_u32(head, 12));
        let (n, rows, cols) = match (magic, fields) {
            (IMAGES_MAGIC, (Some(n), Some(r), Some(c))) => (n, r, c),
            (LABELS_MAGIC, (Some(n), ..)) => (n, 1, 1),
            _ => {
                return Err(DataError::Truncated {
                    file: name.to_string(),
                    what: what.to_string(),
                    needed: len as u64,
                    found: head.len() as u64,
                })
            }
        };
        if magic == IMAGES_MAGIC && (rows == 0 || cols == 0) {
            return Err(DataError::invalid(
                name,
                format!("header says images of {rows}×{cols}; both dimensions must be at least 1"),
            ));
        }
        Ok(Header {
            magic,
            len,
            n,
            rows,
            cols,
        })
    }

    /// What the header claims, for messages: "3 images of 28×28", "1 label".
    fn claim(&self) -> String {
        let (n, s) = (self.n, if self.n == 1 { "" } else { "s" });
        if self.magic == IMAGES_MAGIC {
            format!("{n} image{s} of {}×{}", self.rows, self.cols)
        } else {
            format!("{n} label{s}")
        }
    }

    /// The file's length as the header implies it (u128: three u32 factors cannot overflow it).
    fn file_len(&self) -> u128 {
        self.len as u128 + self.n as u128 * self.rows as u128 * self.cols as u128
    }

    fn too_large(&self, name: &str) -> DataError {
        DataError::TooLarge {
            file: name.to_string(),
            what: format!("the data its header claims ({})", self.claim()),
            size: format!("{} bytes", self.file_len()),
            limit: MAX_FILE_BYTES,
        }
    }

    /// The body of a gzip file, decompressed up to the implied length plus one byte (so a
    /// longer stream is caught without inflating all of it).
    fn gzip_body(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, DataError> {
        if self.file_len() > MAX_FILE_BYTES as u128 {
            return Err(self.too_large(name));
        }
        let expected = self.file_len() as u64;
        let mut data = gunzip_at_most(name, bytes, expected + 1)?;
        let got = data.len() as u64;
        if got != expected {
            let (has, found) = if got > expected {
                ("decompresses to more than", expected)
            } else {
                ("decompresses to", got)
            };
            return Err(DataError::LengthMismatch {
                file: name.to_string(),
                claim: self.claim(),
                expected,
                has: has.to_string(),
                found,
            });
        }
        data.drain(..self.len);
        Ok(data)
    }

    /// The body of an uncompressed file, whose length must be exactly the implied one.
    fn raw_body(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, DataError> {
        if bytes.len() as u128 != self.file_len() {
            // A claim past u64 (up to 2⁹⁶ bytes) cannot be quoted as a u64 without lying.
            let Ok(expected) = u64::try_from(self.file_len()) else {
                return Err(self.too_large(name));
            };
            return Err(DataError::LengthMismatch {
                file: name.to_string(),
                claim: self.claim(),
                expected,
                has: "has".to_string(),
                found: bytes.len() as u64,
            });
        }
        Ok(bytes[self.len..].to_vec())
    }
}

/// Reads and parses one IDX file; messages name the path.
pub fn read_idx(path: &Path) -> Result<IdxFile, DataError> {
    let bytes = read_file(path)?;
    parse_idx(&path.display().to_string(), &bytes)
}

/// Pairs images with their labels: pixels become `byte / 255`, `image_shape` is
/// `[rows, cols, 1]`, and every label must name one of `class_names`.
pub fn idx_dataset(
    images: IdxImages,
    labels: IdxLabels,
    class_names: &[&str],
) -> Result<Dataset, DataError> {
    if images.n != labels.labels.len() {
        return Err(DataError::CountMismatch {
            images_file: images.file,
            images: images.n,
            labels_file: labels.file,
            labels: labels.labels.len(),
        });
    }
    if class_names.is_empty() {
        return Err(DataError::Request(format!(
            "{}: no class names given for its labels",
            labels.file
        )));
    }
    if let Some((i, &label)) = labels
        .labels
        .iter()
        .enumerate()
        .find(|(_, &l)| usize::from(l) >= class_names.len())
    {
        return Err(DataError::BadLabel {
            file: labels.file,
            label: label.into(),
            item: format!("item {i}"),
            offset: 8 + i as u64,
            n_classes: class_names.len(),
        });
    }
    let features = images
        .pixels
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    Ok(Dataset {
        features,
        n: images.n,
        d: images.rows * images.cols,
        targets: Targets::Classes {
            labels: labels.labels.iter().map(|&l| u32::from(l)).collect(),
            n_classes: class_names.len(),
        },
        class_names: class_names.iter().map(|s| s.to_string()).collect(),
        feature_names: Vec::new(),
        image_shape: Some([images.rows, images.cols, 1]),
    })
}

/// Loads an images file and its labels file into one data set.
pub fn load_idx_pair(
    images_path: &Path,
    labels_path: &Path,
    class_names: &[&str],
) -> Result<Dataset, DataError> {
    idx_pair(read_idx(images_path)?, read_idx(labels_path)?, class_names)
}

/// Parses the bytes of an images file and its labels file (raw or gzip) into one data set;
/// messages name them `<name> images` and `<name> labels`.
pub fn parse_idx_pair(
    name: &str,
    images: &[u8],
    labels: &[u8],
    class_names: &[&str],
) -> Result<Dataset, DataError> {
    let images = parse_idx(&format!("{name} images"), images)?;
    idx_pair(
        images,
        parse_idx(&format!("{name} labels"), labels)?,
        class_names,
    )
}

/// An images file and a labels file as one data set; the two swapped are refused.
fn idx_pair(images: IdxFile, labels: IdxFile, class_names: &[&str]) -> Result<Dataset, DataError> {
    let images = match images {
        IdxFile::Images(images) => images,
        IdxFile::Labels(l) => {
            return Err(wrong_kind(&l.file, LABELS_MAGIC, "0x00000803 (IDX images)"))
        }
    };
    let labels = match labels {
        IdxFile::Labels(labels) => labels,
        IdxFile::Images(i) => {
            return Err(wrong_kind(&i.file, IMAGES_MAGIC, "0x00000801 (IDX labels)"))
        }
    };
    idx_dataset(images, labels, class_names)
}

/// The class names of a named IDX set: Fashion-MNIST's for `fashion-mnist` (in any of its
/// spellings), else the digits 0–9.
pub fn default_class_names(set_name: &str) -> &'static [&'static str] {
    match super::named::canonical(set_name) {
        Some("fashion-mnist") => &FASHION_MNIST_CLASSES,
        _ => &MNIST_CLASSES,
    }
}

fn wrong_kind(file: &str, found: u32, expected: &str) -> DataError {
    let kind = if found == IMAGES_MAGIC {
        "images"
    } else {
        "labels"
    };
    DataError::BadMagic {
        file: file.to_string(),
        found: format!("0x{found:08x} (IDX {kind})"),
        expected: expected.to_string(),
    }
}
