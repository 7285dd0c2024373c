//! actix-web adapter for DALI services: mount a protocol crate's [`DaliService`](vo_dali::DaliService) (TAP, cone
//! search, a UWS job list...) under a URL prefix of any actix-web application.
//!
//! [`mount`] routes every method and sub-path under the prefix to the service. Requests are
//! converted to [`vo_dali::DaliRequest`]s (query string plus urlencoded or multipart body, with
//! a body-size limit enforced before buffering; the base URL from the connection info and the
//! mount prefix; the owner from an optional resolver), answers are converted back (streaming
//! bodies stream), and CORS headers let browser clients call the endpoints.
//!
//! `examples/embed.rs` embeds a service with a UWS job list in an existing application
//! (`cargo run -p vo-actix --example embed`).
//!
//! ```
//! use std::sync::Arc;
//! use actix_web::{App, test};
//! use vo_dali::{DaliRequest, DaliResponse, DaliService};
//!
//! struct Echo;
//!
//! #[async_trait::async_trait]
//! impl DaliService for Echo {
//!     async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse {
//!         let name = request.params.get("NAME").ok().flatten().unwrap_or("nobody").to_string();
//!         DaliResponse::text(format!("{resource} for {name} at {}", request.base_url))
//!     }
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = App::new().service(vo_actix::mount("/echo", Arc::new(Echo), vo_actix::MountOptions::default()));
//! let app = test::init_service(app).await;
//! let request = test::TestRequest::get().uri("/echo/sync?name=Vega").to_request();
//! let body = test::call_and_read_body(&app, request).await;
//! assert_eq!(body, "sync for Vega at http://localhost:8080/echo");
//! # });
//! ```

pub mod connection;
pub mod cors;
mod mount;
pub mod request;
pub mod response;

use std::sync::Arc;

use actix_web::HttpRequest;

pub use crate::connection::no_delay;
pub use crate::mount::mount;
pub use crate::request::to_dali_request;
pub use crate::response::to_http_response;

/// Finds the authenticated identity of a request (from a header set by an authenticating proxy,
/// a session cookie...). `None` means anonymous.
pub type OwnerResolver = Arc<dyn Fn(&HttpRequest) -> Option<String> + Send + Sync>;

/// How a mounted service is exposed.
#[derive(Clone)]
pub struct MountOptions {
    /// The largest request body accepted, in bytes; larger bodies get 413 with a DALI error
    /// document, before they are read when the client declares their length.
    pub max_body_bytes: u64,
    /// Send CORS headers and answer preflight requests (for public endpoints).
    pub cors: bool,
    /// Who is calling; without a resolver every request is anonymous.
    pub owner: Option<OwnerResolver>,
}

impl Default for MountOptions {
    fn default() -> Self {
        MountOptions { max_body_bytes: 64 * 1024 * 1024, cors: true, owner: None }
    }
}

impl std::fmt::Debug for MountOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MountOptions")
            .field("max_body_bytes", &self.max_body_bytes)
            .field("cors", &self.cors)
            .field("owner", &self.owner.as_ref().map(|_| "resolver"))
            .finish()
    }
}
