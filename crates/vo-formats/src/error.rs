//! The one error type of the crate.

use thiserror::Error;

/// Why a result could not be encoded.
///
/// Errors that concern one value name the column and the row (counted from the start of the
/// result, 0-based), so a service can report e.g. "column flux, row 1234: ...".
#[derive(Debug, Error)]
pub enum FormatError {
    /// The RESPONSEFORMAT has no table encoder here (e.g. HTML when not built in).
    #[error("no table encoder for the output format {0}")]
    UnsupportedFormat(String),
    /// A column whose Arrow type the format cannot represent.
    #[error("column {column}: {message}")]
    UnsupportedType {
        /// The column name.
        column: String,
        /// What is wrong, naming the Arrow type.
        message: String,
    },
    /// A value that the format cannot represent (e.g. a UInt64 above `i64::MAX` in VOTable).
    #[error("column {column}, row {row}: {message}")]
    Value {
        /// The column name.
        column: String,
        /// Row number in the whole result, from 0.
        row: u64,
        /// What is wrong with the value.
        message: String,
    },
    /// The encoder was called out of order (e.g. `write_batch` before `begin`), or a batch does
    /// not match the schema given to `begin`.
    #[error("encoder misuse: {0}")]
    Usage(String),
    /// The VOTable writer failed.
    #[error("VOTable: {0}")]
    Votable(#[from] vo_votable::Error),
    /// The Parquet writer failed.
    #[error("Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// An Arrow kernel (cast, IPC spool) failed.
    #[error("Arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// Reading or writing a spool file failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl FormatError {
    pub(crate) fn unsupported(column: &str, message: impl Into<String>) -> Self {
        FormatError::UnsupportedType { column: column.to_string(), message: message.into() }
    }
}
