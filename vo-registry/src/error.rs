//! The two kinds of failure: OAI-PMH protocol errors, answered in-band in an `error` element
//! [OAI-PMH §3.6], and failures of the registry itself (its database).

use std::fmt;

/// The OAI-PMH error codes [OAI-PMH §3.6].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OaiErrorCode {
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
    NoMetadataFormats,
    NoSetHierarchy,
}

impl OaiErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            OaiErrorCode::BadArgument => "badArgument",
            OaiErrorCode::BadResumptionToken => "badResumptionToken",
            OaiErrorCode::BadVerb => "badVerb",
            OaiErrorCode::CannotDisseminateFormat => "cannotDisseminateFormat",
            OaiErrorCode::IdDoesNotExist => "idDoesNotExist",
            OaiErrorCode::NoRecordsMatch => "noRecordsMatch",
            OaiErrorCode::NoMetadataFormats => "noMetadataFormats",
            OaiErrorCode::NoSetHierarchy => "noSetHierarchy",
        }
    }

    /// `badVerb` and `badArgument` responses must not echo the request's arguments.
    pub fn hides_arguments(self) -> bool {
        matches!(self, OaiErrorCode::BadVerb | OaiErrorCode::BadArgument)
    }
}

impl fmt::Display for OaiErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAI-PMH error: its code and a message for the harvester's operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct OaiError {
    pub code: OaiErrorCode,
    pub message: String,
}

impl OaiError {
    pub fn new(code: OaiErrorCode, message: impl Into<String>) -> Self {
        OaiError { code, message: message.into() }
    }

    pub fn bad_argument(message: impl Into<String>) -> Self {
        Self::new(OaiErrorCode::BadArgument, message)
    }
}

/// A failure of the registry itself, not of the request.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("registry database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("invalid registry configuration: {0}")]
    Config(String),
}
