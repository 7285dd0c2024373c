//! CORS for public DALI endpoints, so browser clients (Aladin Lite, web portals) can call them:
//! every answer allows any origin, and `OPTIONS` preflight requests are answered directly.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

const ALLOWED_METHODS: &str = "GET, POST, DELETE, HEAD, OPTIONS";
/// Headers a script may read: the job URL after a 303, and download metadata.
const EXPOSED_HEADERS: &str = "Location, Content-Disposition, Content-Length, Content-Type";

/// Adds the headers that let any origin read `response`.
pub fn allow_any_origin(response: &mut HttpResponse) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
}

/// The answer to an `OPTIONS` request: what may be called, and (for a CORS preflight) that
/// any origin may call it with the headers it asked for.
pub fn preflight(request: &HttpRequest) -> HttpResponse {
    let requested_headers = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("Content-Type"));
    let mut response = HttpResponse::NoContent()
        .insert_header((header::ALLOW, ALLOWED_METHODS))
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, requested_headers))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"))
        .finish();
    allow_any_origin(&mut response);
    response
}
