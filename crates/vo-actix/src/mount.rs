//! Mounting a [`DaliService`] under a URL prefix: every method and every sub-path under the
//! prefix goes to `service.handle(resource, request)`.

use std::sync::Arc;

use actix_web::http::Method as HttpMethod;
use actix_web::{HttpRequest, HttpResponse, Scope, web};
use vo_dali::{DaliResponse, DaliService};

use crate::request::to_dali_request;
use crate::response::to_http_response;
use crate::{MountOptions, cors};

/// A scope answering every request under `path` (e.g. `"/tap"`) with `service`. Add it to an
/// `App` (or to another scope: the base URL the service sees includes every enclosing prefix).
///
/// The resource passed to the service is the percent-decoded path below the prefix, without
/// leading or trailing slash: `/tap/async/abc/phase` gives `"async/abc/phase"`, `/tap` gives `""`.
pub fn mount(path: &str, service: Arc<dyn DaliService>, options: MountOptions) -> Scope {
    let state = Arc::new(Mounted { service, options });
    web::scope(path).default_service(web::to(move |request: HttpRequest, payload: web::Payload| {
        let state = state.clone();
        async move { state.dispatch(request, payload).await }
    }))
}

struct Mounted {
    service: Arc<dyn DaliService>,
    options: MountOptions,
}

impl Mounted {
    async fn dispatch(&self, request: HttpRequest, payload: web::Payload) -> HttpResponse {
        let mut response = if request.method() == HttpMethod::OPTIONS {
            cors::preflight(&request)
        } else {
            let answer = match to_dali_request(&request, payload, &self.options).await {
                Ok((resource, dali_request)) => self.service.handle(&resource, dali_request).await,
                Err(err) => DaliResponse::error(&err),
            };
            to_http_response(answer)
        };
        if self.options.cors {
            cors::allow_any_origin(&mut response);
        } else {
            strip_cors(&mut response);
        }
        response
    }
}

fn strip_cors(response: &mut HttpResponse) {
    let headers = response.headers_mut();
    for name in [
        actix_web::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        actix_web::http::header::ACCESS_CONTROL_ALLOW_METHODS,
        actix_web::http::header::ACCESS_CONTROL_ALLOW_HEADERS,
        actix_web::http::header::ACCESS_CONTROL_MAX_AGE,
        actix_web::http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
    ] {
        headers.remove(name);
    }
}
