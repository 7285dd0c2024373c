//! The background tasks of a job list: the dispatcher that hands queued jobs to a bounded number
//! of workers, each job's supervision (execution-duration limit, cancellation, outcome), and the
//! reaper that destroys jobs whose destruction time has passed.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use crate::core::{Core, split_parameters};
use crate::error::UwsError;
use crate::executor::{JobContext, JobFailure};
use crate::job::{ErrorType, JobError};
use crate::phase::ExecutionPhase;
use crate::store::PhaseChange;
use crate::time::now_millis;

/// Starts the dispatcher and the reaper on `runtime`; jobs then run where the dispatcher runs.
pub(crate) fn spawn_background_tasks(core: Arc<Core>, queue: mpsc::Receiver<String>, runtime: &tokio::runtime::Handle) {
    runtime.spawn(dispatch(core.clone(), queue));
    runtime.spawn(reap(core));
}

/// Takes queued jobs one by one and runs each in its own task. A worker slot is taken *before*
/// the next job leaves the queue, so jobs wait in the bounded queue (and the queue's capacity
/// means what the configuration says).
async fn dispatch(core: Arc<Core>, mut queue: mpsc::Receiver<String>) {
    let slots = Arc::new(Semaphore::new(core.config.workers.max(1)));
    loop {
        let slot = tokio::select! {
            _ = core.shutdown.cancelled() => return,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
        };
        let job_id = tokio::select! {
            _ = core.shutdown.cancelled() => return,
            next = queue.recv() => match next {
                Some(job_id) => job_id,
                None => return,
            },
        };
        let core = core.clone();
        tokio::spawn(async move {
            if let Err(err) = run_job(&core, &job_id).await {
                tracing::error!(job_id, error = %err, "job supervision failed");
                fail_after_internal_error(&core, &job_id, &err).await;
            }
            drop(slot);
        });
    }
}

/// A job whose supervision failed (database unreachable, say) must not stay QUEUED or
/// EXECUTING for ever: it goes to ERROR, if the database lets us record that.
async fn fail_after_internal_error(core: &Core, job_id: &str, err: &UwsError) {
    let error = JobError {
        error_type: ErrorType::Transient,
        message: format!("the service failed while running this job ({err}); please submit it again"),
    };
    let change = PhaseChange::to(ExecutionPhase::Error).ended(now_millis()).with_error(Some(&error));
    if let Err(again) = core.change_phase(job_id, &[ExecutionPhase::Queued, ExecutionPhase::Executing], change).await {
        tracing::error!(job_id, error = %again, "could not record the failure of a job");
    }
}

/// How a job's execution ended.
enum Outcome {
    Finished(Result<(), JobFailure>),
    Panicked,
    TimedOut(u64),
    /// Aborted or deleted by a client, destroyed, or the service shut down: whoever cancelled
    /// has already recorded the phase (or, on shutdown, the next start will).
    Cancelled,
}

async fn run_job(core: &Core, job_id: &str) -> Result<(), UwsError> {
    // The token is registered before the job becomes EXECUTING, so an ABORT arriving right after
    // the phase change finds it and stops the run.
    let cancellation = core.shutdown.child_token();
    core.running
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(job_id.to_string(), cancellation.clone());
    let started = PhaseChange::to(ExecutionPhase::Executing).started(now_millis());
    let job = match core.change_phase(job_id, &[ExecutionPhase::Queued], started).await {
        Ok(true) => core.store.load_job(job_id).await,
        Ok(false) => Ok(None), // aborted or deleted while queued
        Err(err) => Err(err),
    };
    let job = match job {
        Ok(Some(job)) => job,
        other => {
            core.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(job_id);
            return other.map(|_| ());
        }
    };

    let (params, _) = split_parameters(&job.parameters);
    let context = JobContext {
        job_id: job.id.clone(),
        owner: job.owner.clone(),
        run_id: job.run_id.clone(),
        params,
        uploads: core.uploads_of(job_id, &job.parameters),
        job_url: format!("{}/{}", job.list_url, job.id),
        cancellation: cancellation.clone(),
        files: core.files.clone(),
        store: core.store.clone(),
    };
    let outcome = supervise(core, context, job.execution_duration, &cancellation).await;
    core.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(job_id);

    let ended = now_millis();
    let executing = [ExecutionPhase::Executing];
    match outcome {
        Outcome::Finished(Ok(())) => {
            core.change_phase(job_id, &executing, PhaseChange::to(ExecutionPhase::Completed).ended(ended)).await?;
        }
        Outcome::Finished(Err(failure)) => {
            let error = failure.to_job_error();
            let change = PhaseChange::to(ExecutionPhase::Error).ended(ended).with_error(Some(&error));
            core.change_phase(job_id, &executing, change).await?;
        }
        Outcome::Panicked => {
            let error = JobError {
                error_type: ErrorType::Fatal,
                message: "the job failed because of an internal error in the service".into(),
            };
            let change = PhaseChange::to(ExecutionPhase::Error).ended(ended).with_error(Some(&error));
            core.change_phase(job_id, &executing, change).await?;
        }
        Outcome::TimedOut(limit) => {
            let error = JobError {
                error_type: ErrorType::Fatal,
                message: format!(
                    "the job was aborted because it ran longer than its execution duration of {limit} s; \
                     results written so far are kept"
                ),
            };
            let change = PhaseChange::to(ExecutionPhase::Aborted).ended(ended).with_error(Some(&error));
            core.change_phase(job_id, &executing, change).await?;
        }
        Outcome::Cancelled => {
            // A job deleted while running may have written files after its directory was
            // removed: remove them again now that the executor has stopped.
            if core.store.load_phase(job_id).await?.is_none() {
                core.files.remove_job(job_id).await?;
            }
        }
    }
    Ok(())
}

/// Runs the executor in its own task (so a panic fails only this job) under the execution
/// duration limit and the job's cancellation token.
async fn supervise(
    core: &Core,
    context: JobContext,
    execution_duration: u64,
    cancellation: &CancellationToken,
) -> Outcome {
    let executor = core.executor.clone();
    let mut task = tokio::spawn(async move { executor.execute(context).await });
    let time_limit = async {
        if execution_duration == 0 {
            std::future::pending::<()>().await
        } else {
            tokio::time::sleep(Duration::from_secs(execution_duration)).await
        }
    };
    let outcome = tokio::select! {
        joined = &mut task => match joined {
            Ok(result) => Outcome::Finished(result),
            Err(_) => Outcome::Panicked,
        },
        _ = time_limit => Outcome::TimedOut(execution_duration),
        _ = cancellation.cancelled() => Outcome::Cancelled,
    };
    if !matches!(outcome, Outcome::Finished(_) | Outcome::Panicked) {
        cancellation.cancel();
        task.abort();
    }
    outcome
}

/// Destroys jobs whose destruction time has passed, every `reaper_interval`.
async fn reap(core: Arc<Core>) {
    let mut ticks = tokio::time::interval(core.config.reaper_interval.max(Duration::from_millis(10)));
    loop {
        tokio::select! {
            _ = core.shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        if let Err(err) = destroy_due_jobs(&core).await {
            tracing::warn!(error = %err, "destroying expired jobs failed");
        }
    }
}

/// Destroys every job whose destruction time is now or past. Returns how many.
pub(crate) async fn destroy_due_jobs(core: &Core) -> Result<usize, UwsError> {
    const BATCH: u64 = 500;
    let mut destroyed = 0;
    loop {
        let due = core.store.due_for_destruction(now_millis(), BATCH).await?;
        for job_id in &due {
            core.destroy(job_id).await?;
        }
        destroyed += due.len();
        if (due.len() as u64) < BATCH {
            return Ok(destroyed);
        }
    }
}
