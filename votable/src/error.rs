//! The crate's error type.
//!
//! Every error that comes from reading a document carries the [`Position`] (line and column) where
//! the problem was found, so that a user can open the file and see it.

use std::fmt;

/// A place in an XML document: 1-based line and 1-based column (counted in bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u64,
    /// Column number in bytes, starting at 1.
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Formats an optional position as a `"line L, column C: "` prefix (empty when unknown).
fn at(position: &Option<Position>) -> String {
    match position {
        Some(p) => format!("{p}: "),
        None => String::new(),
    }
}

/// Everything that can go wrong while reading, writing or converting VOTables.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The underlying reader or writer failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// The input is not well-formed XML (or uses XML features we refuse, such as DTD entities).
    #[error("{}malformed XML: {message}", at(.position))]
    Xml {
        /// Where the problem was found.
        position: Option<Position>,
        /// What is wrong.
        message: String,
    },

    /// The XML is well-formed but is not a VOTable we can interpret (unknown datatype, bad
    /// arraysize, wrong number of cells, bad base64, ...).
    #[error("{}invalid VOTable: {message}", at(.position))]
    Invalid {
        /// Where the problem was found.
        position: Option<Position>,
        /// What is wrong.
        message: String,
    },

    /// A cell value does not fit the datatype of its column.
    #[error("{}bad value in column '{column}': {message}", at(.position))]
    Value {
        /// Where the problem was found (the cell, or the row when writing).
        position: Option<Position>,
        /// The FIELD name.
        column: String,
        /// What is wrong.
        message: String,
    },

    /// A valid VOTable feature that this crate does not implement (e.g. FITS serialization).
    #[error("{}unsupported: {message}", at(.position))]
    Unsupported {
        /// Where the feature was found.
        position: Option<Position>,
        /// Which feature.
        message: String,
    },

    /// A VOTable FIELD and an Arrow field (or array) cannot be converted into each other.
    #[error("column '{column}': {message}")]
    Conversion {
        /// The column name.
        column: String,
        /// Why the conversion failed.
        message: String,
    },

    /// The writer was used in a way its contract forbids (e.g. a batch whose columns do not match).
    #[error("writer misuse: {0}")]
    Usage(String),

    /// An error from the Arrow library.
    #[error("Arrow error: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

impl Error {
    /// The position in the document, when the error comes from reading one.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Xml { position, .. }
            | Error::Invalid { position, .. }
            | Error::Value { position, .. }
            | Error::Unsupported { position, .. } => *position,
            _ => None,
        }
    }

    pub(crate) fn invalid(position: Option<Position>, message: impl Into<String>) -> Self {
        Error::Invalid { position, message: message.into() }
    }

    pub(crate) fn xml(position: Option<Position>, message: impl Into<String>) -> Self {
        Error::Xml { position, message: message.into() }
    }

    pub(crate) fn conversion(column: &str, message: impl Into<String>) -> Self {
        Error::Conversion { column: column.to_string(), message: message.into() }
    }
}

/// Shorthand for `std::result::Result<T, vo_votable::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_position_when_known() {
        let e = Error::invalid(Some(Position { line: 3, column: 7 }), "unknown datatype 'integer'");
        assert_eq!(e.to_string(), "line 3, column 7: invalid VOTable: unknown datatype 'integer'");
        assert_eq!(e.position(), Some(Position { line: 3, column: 7 }));
        let e = Error::invalid(None, "no TABLE");
        assert_eq!(e.to_string(), "invalid VOTable: no TABLE");
    }
}
