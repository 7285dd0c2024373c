//! Errors met while reading a VOResource, VOSI or registry document.

use std::fmt;

/// Where in the input a problem is: 1-based line and column of the element's start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a document could not be read into the Rust types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("XML is not well-formed at {position}: {message}")]
    Xml { position: Position, message: String },
    #[error("expected root element {expected}, found {{{namespace}}}{found}")]
    UnexpectedRoot { expected: &'static str, namespace: String, found: String },
    #[error("<{element}> at {position} lacks the required <{child}>")]
    MissingElement { element: String, child: &'static str, position: Position },
    #[error("<{element}> at {position} lacks the required attribute {attribute}")]
    MissingAttribute { element: String, attribute: &'static str, position: Position },
    #[error("<{element}> at {position}: invalid value {value:?} ({expected})")]
    InvalidValue { element: String, value: String, expected: &'static str, position: Position },
    #[error("<{element}> at {position}: unknown xsi:type {xsi_type}")]
    UnknownType { element: String, xsi_type: String, position: Position },
}
