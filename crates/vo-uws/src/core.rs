//! The state shared by the REST layer, the workers and the reaper, and the job life-cycle
//! operations they all use (run, abort, delete, destroy). Every phase change goes through
//! [`Core::change_phase`], which updates the database conditionally and wakes `WAIT`ers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use vo_dali::{DaliError, ErrorKind, Params};

use crate::config::{DestructionPolicy, UwsConfig};
use crate::error::UwsError;
use crate::executor::{JobExecutor, JobUpload};
use crate::files::JobFiles;
use crate::job::JobParameter;
use crate::phase::ExecutionPhase;
use crate::store::{JobStore, PhaseChange};
use crate::time::now_millis;
use crate::watch::PhaseWatch;

/// The message of jobs found QUEUED or EXECUTING when the service starts.
pub const RESTART_MESSAGE: &str =
    "The server restarted while this job was queued or executing, so it did not finish. Please submit it again.";

pub(crate) struct Core {
    pub store: JobStore,
    pub files: JobFiles,
    pub config: UwsConfig,
    pub executor: Arc<dyn JobExecutor>,
    pub watch: PhaseWatch,
    /// Cancellation tokens of the jobs currently executing.
    pub running: Mutex<HashMap<String, CancellationToken>>,
    /// Job ids waiting for a worker; bounded by `config.queue_size`.
    pub queue: mpsc::Sender<String>,
    /// Cancelled when the service is dropped: stops the workers, the reaper and running jobs.
    pub shutdown: CancellationToken,
}

impl Core {
    /// Moves a job to `change.to` if it is in one of `from`, and wakes whoever waits on it.
    pub async fn change_phase(
        &self,
        job_id: &str,
        from: &[ExecutionPhase],
        change: PhaseChange<'_>,
    ) -> Result<bool, UwsError> {
        let moved = self.store.transition(job_id, from, change).await?;
        if moved {
            self.watch.announce(job_id, Some(change.to));
        }
        Ok(moved)
    }

    /// `PHASE=RUN` on a job currently in `phase`. Running a job that is already queued, executing
    /// or completed changes nothing (clients that send RUN twice are common); a job that ended
    /// otherwise cannot run again.
    pub async fn run(&self, job_id: &str, phase: ExecutionPhase) -> Result<(), DaliError> {
        match phase {
            ExecutionPhase::Pending | ExecutionPhase::Held => {}
            ExecutionPhase::Queued | ExecutionPhase::Executing | ExecutionPhase::Completed => return Ok(()),
            other => return Err(DaliError::forbidden(format!("job {job_id} is {other} and cannot be run again"))),
        }
        let editable = [ExecutionPhase::Pending, ExecutionPhase::Held];
        let parameters = self.store.load_parameters(job_id).await?;
        let (params, uploads) = split_parameters(&parameters);
        if let Err(failure) = self.executor.validate(&params, &uploads).await {
            let error = failure.to_job_error();
            let change = PhaseChange::to(ExecutionPhase::Error).ended(now_millis()).with_error(Some(&error));
            self.change_phase(job_id, &editable, change).await?;
            return Ok(());
        }
        self.queue(job_id).await
    }

    /// Puts a PENDING or HELD job whose parameters are valid in the queue (or in HELD when the
    /// queue is full).
    pub async fn queue(&self, job_id: &str) -> Result<(), DaliError> {
        let editable = [ExecutionPhase::Pending, ExecutionPhase::Held];
        if !self.change_phase(job_id, &editable, PhaseChange::to(ExecutionPhase::Queued)).await? {
            return Err(DaliError::forbidden(format!("job {job_id} changed phase meanwhile; it was not started")));
        }
        match self.queue.try_send(job_id.to_string()) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::info!(job_id, "job queue full: job put on HELD");
                self.change_phase(job_id, &[ExecutionPhase::Queued], PhaseChange::to(ExecutionPhase::Held)).await?;
                Ok(())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.change_phase(job_id, &[ExecutionPhase::Queued], PhaseChange::to(ExecutionPhase::Held)).await?;
                Err(DaliError::new(
                    ErrorKind::Unavailable,
                    "the job service is shutting down; send PHASE=RUN again later",
                ))
            }
        }
    }

    /// `PHASE=ABORT`. Aborting an aborted job changes nothing; a completed or failed job cannot
    /// be aborted.
    pub async fn abort(&self, job_id: &str, phase: ExecutionPhase) -> Result<(), DaliError> {
        if phase == ExecutionPhase::Aborted {
            return Ok(());
        }
        if !phase.is_active() {
            return Err(DaliError::forbidden(format!("job {job_id} is {phase} and cannot be aborted")));
        }
        let active = [
            ExecutionPhase::Pending,
            ExecutionPhase::Queued,
            ExecutionPhase::Executing,
            ExecutionPhase::Held,
            ExecutionPhase::Suspended,
        ];
        let change = PhaseChange::to(ExecutionPhase::Aborted).ended(now_millis());
        if self.change_phase(job_id, &active, change).await? {
            self.cancel_running(job_id);
            Ok(())
        } else {
            Err(DaliError::forbidden(format!("job {job_id} finished before it could be aborted")))
        }
    }

    /// Forgets a job: stops it, deletes its rows and files. Returns whether it existed.
    pub async fn delete(&self, job_id: &str) -> Result<bool, UwsError> {
        self.cancel_running(job_id);
        // Files first: a crash in between leaves a job without files (its result requests
        // answer 404), never files without a job.
        self.files.remove_job(job_id).await?;
        let existed = self.store.delete_job(job_id).await?;
        self.watch.announce(job_id, None);
        Ok(existed)
    }

    /// What happens at destruction time, by the configured policy [UWS §2.1.5].
    pub async fn destroy(&self, job_id: &str) -> Result<(), UwsError> {
        match self.config.destruction_policy {
            DestructionPolicy::Delete => {
                self.delete(job_id).await?;
            }
            DestructionPolicy::Archive => {
                self.cancel_running(job_id);
                self.files.remove_job(job_id).await?;
                self.store.archive_job(job_id).await?;
                self.watch.announce(job_id, Some(ExecutionPhase::Archived));
            }
        }
        Ok(())
    }

    pub fn cancel_running(&self, job_id: &str) {
        let token = self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(job_id);
        if let Some(token) = token {
            token.cancel();
        }
    }

    /// The inline uploads of a job, with where they are on disk.
    pub fn uploads_of(&self, job_id: &str, parameters: &[JobParameter]) -> Vec<JobUpload> {
        let dir = self.files.uploads_dir(job_id);
        parameters
            .iter()
            .filter_map(|p| {
                let stored = p.upload.as_ref()?;
                Some(JobUpload {
                    name: p.name.clone(),
                    file_name: stored.client_file_name.clone(),
                    content_type: stored.content_type.clone(),
                    path: dir.join(&stored.stored_name),
                })
            })
            .collect()
    }
}

/// Splits stored parameters into the plain ones and the names of the inline uploads.
pub(crate) fn split_parameters(parameters: &[JobParameter]) -> (Params, Vec<String>) {
    let mut params = Params::new();
    let mut uploads = Vec::new();
    for parameter in parameters {
        if parameter.upload.is_some() {
            uploads.push(parameter.name.clone());
        } else {
            params.push(parameter.name.clone(), parameter.value.clone());
        }
    }
    (params, uploads)
}
