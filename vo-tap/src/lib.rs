//! A TAP 1.1 service over the AstroCloud catalogue store.
//!
//! [`TapService`] is a framework-free `vo_dali::DaliService` with the TAP resources: `sync` (GET
//! and POST), `async` (UWS 1.1 jobs, persisted), `capabilities` (with TAPRegExt), `availability`,
//! `tables` (VOSI 1.1, `detail=min|max`, one child per table) and `examples` (DALI examples).
//! Queries are ADQL 2.0/2.1 (`vo-adql`) planned on DataFusion against the catalogue, TAP_SCHEMA
//! (generated from the same metadata as `tables`) and uploads (`TAP_UPLOAD.name`, VOTable, inline
//! or by http URL). Results stream from DataFusion to the client batch by batch in any of the
//! `vo-formats` output formats, with MAXREC truncation flagged as OVERFLOW, a trailing
//! `QUERY_STATUS=ERROR` if the query fails mid-stream, and cancellation when the client leaves.
//!
//! ```no_run
//! # async fn example(engine: std::sync::Arc<vo_catalog::QueryEngine>, pool: sqlx::AnyPool) -> Result<(), vo_dali::DaliError> {
//! use vo_tap::{TapService, TapSettings};
//! let tap = TapService::new(engine, TapSettings::default(), pool, "jobs".into(), vo_uws::UwsConfig::default()).await?;
//! // mount it: vo_actix::mount("/tap", std::sync::Arc::new(tap), Default::default())
//! # Ok(()) }
//! ```

pub mod capabilities;
pub mod examples;
pub mod metadata;
pub mod query;
pub mod service;
pub mod upload;

pub use query::{PreparedQuery, TapMetadata, TapSettings, prepare};
pub use service::TapService;
pub use upload::UploadLimits;
