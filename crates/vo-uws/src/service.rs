//! [`UwsService`]: a job list with its REST interface [UWS §2.2], its workers and its reaper.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sqlx::AnyPool;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use vo_dali::{DaliError, DaliRequest, DaliResponse, DaliService, Method, Params};

use crate::config::UwsConfig;
use crate::core::{Core, RESTART_MESSAGE, split_parameters};
use crate::error::UwsError;
use crate::executor::JobExecutor;
use crate::files::{JobFiles, new_job_id};
use crate::job::{Job, JobParameter, StoredUpload};
use crate::phase::ExecutionPhase;
use crate::runner::{destroy_due_jobs, spawn_background_tasks};
use crate::store::{JobStore, NewJob};
use crate::time::{Millis, now_millis, parse_instant};
use crate::watch::PhaseWatch;

/// UWS parameters that control the job rather than being job parameters.
const CONTROL_PARAMETERS: [&str; 3] = ["PHASE", "EXECUTIONDURATION", "DESTRUCTION"];

/// A UWS job list: handles the REST requests, runs jobs on a bounded worker pool, destroys
/// them when their destruction time comes, and keeps them in the metadata database.
///
/// Cloning is cheap and gives another handle on the same job list. When the last handle is
/// dropped, the workers and the reaper stop and running jobs are cancelled (they are marked
/// ERROR with a "server restarted" message by the next service started on the same database).
#[derive(Clone)]
pub struct UwsService {
    pub(crate) core: Arc<Core>,
    _shutdown: Arc<ShutdownOnDrop>,
}

struct ShutdownOnDrop(CancellationToken);

impl Drop for ShutdownOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl UwsService {
    /// Opens the job list stored in `pool` (tables are created if missing) with job files under
    /// `jobs_dir`, and starts its workers and reaper (on `config.runtime`, by default the
    /// current Tokio runtime).
    ///
    /// Jobs left QUEUED or EXECUTING by a previous process go to ERROR with
    /// [`RESTART_MESSAGE`](crate::RESTART_MESSAGE): they can never finish, and must not look
    /// as if they still might. This assumes one service process per database.
    pub async fn new(
        pool: AnyPool,
        jobs_dir: PathBuf,
        executor: Arc<dyn JobExecutor>,
        config: UwsConfig,
    ) -> Result<Self, UwsError> {
        let store = JobStore::open(pool).await?;
        let files = JobFiles::new(jobs_dir);
        files.ensure_root().await?;
        let interrupted = store.fail_interrupted_jobs(RESTART_MESSAGE, now_millis()).await?;
        if interrupted > 0 {
            tracing::warn!(interrupted, "jobs interrupted by a restart were marked ERROR");
        }
        let known: HashSet<String> = store.all_job_ids().await?.into_iter().collect();
        files.remove_orphans(|id| known.contains(id)).await?;

        let (queue, queue_receiver) = mpsc::channel(config.queue_size.max(1));
        let shutdown = CancellationToken::new();
        let core = Arc::new(Core {
            store,
            files,
            config,
            executor,
            watch: PhaseWatch::default(),
            running: Mutex::new(Default::default()),
            queue,
            shutdown: shutdown.clone(),
        });
        destroy_due_jobs(&core).await?;
        let runtime = core.config.runtime.clone().unwrap_or_else(tokio::runtime::Handle::current);
        spawn_background_tasks(core.clone(), queue_receiver, &runtime);
        Ok(UwsService { core, _shutdown: Arc::new(ShutdownOnDrop(shutdown)) })
    }

    pub fn config(&self) -> &UwsConfig {
        &self.core.config
    }

    /// The stored job, whoever owns it (for programmatic access; HTTP access goes through
    /// [`handle`](Self::handle), which checks the owner).
    pub async fn job(&self, job_id: &str) -> Result<Option<Job>, UwsError> {
        self.core.store.load_job(job_id).await
    }

    /// Answers one request to the job list. `subpath` is the path under the job list (`""`,
    /// `"{id}"`, `"{id}/phase"`, `"{id}/results/result"`...), and `request.base_url` is the
    /// absolute URL of the job list itself (a TAP service passes `.../tap/async`).
    pub async fn handle(&self, subpath: &str, request: DaliRequest) -> DaliResponse {
        let segments: Vec<&str> = subpath.split('/').filter(|s| !s.is_empty()).collect();
        let answer = match segments.as_slice() {
            [] => self.job_list(&request).await,
            [job_id, rest @ ..] => self.job_resource(job_id, rest, &request).await,
        };
        answer.unwrap_or_else(|err| DaliResponse::error(&err))
    }

    async fn job_list(&self, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        match request.method {
            Method::Get | Method::Head => self.list_jobs(request).await,
            Method::Post => self.create_job(request).await,
            _ => Err(method_not_allowed("the job list", "GET or POST")),
        }
    }

    async fn list_jobs(&self, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let mut filter = crate::params::job_filter(&request.params)?;
        if let Some(cap) = self.core.config.max_listed_jobs {
            filter.last = Some(filter.last.map_or(cap, |last| last.min(cap)));
        }
        let jobs = self.core.store.list_jobs(owner_of(request), &filter).await?;
        Ok(DaliResponse::xml(crate::xml::jobs_document(&request.base_url, &jobs)))
    }

    /// POST to the job list [UWS §2.2.3.1]: the job is created (in ERROR when its parameters
    /// are invalid, so the client can read why), started at once with `PHASE=RUN`, and the
    /// client is sent to it with 303.
    async fn create_job(&self, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let core = &self.core;
        let params = &request.params;
        let run_now = match params.get("PHASE")? {
            None => false,
            Some(phase) if phase.trim().eq_ignore_ascii_case("RUN") => true,
            Some(other) => {
                return Err(DaliError::usage(format!("PHASE at job creation can only be RUN, not '{other}'")));
            }
        };
        let run_id = params.get_runid()?.map(str::to_string);
        let now = now_millis();
        let execution_duration = match params.get("EXECUTIONDURATION")? {
            Some(text) => core.config.grant_execution_duration(crate::params::execution_duration(text)?),
            None => core.config.grant_execution_duration(core.config.default_execution_duration.as_secs()),
        };
        let destruction = match params.get("DESTRUCTION")? {
            Some(text) => self.grant_destruction(text, now, now)?,
            None => now.saturating_add(millis_of(core.config.default_retention)),
        };
        let owner = owner_of(request);
        if let Some(limit) = core.config.max_active_jobs_per_owner
            && core.store.count_active_jobs(owner).await? >= limit
        {
            return Err(DaliError::forbidden(format!(
                "you already have {limit} active jobs, the most allowed; delete or wait for some of them"
            )));
        }

        let job_id = new_job_id();
        let mut parameters = plain_parameters(params)?;
        parameters.extend(self.store_uploads(&job_id, request).await?);
        let (plain, upload_names) = split_parameters(&parameters);
        let (phase, error) = match core.executor.validate(&plain, &upload_names).await {
            Ok(()) => (ExecutionPhase::Pending, None),
            Err(failure) => (ExecutionPhase::Error, Some(failure.to_job_error())),
        };
        let job = NewJob {
            id: job_id.clone(),
            owner: owner.map(str::to_string),
            run_id,
            phase,
            creation_time: now,
            execution_duration,
            destruction: Some(destruction),
            error,
            parameters,
            list_url: request.base_url.clone(),
        };
        if let Err(err) = core.store.insert_job(&job).await {
            core.files.remove_job(&job_id).await.ok();
            return Err(err.into());
        }
        if run_now && phase == ExecutionPhase::Pending {
            core.queue(&job_id).await?;
        }
        Ok(DaliResponse::see_other(job_url(request, &job_id)))
    }

    /// Writes the request's file parts into the job directory, as by-reference parameters.
    pub(crate) async fn store_uploads(
        &self,
        job_id: &str,
        request: &DaliRequest,
    ) -> Result<Vec<JobParameter>, DaliError> {
        for file in &request.files {
            check_storable("an upload's part name", &file.part_name)?;
            check_storable("an upload's file name", file.file_name.as_deref().unwrap_or_default())?;
            check_storable("an upload's content type", file.content_type.as_deref().unwrap_or_default())?;
        }
        let contents: Vec<&[u8]> = request.files.iter().map(|f| f.data.as_ref()).collect();
        let stored = self.core.files.store_uploads(job_id, &contents).await?;
        Ok(request
            .files
            .iter()
            .zip(stored)
            .map(|(file, stored_name)| JobParameter {
                name: file.part_name.clone(),
                value: String::new(),
                upload: Some(StoredUpload {
                    stored_name,
                    client_file_name: file.file_name.clone(),
                    content_type: file.content_type.clone(),
                }),
            })
            .collect())
    }

    /// The destruction instant granted for a client's request: not in the past, and no later
    /// than the configured retention after the job's creation.
    pub(crate) fn grant_destruction(&self, text: &str, creation: Millis, now: Millis) -> Result<Millis, DaliError> {
        let requested = parse_instant(text).map_err(|e| DaliError::usage(format!("DESTRUCTION: {e}")))?;
        if requested < now {
            return Err(DaliError::usage(format!("DESTRUCTION {} is in the past", text.trim())));
        }
        let latest = creation.saturating_add(millis_of(self.core.config.max_retention));
        Ok(requested.min(latest))
    }

    /// Checks that the job exists and belongs to the requester; returns its phase.
    pub(crate) async fn authorize(&self, job_id: &str, request: &DaliRequest) -> Result<ExecutionPhase, DaliError> {
        match self.core.store.load_phase(job_id).await? {
            None => Err(no_such_job(job_id)),
            Some((_, owner)) if owner.as_deref() != owner_of(request) => Err(other_owner(job_id)),
            Some((phase, _)) => Ok(phase),
        }
    }

    /// Loads a job the requester may see.
    pub(crate) async fn authorized_job(&self, job_id: &str, request: &DaliRequest) -> Result<Job, DaliError> {
        let job = self.core.store.load_job(job_id).await?.ok_or_else(|| no_such_job(job_id))?;
        if job.owner.as_deref() != owner_of(request) {
            return Err(other_owner(job_id));
        }
        Ok(job)
    }
}

#[async_trait::async_trait]
impl DaliService for UwsService {
    /// Mounted on its own, the job list is the service root: `resource` is the sub-path.
    async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse {
        UwsService::handle(self, resource, request).await
    }
}

fn no_such_job(job_id: &str) -> DaliError {
    DaliError::not_found(format!("no job {job_id} (it never existed, or it was deleted)"))
}

fn other_owner(job_id: &str) -> DaliError {
    DaliError::forbidden(format!("job {job_id} belongs to another user"))
}

/// The requester's owner key: `None` (anonymous) for no identity or an empty one.
pub(crate) fn owner_of(request: &DaliRequest) -> Option<&str> {
    request.owner.as_deref().filter(|owner| !owner.is_empty())
}

pub(crate) fn job_url(request: &DaliRequest, job_id: &str) -> String {
    format!("{}/{}", request.base_url, job_id)
}

/// The request's parameters that are job parameters (not UWS control parameters).
pub(crate) fn plain_parameters(params: &Params) -> Result<Vec<JobParameter>, DaliError> {
    params
        .iter()
        .filter(|(name, _)| !is_control_parameter(name))
        .map(|(name, value)| {
            check_storable("parameter name", name)?;
            check_storable(&format!("parameter {name}"), value)?;
            Ok(JobParameter { name: name.to_string(), value: value.to_string(), upload: None })
        })
        .collect()
}

/// Text with a NUL character cannot be stored (PostgreSQL refuses it in TEXT columns) and is
/// never meaningful in a DALI parameter: it is refused up front rather than failing in the
/// database with an internal error.
fn check_storable(what: &str, text: &str) -> Result<(), DaliError> {
    if text.contains('\0') { Err(DaliError::usage(format!("{what} contains a NUL character"))) } else { Ok(()) }
}

pub(crate) fn is_control_parameter(name: &str) -> bool {
    CONTROL_PARAMETERS.iter().any(|control| control.eq_ignore_ascii_case(name))
}

pub(crate) fn method_not_allowed(resource: &str, allowed: &str) -> DaliError {
    DaliError::new(vo_dali::ErrorKind::MethodNotAllowed, format!("{resource} accepts only {allowed}"))
}

fn millis_of(duration: std::time::Duration) -> Millis {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
