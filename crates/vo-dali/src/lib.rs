//! DALI 1.1 and VOSI 1.1: the rules every IVOA data-access service shares.
//!
//! A protocol crate (TAP, cone search, SSA, SIA, VOSpace) does not know the web framework it runs
//! under. It receives a [`DaliRequest`] (method, case-insensitive [`Params`], uploaded files, the
//! service's base URL) and answers with a [`DaliResponse`] (status, content type, headers and a
//! [`Body`] that may stream). Errors are [`DaliError`]s, which render as DALI error documents.
//!
//! ```
//! use vo_dali::{DaliRequest, Method, Params};
//!
//! let params = Params::from_query("lang=ADQL&QUERY=SELECT+1&maxrec=10");
//! assert_eq!(params.get("LANG").unwrap(), Some("ADQL"));
//! assert_eq!(params.get_maxrec(None, 1000).unwrap(), Some(10));
//! let request = DaliRequest::new(Method::Get, params, "http://127.0.0.1:8080/tap");
//! assert_eq!(request.base_url, "http://127.0.0.1:8080/tap");
//! ```

pub mod error;
pub mod params;
pub mod response;

pub use error::{DaliError, ErrorKind};
pub use params::{Params, UploadedFile};
pub use response::{Body, DaliResponse, ResponseFormat};

/// The HTTP methods a DALI resource distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
    Head,
    Other,
}

/// One request to a DALI resource, independent of the web framework that received it.
#[derive(Debug, Clone)]
pub struct DaliRequest {
    pub method: Method,
    pub params: Params,
    /// Files sent as `multipart/form-data` parts, addressable as `param:<part name>`.
    pub files: Vec<UploadedFile>,
    /// The absolute URL of the service root (e.g. `http://host/tap`), without a trailing slash.
    pub base_url: String,
    /// The authenticated identity, if any.
    pub owner: Option<String>,
}

impl DaliRequest {
    pub fn new(method: Method, params: Params, base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        DaliRequest { method, params, files: Vec::new(), base_url, owner: None }
    }

    /// The uploaded part named `name`, as referenced by `param:name`.
    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.part_name == name)
    }
}

/// A DALI service: given the resource path under the service root (`"sync"`, `"capabilities"`,
/// `"tables/demo.stars"`, `"async/abc/phase"`; empty for the root) and the request, it answers.
/// Web adapters (see `vo-actix`) mount any implementation under a URL prefix.
#[async_trait::async_trait]
pub trait DaliService: Send + Sync + 'static {
    async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse;
}
