//! UWS 1.1 (Universal Worker Service): the asynchronous job pattern behind TAP `/async` and
//! VOSpace transfers, independent of any web framework.
//!
//! A [`UwsService`] is one job list. It answers the whole UWS REST interface through
//! [`UwsService::handle`] (the job list with PHASE/AFTER/LAST filters, jobs, `phase`,
//! `executionduration`, `destruction`, `error`, `quote`, `owner`, `parameters`, `results`,
//! blocking `WAIT`), keeps jobs in the metadata database (SQLite or PostgreSQL through sqlx's
//! `AnyPool`) and their files under a directory, runs them on a bounded worker pool, aborts
//! those that exceed their execution duration and destroys them at their destruction time.
//! What a job *does* is the protocol's business: implement [`JobExecutor`].
//!
//! ```
//! use std::sync::Arc;
//! use vo_dali::{DaliRequest, Method, Params};
//! use vo_uws::{JobContext, JobExecutor, JobFailure, UwsConfig, UwsService, MAIN_RESULT};
//!
//! /// Greets whoever the NAME parameter names.
//! struct Greeter;
//!
//! #[async_trait::async_trait]
//! impl JobExecutor for Greeter {
//!     async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
//!         let name = ctx.params().require("NAME")?.to_string();
//!         ctx.write_result(MAIN_RESULT, "text/plain", format!("Hello, {name}!").as_bytes()).await
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("jobs.db").display());
//! let pool = vo_uws::connect_pool(&db_url, 4).await?;
//! let uws = UwsService::new(pool, dir.path().join("jobs"), Arc::new(Greeter), UwsConfig::default()).await?;
//!
//! // Create and start a job in one request, as astroquery does: 303 to the new job.
//! let list_url = "http://localhost/greet/async";
//! let create = DaliRequest::new(Method::Post, Params::from_query("NAME=Vega&PHASE=RUN"), list_url);
//! let created = uws.handle("", create).await;
//! assert_eq!(created.status, 303);
//! let job_url = created.header("Location").unwrap().to_string();
//! let job_id = job_url.rsplit('/').next().unwrap();
//!
//! // Block (WAIT) while the job is QUEUED or EXECUTING, then read its phase and result.
//! let get = |path: String, query: &'static str| {
//!     let request = DaliRequest::new(Method::Get, Params::from_query(query), list_url);
//!     let uws = &uws;
//!     async move { uws.handle(&path, request).await }
//! };
//! let mut phase = String::new();
//! while phase != "COMPLETED" && phase != "ERROR" {
//!     get(job_id.to_string(), "WAIT=10").await;
//!     phase = text_of(get(format!("{job_id}/phase"), "").await);
//! }
//! assert_eq!(phase, "COMPLETED");
//! let result = get(format!("{job_id}/results/result"), "").await;
//! assert_eq!(result.content_type, "text/plain");
//! # fn text_of(response: vo_dali::DaliResponse) -> String {
//! #     match response.body { vo_dali::Body::Bytes(b) => String::from_utf8_lossy(&b).into_owned(), _ => String::new() }
//! # }
//! # Ok(())
//! # }
//! ```
//!
//! # Inside a protocol service
//!
//! A TAP service serves its job list at `{service}/async`. In its own
//! [`DaliService::handle`](vo_dali::DaliService::handle) it passes the rest of the path on, with
//! the base URL pointing at the job list (links in the UWS documents are built from it):
//!
//! ```text
//! ("async", rest) => {
//!     request.base_url = format!("{}/async", request.base_url);
//!     self.jobs.handle(rest, request).await
//! }
//! ```
//! (`crates/vo-actix/examples/embed.rs` does exactly this.) Jobs run on the runtime that created
//! the service unless [`UwsConfig::runtime`] names another one; under actix-web give
//! CPU-heavy executors a multi-threaded runtime of their own.
//!
//! The REST layer follows what real clients (pyvo, astroquery, TOPCAT, taplint) expect:
//! 303 with `Location` after every state change; 404 for unknown and deleted jobs; 403 for
//! requests the job's phase forbids and for other owners' jobs; `PHASE=RUN` accepted with the
//! creating POST; jobs with invalid parameters created in ERROR (never 404 nor stuck PENDING);
//! `PHASE` posted to the job URL answered with a pointer to `{job}/phase`; UTC timestamps with
//! `Z`; `xsi:nil` for missing destruction and quote.

mod config;
mod core;
mod error;
mod executor;
mod files;
mod job;
mod params;
mod phase;
mod pool;
mod resources;
mod runner;
mod service;
mod store;
pub mod time;
mod watch;
pub mod xml;

pub use crate::config::{DestructionPolicy, UwsConfig};
pub use crate::core::RESTART_MESSAGE;
pub use crate::error::UwsError;
pub use crate::executor::{JobContext, JobExecutor, JobFailure, JobUpload, MAIN_RESULT};
pub use crate::files::check_result_name;
pub use crate::job::{ErrorType, Job, JobError, JobFilter, JobParameter, JobResult, JobSummary, StoredUpload};
pub use crate::phase::{ExecutionPhase, UnknownPhase};
pub use crate::pool::connect_pool;
pub use crate::service::UwsService;
