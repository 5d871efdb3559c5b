//! Everything that can go wrong while reading or preparing data.
//!
//! Each message says which file, where in it (byte offset, line, column), what was found and
//! what was expected, so a user can fix the file without reading this crate.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{file}: the gzip stream is corrupt after {decompressed} decompressed bytes: {detail}"
    )]
    Gzip {
        file: String,
        decompressed: u64,
        detail: String,
    },

    #[error("{file}: {what} is {size}, more than the {limit}-byte limit for one data file")]
    TooLarge {
        file: String,
        what: String,
        /// "N bytes", or "more than N bytes" when reading stopped at the limit.
        size: String,
        limit: u64,
    },

    #[error("{file}: {found} bytes is too short for {what}, which takes {needed} bytes")]
    Truncated {
        file: String,
        what: String,
        needed: u64,
        found: u64,
    },

    #[error("{file}: magic number {found} at byte offset 0 is not {expected}")]
    BadMagic {
        file: String,
        found: String,
        expected: String,
    },

    #[error("{file}: header says {claim} ({expected} bytes) but the file {has} {found}")]
    LengthMismatch {
        file: String,
        claim: String,
        expected: u64,
        /// "has" for raw files, "decompresses to" (or "decompresses to more than") for gzip.
        has: String,
        found: u64,
    },

    #[error("{images_file} holds {images} images but {labels_file} holds {labels} labels; they must match one to one")]
    CountMismatch {
        images_file: String,
        images: usize,
        labels_file: String,
        labels: usize,
    },

    #[error("{file}: label {label} of {item} (byte offset {offset}) is not below {n_classes}, the number of classes")]
    BadLabel {
        file: String,
        label: u64,
        item: String,
        offset: u64,
        n_classes: usize,
    },

    #[error("{file}: {len} bytes is not a whole number of {record}-byte CIFAR-10 records ({records} records and {left_over} bytes left over)")]
    CifarLength {
        file: String,
        len: u64,
        record: usize,
        records: u64,
        left_over: u64,
    },

    #[error("{file}: the file is empty{detail}")]
    Empty { file: String, detail: String },

    #[error("{file}: line {line} has {found} fields but {expected} were expected ({why})")]
    Ragged {
        file: String,
        line: u64,
        found: usize,
        expected: usize,
        why: String,
    },

    #[error("{file}: line {line}, column {column} ({name}): {problem} {cell:?}; {expected}")]
    BadCell {
        file: String,
        line: u64,
        column: usize,
        name: String,
        problem: &'static str,
        cell: String,
        // Box<str> rather than String keeps DataError small enough to return by value cheaply.
        expected: Box<str>,
    },

    #[error("{file}: there is no {role} {wanted}; the columns are: {}", available.join(", "))]
    MissingColumn {
        file: String,
        /// "target column" or "column to skip".
        role: &'static str,
        wanted: String,
        available: Vec<String>,
    },

    #[error("{file}: the scikit-learn header line says {claimed} rows but the file has {found}")]
    RowCount {
        file: String,
        claimed: usize,
        found: usize,
    },

    #[error("{file}: CSV syntax error at line {line}: {detail}")]
    CsvSyntax {
        file: String,
        line: u64,
        detail: String,
    },

    /// Anything else wrong with a file's content; the message carries the specifics.
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },

    #[error("data set {set:?}: missing {} in {dir}; official copies: {origin}", files.join(", "))]
    MissingFiles {
        set: String,
        dir: PathBuf,
        files: Vec<String>,
        origin: String,
    },

    #[error("unknown data set {name:?}; known data sets: {}", known.join(", "))]
    UnknownSet { name: String, known: Vec<String> },

    #[error("no data directory found; tried {}. Pass --data-dir or set MLP_LAB_DATA", tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoDataDir { tried: Vec<PathBuf> },

    /// A request that cannot be met with the data given (bad split fractions, mismatched widths).
    #[error("{0}")]
    Request(String),
}

impl DataError {
    pub(crate) fn invalid(file: &str, message: impl Into<String>) -> Self {
        DataError::Invalid {
            file: file.to_string(),
            message: message.into(),
        }
    }
}
