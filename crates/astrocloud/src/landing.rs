//! `GET /`: a small page listing the services and tables, for humans and for discovery.

use actix_web::{HttpRequest, HttpResponse, web};
use quick_xml::escape::escape;

use crate::server::AppState;

/// `(name, URL)` of every service the server runs.
pub fn service_urls(state: &AppState, base: &str) -> Vec<(String, String)> {
    let mut urls = vec![
        ("landing page".to_string(), format!("{base}/")),
        ("health".to_string(), format!("{base}/health")),
        ("TAP".to_string(), format!("{base}/tap")),
    ];
    for table in state.engine.store().tables() {
        if table.position.is_some() {
            urls.push((
                format!("cone search {}", table.qualified_name()),
                format!("{base}/scs/{}?", table.qualified_name()),
            ));
        }
    }
    urls
}

pub async fn landing_page(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let info = request.connection_info();
    let base = if state.config.base_url.is_empty() {
        format!("{}://{}", info.scheme(), info.host())
    } else {
        state.config.base_url.trim_end_matches('/').to_string()
    };
    let title = escape(&state.config.service.title).into_owned();
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n<h1>{title}</h1>\n\
         <p>An IVOA data centre running AstroCloud {}. Up since {}.</p>\n<h2>Services</h2>\n<ul>\n",
        env!("CARGO_PKG_VERSION"),
        state.started.format("%Y-%m-%dT%H:%M:%SZ")
    );
    for (name, url) in service_urls(&state, &base) {
        html.push_str(&format!("<li>{}: <a href=\"{url}\">{url}</a></li>\n", escape(&name)));
    }
    html.push_str(
        "</ul>\n<h2>Tables</h2>\n<table border=\"1\"><tr><th>table</th><th>rows</th><th>description</th></tr>\n",
    );
    for table in state.engine.store().tables() {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(table.qualified_name()),
            table.nrows,
            escape(table.description.as_deref().unwrap_or(""))
        ));
    }
    html.push_str("</table>\n</body></html>\n");
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html)
}
