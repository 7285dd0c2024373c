//! The job record: what the job document [UWS App. B] shows, as stored in the database.

use crate::phase::ExecutionPhase;
use crate::time::Millis;

/// Whether retrying a failed job might succeed [UWS App. B, `ErrorType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// Retrying may work (the service was overloaded, a remote resource was down...).
    Transient,
    /// Retrying the same job will fail the same way (bad query, missing table...).
    Fatal,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Transient => "transient",
            ErrorType::Fatal => "fatal",
        }
    }

    pub(crate) fn from_stored(text: &str) -> ErrorType {
        if text == "transient" { ErrorType::Transient } else { ErrorType::Fatal }
    }
}

/// Why a job is in ERROR (or was aborted by the system): shown as `errorSummary`, and as a DALI
/// error document at `{job}/error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    pub error_type: ErrorType,
    pub message: String,
}

/// A parameter of a job, in the order the client sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobParameter {
    pub name: String,
    pub value: String,
    /// Set for inline uploads (`multipart/form-data` file parts): the value is served at
    /// `{job}/parameters/{name}` and listed `byReference="true"`.
    pub upload: Option<StoredUpload>,
}

/// An uploaded file kept in the job directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    /// The file name inside `<jobs_dir>/<job id>/uploads/` (chosen by us, never by the client).
    pub stored_name: String,
    /// The file name the client gave, if any.
    pub client_file_name: Option<String>,
    pub content_type: Option<String>,
}

/// A result of a job, listed at `{job}/results` and served at `{job}/results/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    pub id: String,
    pub mime_type: Option<String>,
    /// The size in bytes when the result was registered.
    pub size: Option<u64>,
    /// The file name inside `<jobs_dir>/<job id>/results/`.
    pub stored_name: String,
}

/// One job as stored: everything the job document shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub run_id: Option<String>,
    /// `None` for the anonymous owner.
    pub owner: Option<String>,
    pub phase: ExecutionPhase,
    pub quote: Option<Millis>,
    pub creation_time: Millis,
    pub start_time: Option<Millis>,
    pub end_time: Option<Millis>,
    /// Seconds; zero means unlimited.
    pub execution_duration: u64,
    pub destruction: Option<Millis>,
    pub parameters: Vec<JobParameter>,
    pub results: Vec<JobResult>,
    pub error: Option<JobError>,
    /// Free-form facts the executor recorded (query plan, row count...), shown in `jobInfo`.
    pub info: Vec<(String, String)>,
    /// The job list URL the job was created under, for executors that need absolute links.
    pub list_url: String,
}

/// One entry of the job list (`uws:jobref`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSummary {
    pub id: String,
    pub phase: ExecutionPhase,
    pub run_id: Option<String>,
    pub owner: Option<String>,
    pub creation_time: Millis,
}

/// Which jobs a job-list request asks for [UWS §2.2.2.1]; the filters are ANDed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    /// Only jobs in one of these phases; empty means every phase except ARCHIVED.
    pub phases: Vec<ExecutionPhase>,
    /// Only jobs created strictly after this instant.
    pub after: Option<Millis>,
    /// Only the `n` most recently created jobs.
    pub last: Option<u64>,
}
