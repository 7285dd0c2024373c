//! The error type: every problem with a query, located in the query text.

use std::fmt;

/// What went wrong, broadly; lets services map errors to messages or HTTP codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not ADQL (tokens, grammar, non-ADQL SQL).
    Syntax,
    /// A table that the catalogue does not have.
    UnknownTable,
    /// A column that none of the tables in scope has.
    UnknownColumn,
    /// A column name that several tables in scope have.
    AmbiguousColumn,
    /// An unknown function, or wrong number or types of arguments.
    Function,
    /// An invalid geometry (bad radius, polygon, coordinate system...).
    Geometry,
    /// A valid ADQL feature this service does not support.
    Unsupported,
    /// The query is too large or too deeply nested.
    Limit,
    /// The query could not be turned into an execution plan.
    Planning,
}

/// An error in an ADQL query, with the 1-based line and column it refers to (0 when unknown).
///
/// Displayed as `line 1, column 27: expected FROM, found 'FORM'`, followed by the help line if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdqlError {
    pub kind: ErrorKind,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// A hint on how to fix the query.
    pub help: Option<String>,
}

impl AdqlError {
    pub fn new(kind: ErrorKind, position: impl Into<Position>, message: impl Into<String>) -> Self {
        let position = position.into();
        AdqlError { kind, line: position.line, column: position.column, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn syntax(position: impl Into<Position>, message: impl Into<String>) -> Self {
        AdqlError::new(ErrorKind::Syntax, position, message)
    }

    /// Where the error is, if known.
    pub fn position(&self) -> Option<Position> {
        (self.line > 0).then_some(Position { line: self.line, column: self.column })
    }
}

impl fmt::Display for AdqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AdqlError {}

/// A 1-based position in the query text; line 0 means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl Position {
    pub const UNKNOWN: Position = Position { line: 0, column: 0 };
}

impl From<sqlparser::tokenizer::Location> for Position {
    fn from(location: sqlparser::tokenizer::Location) -> Self {
        Position { line: location.line, column: location.column }
    }
}

impl From<sqlparser::tokenizer::Span> for Position {
    fn from(span: sqlparser::tokenizer::Span) -> Self {
        span.start.into()
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, AdqlError>;
