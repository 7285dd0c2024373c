//! The protocol-specific part of a job system: what running a job means (a TAP query, a
//! VOSpace transfer...), behind the [`JobExecutor`] trait.

use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;
use vo_dali::{DaliError, ErrorKind, Params};

use crate::files::{JobFiles, check_result_name};
use crate::job::{ErrorType, JobError, JobResult};
use crate::store::JobStore;

/// The name a job's single (or main) result goes by. TAP clients look for `results/result`.
pub const MAIN_RESULT: &str = "result";

/// Runs jobs of one kind. The job system calls it on a worker once the job is EXECUTING.
#[async_trait::async_trait]
pub trait JobExecutor: Send + Sync + 'static {
    /// Checks a job's parameters when the job is created and again when it is run. A failure
    /// puts the job in ERROR with the failure as its error document (the job is still created,
    /// so clients find out why through the normal UWS resources). Accepts everything by default.
    async fn validate(&self, params: &Params, upload_names: &[String]) -> Result<(), JobFailure> {
        let _ = (params, upload_names);
        Ok(())
    }

    /// Runs one job: writes result files through `ctx` and returns normally, or fails.
    ///
    /// When the job is aborted, destroyed or runs past its execution duration,
    /// `ctx.cancellation()` is cancelled and the future is dropped at its next `.await`; work
    /// done outside the future (blocking threads) should watch the token.
    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure>;
}

/// Why a job failed: the message becomes the job's error summary and its DALI error document
/// (served with status 200 at `{job}/error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct JobFailure {
    pub error: DaliError,
    pub error_type: ErrorType,
}

impl JobFailure {
    /// A failure that will happen again if the same job is retried (bad query, missing table).
    pub fn fatal(message: impl Into<String>) -> Self {
        JobFailure { error: DaliError::usage(message), error_type: ErrorType::Fatal }
    }

    /// A failure that may go away if the job is retried later (overload, remote service down).
    pub fn transient(message: impl Into<String>) -> Self {
        JobFailure { error: DaliError::new(ErrorKind::Unavailable, message), error_type: ErrorType::Transient }
    }

    pub fn message(&self) -> &str {
        &self.error.message
    }

    pub(crate) fn to_job_error(&self) -> JobError {
        JobError { error_type: self.error_type, message: self.error.message.clone() }
    }
}

impl From<DaliError> for JobFailure {
    /// "Unavailable" errors are transient; every other kind is fatal.
    fn from(error: DaliError) -> Self {
        let error_type = if error.kind == ErrorKind::Unavailable { ErrorType::Transient } else { ErrorType::Fatal };
        JobFailure { error, error_type }
    }
}

impl From<std::io::Error> for JobFailure {
    fn from(error: std::io::Error) -> Self {
        JobFailure { error: DaliError::internal(format!("I/O error: {error}")), error_type: ErrorType::Fatal }
    }
}

/// A file the client uploaded inline with the job (`multipart/form-data` part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobUpload {
    /// The part name, as referenced by `param:<name>` in UPLOAD.
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    /// Where the content is on disk (read-only for the executor).
    pub path: PathBuf,
}

/// Everything a running job can see and do.
pub struct JobContext {
    pub(crate) job_id: String,
    pub(crate) owner: Option<String>,
    pub(crate) run_id: Option<String>,
    pub(crate) params: Params,
    pub(crate) uploads: Vec<JobUpload>,
    pub(crate) job_url: String,
    pub(crate) cancellation: CancellationToken,
    pub(crate) files: JobFiles,
    pub(crate) store: JobStore,
}

impl JobContext {
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The owner of the job; `None` for the anonymous owner.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    /// The job's parameters (inline uploads are in [`uploads`](Self::uploads) instead).
    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn uploads(&self) -> &[JobUpload] {
        &self.uploads
    }

    /// The upload sent as part `name` (as in `UPLOAD=t,param:name`).
    pub fn upload(&self, name: &str) -> Option<&JobUpload> {
        self.uploads.iter().find(|u| u.name == name)
    }

    /// The absolute URL of the job (e.g. to build links to its results).
    pub fn job_url(&self) -> &str {
        &self.job_url
    }

    /// The absolute URL result `name` will be served at.
    pub fn result_url(&self, name: &str) -> String {
        format!("{}/results/{}", self.job_url, crate::xml::encode_path_segment(name))
    }

    /// Cancelled when the job must stop (abort, destruction, execution duration exceeded,
    /// service shut down).
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Where to write the result called `name` (its directory is created). Register the file
    /// with [`add_result`](Self::add_result) once written.
    pub async fn result_path(&self, name: &str) -> Result<PathBuf, JobFailure> {
        check_result_name(name).map_err(JobFailure::fatal)?;
        let dir = self.files.results_dir(&self.job_id);
        tokio::fs::create_dir_all(&dir).await?;
        Ok(dir.join(name))
    }

    /// Registers the file at `path` as result `name` with MIME type `mime_type`. A file written
    /// elsewhere is moved into the job directory, so it is deleted with the job.
    pub async fn add_result(&self, name: &str, mime_type: &str, path: &Path) -> Result<(), JobFailure> {
        let target = self.result_path(name).await?;
        if path != target {
            move_file(path, &target).await?;
        }
        let size = tokio::fs::metadata(&target).await?.len();
        let result = JobResult {
            id: name.to_string(),
            mime_type: Some(mime_type.to_string()).filter(|m| !m.is_empty()),
            size: Some(size),
            stored_name: name.to_string(),
        };
        let recorded =
            self.store.add_result(&self.job_id, &result).await.map_err(|e| DaliError::internal(e.to_string()))?;
        if recorded { Ok(()) } else { Err(JobFailure::fatal("the job is no longer executing")) }
    }

    /// Writes `content` as result `name` and registers it.
    pub async fn write_result(&self, name: &str, mime_type: &str, content: &[u8]) -> Result<(), JobFailure> {
        let path = self.result_path(name).await?;
        tokio::fs::write(&path, content).await?;
        self.add_result(name, mime_type, &path).await
    }

    /// Records a fact about the run (query plan, row count...), shown in the job's `jobInfo`.
    /// Setting the same name again replaces the value.
    pub async fn set_info(&self, name: &str, value: &str) -> Result<(), JobFailure> {
        self.store.set_info(&self.job_id, name, value).await.map_err(|e| DaliError::internal(e.to_string()))?;
        Ok(())
    }
}

async fn move_file(from: &Path, to: &Path) -> Result<(), std::io::Error> {
    match tokio::fs::rename(from, to).await {
        Ok(()) => Ok(()),
        // Renaming fails across file systems: copy instead.
        Err(_) => {
            tokio::fs::copy(from, to).await?;
            tokio::fs::remove_file(from).await
        }
    }
}
