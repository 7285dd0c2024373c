//! From an actix-web request to a [`DaliRequest`]: query string and POST body parameters
//! (`application/x-www-form-urlencoded` or `multipart/form-data`, whose file parts become
//! [`UploadedFile`]s), within a body-size limit that is enforced before anything is buffered.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Payload;
use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use percent_encoding::percent_decode_str;
use vo_dali::{DaliError, DaliRequest, ErrorKind, Method, Params, UploadedFile};

use crate::MountOptions;

/// Builds the framework-free request for a handler inside a scope: returns the resource (the
/// percent-decoded path below the matched scope, without leading or trailing slash) and the
/// request, whose `base_url` is the absolute URL of the scope.
pub async fn to_dali_request(
    request: &HttpRequest,
    payload: Payload,
    options: &MountOptions,
) -> Result<(String, DaliRequest), DaliError> {
    let (prefix, resource) = split_path(request);
    let base_url = base_url(request, &prefix);
    let mut params = Params::from_query(request.query_string());
    let mut files = Vec::new();
    if let Some(length) = declared_length(request)?
        && length > options.max_body_bytes
    {
        // Refused before reading a byte: a 2 GB upload is never buffered.
        return Err(too_large(options.max_body_bytes));
    }
    match body_kind(request) {
        BodyKind::Form => {
            let body = read_limited(payload, options.max_body_bytes).await?;
            params.extend(Params::from_urlencoded(&body));
        }
        BodyKind::Multipart => {
            let (form_params, form_files) = read_multipart(request, payload, options.max_body_bytes).await?;
            params.extend(form_params);
            files = form_files;
        }
        BodyKind::Other => {}
    }
    let mut dali = DaliRequest::new(method_of(request), params, base_url);
    dali.files = files;
    dali.owner = options.owner.as_ref().and_then(|resolve| resolve(request));
    Ok((resource, dali))
}

/// The matched prefix (every enclosing scope included) and the decoded resource below it.
fn split_path(request: &HttpRequest) -> (String, String) {
    let matched = request.match_info();
    let full = matched.as_str();
    let rest = matched.unprocessed();
    let prefix = full[..full.len() - rest.len()].trim_end_matches('/').to_string();
    let resource = percent_decode_str(rest.trim_matches('/')).decode_utf8_lossy().into_owned();
    (prefix, resource)
}

/// `scheme://host/prefix` as the client sees it (actix honours `Forwarded` and
/// `X-Forwarded-Proto`/`-Host` from a reverse proxy).
fn base_url(request: &HttpRequest, prefix: &str) -> String {
    let info = request.connection_info();
    format!("{}://{}{}", info.scheme(), info.host(), prefix)
}

fn method_of(request: &HttpRequest) -> Method {
    match *request.method() {
        actix_web::http::Method::GET => Method::Get,
        actix_web::http::Method::POST => Method::Post,
        actix_web::http::Method::PUT => Method::Put,
        actix_web::http::Method::DELETE => Method::Delete,
        actix_web::http::Method::HEAD => Method::Head,
        _ => Method::Other,
    }
}

enum BodyKind {
    Form,
    Multipart,
    /// No body we read parameters from (GET, DELETE, or a content type DALI does not define).
    Other,
}

fn body_kind(request: &HttpRequest) -> BodyKind {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    match content_type.as_str() {
        "application/x-www-form-urlencoded" => BodyKind::Form,
        "multipart/form-data" => BodyKind::Multipart,
        _ => BodyKind::Other,
    }
}

fn declared_length(request: &HttpRequest) -> Result<Option<u64>, DaliError> {
    match request.headers().get(header::CONTENT_LENGTH) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| DaliError::usage("the Content-Length header is not a number")),
    }
}

fn too_large(limit: u64) -> DaliError {
    DaliError::new(ErrorKind::TooLarge, format!("the request body exceeds this service's limit of {limit} bytes"))
}

async fn read_limited(mut payload: Payload, limit: u64) -> Result<Bytes, DaliError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| DaliError::usage(format!("could not read the request body: {e}")))?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Counts the bytes of a body as they stream by and cuts it off past `limit` (for bodies sent
/// without Content-Length, i.e. chunked).
fn limited_stream(
    payload: Payload,
    limit: u64,
    exceeded: Arc<AtomicBool>,
) -> impl Stream<Item = Result<Bytes, PayloadError>> + 'static {
    let mut seen: u64 = 0;
    payload.map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len() as u64;
        if seen > limit {
            exceeded.store(true, Ordering::Relaxed);
            return Err(PayloadError::Overflow);
        }
        Ok(chunk)
    })
}

/// Reads a `multipart/form-data` body: parts with a file name (or a non-text content type) are
/// files, the others are parameters whose value must be UTF-8.
async fn read_multipart(
    request: &HttpRequest,
    payload: Payload,
    limit: u64,
) -> Result<(Params, Vec<UploadedFile>), DaliError> {
    let exceeded = Arc::new(AtomicBool::new(false));
    let mut multipart =
        actix_multipart::Multipart::new(request.headers(), limited_stream(payload, limit, exceeded.clone()));
    let malformed = |e: &dyn std::fmt::Display, exceeded: &AtomicBool| {
        if exceeded.load(Ordering::Relaxed) {
            too_large(limit)
        } else {
            DaliError::usage(format!("malformed multipart/form-data body: {e}"))
        }
    };
    let mut params = Params::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| malformed(&e, &exceeded))?;
        let name = field
            .name()
            .map(str::to_string)
            .ok_or_else(|| DaliError::usage("a multipart/form-data part has no name"))?;
        let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let mut data = BytesMut::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(|e| malformed(&e, &exceeded))?);
        }
        let is_file = file_name.is_some() || content_type.as_deref().is_some_and(|m| !m.starts_with("text/"));
        if is_file {
            files.push(UploadedFile { part_name: name, file_name, content_type, data: data.freeze() });
        } else {
            let value = String::from_utf8(data.to_vec())
                .map_err(|_| DaliError::usage(format!("multipart/form-data part '{name}' is not UTF-8 text")))?;
            params.push(name, value);
        }
    }
    Ok((params, files))
}
