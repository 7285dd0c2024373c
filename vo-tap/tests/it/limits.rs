//! Queries that must stop: past the sync time limit, and when the client goes away (dropped
//! body, and a real HTTP client closing its connection).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use vo_dali::{Body, DaliRequest, DaliService, Method};

use crate::support::{BASE, Tap, eventually, to_params};

/// 30,000² = 900 million rows: far more than any test could wait for.
const ENDLESS: &str = "SELECT a.source_id, b.source_id AS other FROM demo.stars AS a, demo.stars AS b";

/// No row limit gets in the way of the endless query.
fn unlimited(sync_timeout: Duration) -> vo_tap::TapSettings {
    vo_tap::TapSettings { maxrec_default: 1 << 40, maxrec_hard: 1 << 40, sync_timeout, ..crate::support::settings() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_query_past_the_time_limit_is_cancelled_and_says_so() {
    let tap = Tap::with_settings(unlimited(Duration::from_millis(50))).await;
    let reply = tap.sync(ENDLESS, &[("RESPONSEFORMAT", "votable/td")]).await;
    // The headers (status 200) went out with the first rows, so the end of the document says
    // what happened [DALI §4.4.2].
    assert_eq!(reply.status, 200, "{}", reply.text());
    let table = reply.votable();
    assert_eq!(table.status(), "OK");
    let trailing = table.trailing_status().expect("a trailing QUERY_STATUS");
    assert_eq!(trailing.value, "ERROR");
    let message = trailing.content.clone().unwrap_or_default();
    assert!(message.contains("ran longer than the limit") && message.contains("async"), "{message}");
    assert!((table.num_rows() as u64) < 900_000_000);
    eventually("the timed-out query to stop", || tap.service.running_sync_queries() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_body_stops_the_query() {
    let tap = Tap::with_settings(unlimited(Duration::from_secs(600))).await;
    let params = to_params(&[("LANG", "ADQL"), ("QUERY", ENDLESS)]);
    let response = tap.service.handle("sync", DaliRequest::new(Method::Get, params, BASE)).await;
    assert_eq!(response.status, 200);
    let Body::Stream(mut body) = response.body else { panic!("a streamed body") };
    let first = body.next().await.expect("a first chunk").expect("no error");
    assert!(!first.is_empty());
    // The producer waits on the full channel: the query is alive but does no more work.
    assert_eq!(tap.service.running_sync_queries(), 1);
    drop(body);
    eventually("the query to stop after its client left", || tap.service.running_sync_queries() == 0).await;
}

/// The TAP service on a real HTTP server (127.0.0.1, ephemeral port).
struct Server {
    origin: String,
    handle: actix_web::dev::ServerHandle,
}

impl Server {
    fn start(service: Arc<vo_tap::TapService>) -> Server {
        let service: Arc<dyn DaliService> = service;
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new().service(vo_actix::mount("/tap", service.clone(), vo_actix::MountOptions::default()))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Server { origin: format!("http://{address}"), handle }
    }
}

/// An `application/x-www-form-urlencoded` body.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

#[actix_web::test]
async fn a_client_closing_its_connection_stops_the_query() {
    let tap = Tap::with_settings(unlimited(Duration::from_secs(600))).await;
    let server = Server::start(tap.service.clone());
    let client = reqwest::Client::new();
    let url = format!("{}/tap/sync", server.origin);

    let mut response = client
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("LANG", "ADQL"), ("QUERY", ENDLESS)]))
        .header("Origin", "https://aladin.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    // Browser clients may read the answer (CORS on the public endpoints).
    let allowed = response.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_string());
    assert!(matches!(allowed.as_deref(), Some("*" | "https://aladin.example.org")), "{allowed:?}");
    let chunk = response.chunk().await.unwrap().expect("a first chunk");
    assert!(!chunk.is_empty());
    assert_eq!(tap.service.running_sync_queries(), 1);
    // Dropping an unfinished response closes the connection (it cannot be reused).
    drop(response);
    eventually("the query to stop after the client hung up", || tap.service.running_sync_queries() == 0).await;

    // The server still answers.
    let response = client
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("LANG", "ADQL"), ("QUERY", "SELECT TOP 1 source_id FROM demo.stars")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("QUERY_STATUS"));
    server.handle.stop(false).await;
}
