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
//!
//! The DALI value types [DALI §3.3] — numbers with `NaN`/`±Inf`, [`Interval`], [`Timestamp`],
//! [`Point`], [`Circle`], [`Range`], [`Polygon`], the POS-style [`Shape`] and [`Moc`] — parse from
//! parameters with errors that say which parameter is wrong, and how, and write back their
//! canonical form. An SIA 2.0 query, for instance:
//!
//! ```
//! use vo_dali::{Interval, Params, Shape};
//!
//! let params = Params::from_query(
//!     "POS=CIRCLE+12+34+0.5&POS=POLYGON+12+34+14+35+14+36&BAND=500e-9+%2BInf&EXPTIME=600+1800&TIME=55123.5",
//! );
//! // Repeated SIA 2.0 parameters are OR-ed: every value is returned.
//! let positions: Vec<Shape> = params.get_all_shapes("POS")?;
//! assert_eq!(positions[1].to_string(), "POLYGON 12 34 14 35 14 36");
//! let bands = params.get_all_intervals_or_scalars("BAND")?;
//! assert!(bands[0].intersects(&Interval::new(6e-7, 7e-7)?));
//! assert_eq!(params.get_interval("EXPTIME")?.unwrap().to_string(), "600 1800");
//! assert!(params.get_interval_or_scalar("TIME")?.unwrap().is_scalar());
//!
//! let err = Params::from_query("BAND=550e-9+500e-9").get_interval("BAND").unwrap_err();
//! assert_eq!(err.http_status(), 400);
//! assert_eq!(
//!     err.message,
//!     "parameter BAND: invalid interval '550e-9 500e-9': the interval lower bound 550e-9 is greater than its upper bound 500e-9"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod error;
pub mod moc;
pub mod params;
pub mod response;
pub mod shapes;
pub mod timestamp;
pub mod values;

pub use error::{DaliError, ErrorKind};
pub use moc::Moc;
pub use params::{Params, UploadedFile};
pub use response::{Body, DaliResponse, ResponseFormat};
pub use shapes::{Circle, Point, Polygon, Range, Shape};
pub use timestamp::{Precision, Timestamp};
pub use values::{DaliValue, Interval, ValueError, format_double, parse_double, parse_integer};

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
