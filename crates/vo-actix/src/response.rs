//! From a [`DaliResponse`] to an actix-web `HttpResponse`: status, content type and headers
//! kept, streaming bodies streamed (with their length when the service announced it).

use actix_web::HttpResponse;
use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use vo_dali::{Body, DaliResponse};

/// Converts a service's answer. A status outside 100–999 becomes 500; headers that are not
/// valid HTTP are dropped (and logged) rather than failing the response.
pub fn to_http_response(response: DaliResponse) -> HttpResponse {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    builder.insert_header((CONTENT_TYPE, response.content_type.as_str()));
    let mut announced_length = None;
    for (name, value) in &response.headers {
        let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str())) else {
            tracing::warn!(header = name.as_str(), "dropping a response header that is not valid HTTP");
            continue;
        };
        // actix computes Content-Length itself; for streams we pass it on through SizedStream.
        if name == CONTENT_LENGTH {
            announced_length = value.to_str().ok().and_then(|v| v.parse::<u64>().ok());
            continue;
        }
        if name == CONTENT_TYPE {
            builder.insert_header((name, value)); // replaces `content_type` rather than doubling it
        } else {
            builder.append_header((name, value));
        }
    }
    match response.body {
        Body::Empty => builder.finish(),
        Body::Bytes(bytes) => builder.body(bytes),
        Body::Stream(stream) => match announced_length {
            Some(length) => builder.body(SizedStream::new(length, stream)),
            None => builder.streaming(stream),
        },
    }
}
