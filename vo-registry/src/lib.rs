//! A publishing IVOA registry over OAI-PMH 2.0 (Registry Interfaces 1.1).
//!
//! The server hands the registry what it actually serves through a [`RecordSource`] — each
//! service's VOResource record, the `vg:Registry` record and the `vg:Authority` records. On every
//! request the registry compares those records with what it saw before (a content hash per
//! identifier in the metadata database, tables prefixed `registry_`): a new or changed record
//! gets a new `updated` datestamp, a record that disappeared becomes a deleted record. It answers
//! all six verbs with `ivo_vor` and `oai_dc` formats, the `ivo_managed` set, `from`/`until`
//! selection, resumption tokens and every OAI-PMH error code. No web framework: the server calls
//! [`Registry::handle`] with the request's parameters.
//!
//! ```
//! use std::sync::Arc;
//! use vo_registry::{MemorySource, Registry, RegistryConfig};
//! use vo_resource::resource::{Contact, Content, Curation, Resource, ResourceName, ResourceType};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let pool = sqlx::any::AnyPoolOptions::new()
//!     .max_connections(1) // one connection: an in-memory SQLite database is per connection
//!     .connect({ sqlx::any::install_default_drivers(); "sqlite::memory:" })
//!     .await
//!     .unwrap();
//! let service = Resource {
//!     resource_type: ResourceType::CatalogService,
//!     title: "Hipparcos".into(),
//!     identifier: "ivo://example.org/hip".into(),
//!     curation: Curation::new(ResourceName::new("Example"), Contact::new("Help", None)),
//!     content: Content::new(&["astrometry"], "The Hipparcos catalogue.", "https://example.org/hip"),
//!     ..Default::default()
//! };
//! let source = Arc::new(MemorySource::new(vec![service]));
//! let config = RegistryConfig::new("https://example.org/oai", "ivo://example.org/registry", "ops@example.org");
//! let registry = Registry::new(config, source, pool).await.unwrap();
//!
//! let params = vo_dali::Params::from_query("verb=ListIdentifiers&metadataPrefix=ivo_vor");
//! let xml = registry.respond(&params).await.unwrap();
//! assert!(xml.contains("<identifier>ivo://example.org/hip</identifier>"));
//! # });
//! ```

mod datestamp;
mod error;
mod registry;
mod request;
mod response;
mod source;
mod store;
mod token;

pub use datestamp::{Clock, SystemClock, format_datestamp};
pub use error::{OaiError, OaiErrorCode, RegistryError};
pub use registry::{Registry, RegistryConfig, connect};
pub use response::{MANAGED_SET, MetadataFormat};
pub use source::{MemorySource, RecordSource};
pub use store::SyncReport;
