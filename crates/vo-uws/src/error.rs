//! Failures of the job machinery itself (database, files), as opposed to failed jobs.

use std::path::PathBuf;

use vo_dali::DaliError;

/// The job system could not do its work. Clients see these as HTTP 500 with the message.
#[derive(Debug, thiserror::Error)]
pub enum UwsError {
    #[error("job database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("job file error at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("stored job {job_id} is unreadable: {detail}")]
    Corrupt { job_id: String, detail: String },
}

impl UwsError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        UwsError::Io { path: path.into(), source }
    }
}

impl From<UwsError> for DaliError {
    fn from(err: UwsError) -> Self {
        DaliError::internal(err.to_string())
    }
}
