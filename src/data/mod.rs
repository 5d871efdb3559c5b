//! Data sets: the in-memory [`Dataset`] and the loaders that fill it.
//!
//! - [`idx`]: MNIST / Fashion-MNIST IDX files (raw or gzip)
//! - [`cifar`]: CIFAR-10 binary batches
//! - [`csv`]: CSV files with a header, or in scikit-learn's bundled layout
//! - [`named`]: the named sets (`mnist`, `iris`, ...) and where their files live
//! - [`split`]: stratified train/validation/test splits and standardization
//! - [`prepared`]: the compact binary subsets the web page fetches
//! - [`arrays`]: rows of features and targets a program already holds (the npm package)
//!
//! No loader panics on bad input: every problem comes back as a [`DataError`] naming the file and
//! the place in it.

pub mod arrays;
pub mod cifar;
pub mod csv;
pub mod dataset;
pub mod error;
pub mod gzip;
pub mod idx;
pub mod named;
pub mod prepared;
pub mod split;
pub mod toy;

pub use dataset::{Dataset, Targets};
pub use error::DataError;

use std::path::Path;

/// The most bytes any one data file may occupy, compressed or decompressed. The largest real
/// file (CIFAR's data_batch, 30 MB; MNIST train images decompressed, 47 MB) is far below it; the
/// cap exists so a hostile header or a gzip bomb fails with a message instead of exhausting memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses at most `limit` bytes of a gzip stream (several concatenated members allowed).
/// Reading stops at the limit, so callers pass "what the header promises + 1" and learn that a
/// file is too long without ever holding more than that in memory.
pub(crate) fn gunzip_at_most(file: &str, bytes: &[u8], limit: u64) -> Result<Vec<u8>, DataError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    gzip::gunzip(bytes, limit).map_err(|(decompressed, detail)| DataError::Gzip {
        file: file.to_string(),
        decompressed: decompressed as u64,
        detail,
    })
}

/// The whole file when it is raw, or its decompressed content (up to [`MAX_FILE_BYTES`]) when it
/// starts with the gzip magic, whatever its name says.
pub(crate) fn maybe_gunzip<'a>(
    file: &str,
    bytes: &'a [u8],
) -> Result<std::borrow::Cow<'a, [u8]>, DataError> {
    if !is_gzip(bytes) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let out = gunzip_at_most(file, bytes, MAX_FILE_BYTES + 1)?;
    if out.len() as u64 > MAX_FILE_BYTES {
        return Err(DataError::TooLarge {
            file: file.to_string(),
            what: "the decompressed content".to_string(),
            size: format!("more than {MAX_FILE_BYTES} bytes"),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// Reads a file after checking its size, so an oversized file is refused before it is loaded.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, DataError> {
    let file = path.display().to_string();
    let io = |source| DataError::Io {
        file: file.clone(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(DataError::TooLarge {
            file: file.clone(),
            what: "the file".to_string(),
            size: format!("{len} bytes"),
            limit: MAX_FILE_BYTES,
        });
    }
    std::fs::read(path).map_err(io)
}
