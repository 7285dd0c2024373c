//! The resources of one job [UWS §2.2.1]: the job itself and its children `phase`,
//! `executionduration`, `destruction`, `error`, `quote`, `owner`, `parameters` and `results`.
//! Every state change answers 303 to the job; a request the job's phase forbids answers 403.

use vo_dali::{DaliError, DaliRequest, DaliResponse, Method};

use crate::files::open_stream;
use crate::phase::ExecutionPhase;
use crate::service::{UwsService, is_control_parameter, job_url, method_not_allowed, plain_parameters};
use crate::time::{format_instant, now_millis};
use crate::xml::{job_document, parameters_document, results_document};

impl UwsService {
    pub(crate) async fn job_resource(
        &self,
        job_id: &str,
        rest: &[&str],
        request: &DaliRequest,
    ) -> Result<DaliResponse, DaliError> {
        let reading = matches!(request.method, Method::Get | Method::Head);
        let posting = request.method == Method::Post;
        match rest {
            [] if reading => self.get_job(job_id, request).await,
            [] if posting => self.post_to_job(job_id, request).await,
            [] if request.method == Method::Delete => self.delete_job(job_id, request).await,
            [] => Err(method_not_allowed("a job", "GET, POST or DELETE")),
            ["phase"] if reading => Ok(DaliResponse::text(self.authorize(job_id, request).await?.as_str())),
            ["phase"] if posting => self.post_phase(job_id, request).await,
            ["executionduration"] if reading => {
                let job = self.authorized_job(job_id, request).await?;
                Ok(DaliResponse::text(job.execution_duration.to_string()))
            }
            ["executionduration"] if posting => self.post_execution_duration(job_id, request).await,
            ["destruction"] if reading => {
                let job = self.authorized_job(job_id, request).await?;
                Ok(DaliResponse::text(job.destruction.map(format_instant).unwrap_or_default()))
            }
            ["destruction"] if posting => self.post_destruction(job_id, request).await,
            ["quote"] if reading => {
                let job = self.authorized_job(job_id, request).await?;
                Ok(DaliResponse::text(job.quote.map(format_instant).unwrap_or_default()))
            }
            ["owner"] if reading => {
                let job = self.authorized_job(job_id, request).await?;
                Ok(DaliResponse::text(job.owner.unwrap_or_default()))
            }
            ["error"] if reading => self.get_error(job_id, request).await,
            ["parameters"] if reading => {
                let job = self.authorized_job(job_id, request).await?;
                Ok(DaliResponse::xml(parameters_document(&job_url(request, job_id), &job.parameters)))
            }
            ["parameters"] if posting => self.post_parameters(job_id, request).await,
            ["parameters", name] if reading => self.get_parameter(job_id, name, request).await,
            ["results"] if reading => {
                let job = self.authorized_job(job_id, request).await?;
                Ok(DaliResponse::xml(results_document(&job_url(request, job_id), &job.results)))
            }
            ["results", result_id] if reading => self.get_result(job_id, result_id, request).await,
            ["phase" | "executionduration" | "destruction" | "parameters"] => {
                Err(method_not_allowed(&format!("{}/{}", job_id, rest[0]), "GET or POST"))
            }
            ["quote" | "owner" | "error" | "results"] | ["parameters" | "results", _] => {
                Err(method_not_allowed(&format!("{}/{}", job_id, rest.join("/")), "GET"))
            }
            _ => Err(DaliError::not_found(format!("job {job_id} has no resource '{}'", rest.join("/")))),
        }
    }

    /// GET the job, blocking first when the client asks with WAIT [UWS §2.2.1.2].
    async fn get_job(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let wait = crate::params::wait_request(&request.params, self.core.config.max_wait)?;
        if let Some(wait) = wait {
            // Subscribe before reading the phase, so a change right after the read still wakes us.
            let mut waiter = self.core.watch.subscribe(job_id);
            let phase = self.authorize(job_id, request).await?;
            let client_view_matches = wait.only_in.is_none_or(|expected| expected == phase);
            if phase.may_block() && client_view_matches {
                waiter.changed_within(wait.timeout).await;
            }
        }
        let job = self.authorized_job(job_id, request).await?;
        Ok(DaliResponse::xml(job_document(&request.base_url, &job)))
    }

    /// POST to the job URL itself: only `ACTION=DELETE` belongs here [UWS §2.2.3.2]. Phase
    /// changes and parameters have their own resources, and clients that get this wrong are
    /// told where to go rather than having their request silently ignored.
    async fn post_to_job(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        self.authorize(job_id, request).await?;
        let url = job_url(request, job_id);
        if let Some(action) = request.params.get("ACTION")? {
            return if action.trim().eq_ignore_ascii_case("DELETE") {
                self.delete_job(job_id, request).await
            } else {
                Err(DaliError::usage(format!("ACTION must be DELETE, got '{action}'")))
            };
        }
        if request.params.contains("PHASE") {
            return Err(DaliError::usage(format!("PHASE must be posted to {url}/phase, not to the job itself")));
        }
        if let Some((name, _)) = request.params.iter().find(|(name, _)| is_control_parameter(name)) {
            let child = name.to_ascii_lowercase();
            return Err(DaliError::usage(format!(
                "{} must be posted to {url}/{child}, not to the job itself",
                name.to_ascii_uppercase()
            )));
        }
        Err(DaliError::forbidden(format!(
            "parameters cannot be posted to the job itself; post them to {url}/parameters while the job is PENDING"
        )))
    }

    async fn delete_job(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        self.authorize(job_id, request).await?;
        self.core.delete(job_id).await?;
        Ok(DaliResponse::see_other(request.base_url.clone()))
    }

    async fn post_phase(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let phase = self.authorize(job_id, request).await?;
        let requested = request.params.get("PHASE")?.map(str::trim).unwrap_or_default().to_ascii_uppercase();
        match requested.as_str() {
            "RUN" => self.core.run(job_id, phase).await?,
            "ABORT" => self.core.abort(job_id, phase).await?,
            "" => return Err(DaliError::usage("POST to phase needs PHASE=RUN or PHASE=ABORT")),
            _ => return Err(DaliError::usage(format!("PHASE must be RUN or ABORT, got '{requested}'"))),
        }
        Ok(DaliResponse::see_other(job_url(request, job_id)))
    }

    async fn post_execution_duration(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let phase = self.authorize(job_id, request).await?;
        let text = request.params.require("EXECUTIONDURATION")?;
        let granted = self.core.config.grant_execution_duration(crate::params::execution_duration(text)?);
        if !phase.is_editable() || !self.core.store.set_execution_duration(job_id, granted).await? {
            return Err(DaliError::forbidden(format!(
                "the execution duration of job {job_id} can only be changed while it is PENDING (it is {phase})"
            )));
        }
        Ok(DaliResponse::see_other(job_url(request, job_id)))
    }

    async fn post_destruction(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let job = self.authorized_job(job_id, request).await?;
        let text = request.params.require("DESTRUCTION")?;
        let granted = self.grant_destruction(text, job.creation_time, now_millis())?;
        if job.phase == ExecutionPhase::Archived || !self.core.store.set_destruction(job_id, granted).await? {
            return Err(DaliError::forbidden(format!("job {job_id} is archived; its destruction time is fixed")));
        }
        Ok(DaliResponse::see_other(job_url(request, job_id)))
    }

    /// The error document, served with status 200 as DALI requires for async jobs [DALI §4.2].
    async fn get_error(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let job = self.authorized_job(job_id, request).await?;
        match job.error {
            Some(error) if matches!(job.phase, ExecutionPhase::Error | ExecutionPhase::Aborted) => {
                Ok(DaliResponse::ok("application/x-votable+xml", vo_dali::error::error_votable(&error.message)))
            }
            _ => Err(DaliError::not_found(format!("job {job_id} has no error (it is {})", job.phase))),
        }
    }

    /// POST parameters to a PENDING job [DALI §2.1]; a name given again replaces its values.
    async fn post_parameters(&self, job_id: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let phase = self.authorize(job_id, request).await?;
        let url = job_url(request, job_id);
        if let Some((name, _)) = request.params.iter().find(|(name, _)| is_control_parameter(name)) {
            let child = name.to_ascii_lowercase();
            return Err(DaliError::usage(format!("{} must be posted to {url}/{child}", name.to_ascii_uppercase())));
        }
        let forbidden = || {
            DaliError::forbidden(format!(
                "parameters of job {job_id} can only be changed while it is PENDING (it is {phase})"
            ))
        };
        if !phase.is_editable() {
            return Err(forbidden());
        }
        let mut parameters = plain_parameters(&request.params)?;
        parameters.extend(self.store_uploads(job_id, request).await?);
        if !self.core.store.add_parameters(job_id, &parameters).await? {
            return Err(forbidden());
        }
        Ok(DaliResponse::see_other(url))
    }

    /// One parameter: an inline upload is streamed from disk, a plain value is sent as text.
    async fn get_parameter(&self, job_id: &str, name: &str, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        self.authorize(job_id, request).await?;
        let parameters = self.core.store.load_parameters(job_id).await?;
        let parameter = parameters
            .iter()
            .find(|p| p.name == name)
            .or_else(|| parameters.iter().find(|p| p.name.eq_ignore_ascii_case(name)))
            .ok_or_else(|| DaliError::not_found(format!("job {job_id} has no parameter '{name}'")))?;
        match &parameter.upload {
            None => Ok(DaliResponse::text(parameter.value.clone())),
            Some(upload) => {
                let path = self.core.files.uploads_dir(job_id).join(&upload.stored_name);
                let content_type = upload.content_type.clone().unwrap_or_else(|| "application/octet-stream".into());
                stream_file(&path, content_type, &format!("upload '{name}' of job {job_id}")).await
            }
        }
    }

    async fn get_result(
        &self,
        job_id: &str,
        result_id: &str,
        request: &DaliRequest,
    ) -> Result<DaliResponse, DaliError> {
        self.authorize(job_id, request).await?;
        let results = self.core.store.load_results(job_id).await?;
        let result = results
            .iter()
            .find(|r| r.id == result_id)
            .ok_or_else(|| DaliError::not_found(format!("job {job_id} has no result '{result_id}'")))?;
        let path = self.core.files.results_dir(job_id).join(&result.stored_name);
        let content_type = result.mime_type.clone().unwrap_or_else(|| "application/octet-stream".into());
        stream_file(&path, content_type, &format!("result '{result_id}' of job {job_id}")).await
    }
}

/// Streams a file from disk (never read whole into memory), announcing its length.
async fn stream_file(path: &std::path::Path, content_type: String, what: &str) -> Result<DaliResponse, DaliError> {
    match open_stream(path).await {
        Ok((stream, size)) => {
            Ok(DaliResponse::stream(content_type, stream).with_header("Content-Length", size.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(DaliError::not_found(format!("the file of {what} is gone")))
        }
        Err(e) => Err(DaliError::internal(format!("cannot read the file of {what}: {e}"))),
    }
}
