//! What can be wrong with a UCD: hard errors ([`UcdError`], which make [`crate::parse`] fail) and
//! the wider list of findings [`crate::validate`] reports ([`UcdIssue`]), each with a stable name
//! so that ingest logs and reports can refer to it.

use std::fmt;

/// Why a UCD string is not a valid UCD1+. Offsets are byte positions in the input string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UcdError {
    #[error("empty UCD")]
    Empty,
    #[error("empty word at byte {offset} (two ';' in a row, or a leading or trailing ';')")]
    EmptyWord { offset: usize },
    #[error("word {word:?} at byte {offset}: {reason}")]
    BadSyntax { word: String, offset: usize, reason: String },
    #[error("unknown UCD word {word:?} at byte {offset}{}", did_you_mean(suggestion))]
    UnknownWord { word: String, offset: usize, suggestion: Option<&'static str> },
    #[error("{word:?} may only qualify another word (syntax code S) but starts the UCD")]
    SecondaryFirst { word: String },
    #[error("{word:?} at byte {offset} may only be the first word (syntax code P)")]
    PrimaryNotFirst { word: String, offset: usize },
}

fn did_you_mean(suggestion: &Option<&'static str>) -> String {
    suggestion.map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default()
}

impl UcdError {
    /// The kind of issue this error is, for reports that mix errors and warnings.
    pub fn kind(&self) -> IssueKind {
        match self {
            UcdError::Empty => IssueKind::Empty,
            UcdError::EmptyWord { .. } => IssueKind::EmptyWord,
            UcdError::BadSyntax { .. } => IssueKind::BadSyntax,
            UcdError::UnknownWord { .. } => IssueKind::UnknownWord,
            UcdError::SecondaryFirst { .. } => IssueKind::SecondaryFirst,
            UcdError::PrimaryNotFirst { .. } => IssueKind::PrimaryNotFirst,
        }
    }

    /// Byte offset of the offending word in the input (0 for whole-UCD problems).
    pub fn offset(&self) -> usize {
        match self {
            UcdError::Empty | UcdError::SecondaryFirst { .. } => 0,
            UcdError::EmptyWord { offset }
            | UcdError::BadSyntax { offset, .. }
            | UcdError::UnknownWord { offset, .. }
            | UcdError::PrimaryNotFirst { offset, .. } => *offset,
        }
    }
}

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Allowed, but could be better (e.g. a duplicated word).
    Advice,
    /// Accepted, but clients may not understand it (deprecated or legacy words).
    Warning,
    /// Not a valid UCD1+.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Advice => "advice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// The kinds of findings, each with a stable upper-case name (close to STILTS' `ucdStatus` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueKind {
    Empty,
    EmptyWord,
    BadSyntax,
    UnknownWord,
    SecondaryFirst,
    PrimaryNotFirst,
    /// A word removed from the list; the issue names its replacement.
    Deprecated,
    /// A UCD1 name (e.g. `POS_EQ_RA_MAIN`) that SCS 1.03 still mandates.
    LegacyUcd1,
    /// A word in a non-IVOA namespace (`custom:word`, SIA 1 `VOX:...`): accepted but not checked.
    Namespaced,
    /// An explicit `ivoa:` prefix on a standard word (allowed but pointless).
    IvoaNamespace,
    /// Spaces around a word; accepted and removed.
    Whitespace,
    /// More `em.*` words after a photometric (E) or colour (C) word than it takes.
    ExtraBand,
    /// More than one axis or frame word after a vector (V) word.
    ExtraAxis,
    /// The same word twice.
    DuplicateWord,
}

impl IssueKind {
    /// Stable name for logs and reports.
    pub fn name(self) -> &'static str {
        match self {
            IssueKind::Empty => "EMPTY",
            IssueKind::EmptyWord => "EMPTY_WORD",
            IssueKind::BadSyntax => "BAD_SYNTAX",
            IssueKind::UnknownWord => "UNKNOWN_WORD",
            IssueKind::SecondaryFirst => "BAD_SEQUENCE_SECONDARY_FIRST",
            IssueKind::PrimaryNotFirst => "BAD_SEQUENCE_PRIMARY_NOT_FIRST",
            IssueKind::Deprecated => "DEPRECATED",
            IssueKind::LegacyUcd1 => "UCD1",
            IssueKind::Namespaced => "NAMESPACE",
            IssueKind::IvoaNamespace => "IVOA_NAMESPACE",
            IssueKind::Whitespace => "WHITESPACE",
            IssueKind::ExtraBand => "EXTRA_BAND",
            IssueKind::ExtraAxis => "EXTRA_AXIS",
            IssueKind::DuplicateWord => "DUPLICATE_WORD",
        }
    }

    /// The severity of every issue of this kind.
    pub fn severity(self) -> Severity {
        match self {
            IssueKind::Empty
            | IssueKind::EmptyWord
            | IssueKind::BadSyntax
            | IssueKind::UnknownWord
            | IssueKind::SecondaryFirst
            | IssueKind::PrimaryNotFirst => Severity::Error,
            IssueKind::Deprecated | IssueKind::LegacyUcd1 | IssueKind::Namespaced | IssueKind::Whitespace => {
                Severity::Warning
            }
            IssueKind::IvoaNamespace | IssueKind::ExtraBand | IssueKind::ExtraAxis | IssueKind::DuplicateWord => {
                Severity::Advice
            }
        }
    }
}

impl fmt::Display for IssueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding about a UCD string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UcdIssue {
    pub kind: IssueKind,
    /// Byte offset of the word concerned in the input (0 for whole-UCD findings).
    pub offset: usize,
    /// A sentence for humans, naming the word and, where there is one, the fix.
    pub message: String,
}

impl UcdIssue {
    pub fn new(kind: IssueKind, offset: usize, message: impl Into<String>) -> Self {
        UcdIssue { kind, offset, message: message.into() }
    }

    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

impl From<UcdError> for UcdIssue {
    fn from(error: UcdError) -> Self {
        UcdIssue { kind: error.kind(), offset: error.offset(), message: error.to_string() }
    }
}

impl fmt::Display for UcdIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.severity(), self.kind, self.message)
    }
}
