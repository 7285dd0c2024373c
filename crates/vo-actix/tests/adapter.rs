//! The adapter itself: multipart uploads, body limits, CORS, base URLs, owners, nesting.

mod common;

use std::sync::Arc;

use actix_web::{App, test, web};
use common::{FORM, MOUNT, Storage, TestServer, client, create_job, get_text, quick_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vo_actix::{MountOptions, mount};
use vo_dali::{DaliRequest, DaliResponse, DaliService};

const BOUNDARY: &str = "----vo-actix-test-boundary";

fn multipart_body(parts: &[(&str, Option<&str>, &str)]) -> String {
    let mut body = String::new();
    for (name, file_name, content) in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match file_name {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/x-votable+xml\r\n\r\n"
            )),
            None => body.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
        }
        body.push_str(content);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

#[actix_web::test]
async fn multipart_uploads_become_job_files_and_malformed_bodies_are_400() {
    let storage = Storage::new().await;
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), MountOptions::default()).await;
    let http = client();

    let body = multipart_body(&[
        ("UPLOAD", None, "mine,param:tab"),
        ("RUNID", None, "multi"),
        ("tab", Some("table.vot"), "<VOTABLE>data</VOTABLE>"),
    ]);
    let created =
        http.post(server.list_url()).header("Content-Type", multipart_type()).body(body).send().await.unwrap();
    assert_eq!(created.status().as_u16(), 303);
    let job = created.headers()["location"].to_str().unwrap().to_string();
    let doc = get_text(&http, &job).await.1;
    assert!(doc.contains("<uws:runId>multi</uws:runId>"), "{doc}");
    assert!(doc.contains("<uws:parameter id=\"UPLOAD\">mine,param:tab</uws:parameter>"), "{doc}");
    assert!(doc.contains(&format!("<uws:parameter id=\"tab\" byReference=\"true\">{job}/parameters/tab<")), "{doc}");
    let upload = http.get(format!("{job}/parameters/tab")).send().await.unwrap();
    assert_eq!(upload.headers()["content-type"], "application/x-votable+xml");
    assert_eq!(upload.text().await.unwrap(), "<VOTABLE>data</VOTABLE>");

    let malformed = [
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"A\"\r\n\r\nno closing boundary"),
        "this is not multipart at all".to_string(),
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--{BOUNDARY}--\r\n"),
    ];
    for body in malformed {
        let response =
            http.post(server.list_url()).header("Content-Type", multipart_type()).body(body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 400);
        assert!(response.text().await.unwrap().contains("QUERY_STATUS"));
    }
    let no_boundary = http.post(server.list_url()).header("Content-Type", "multipart/form-data").body("x");
    assert_eq!(no_boundary.send().await.unwrap().status().as_u16(), 400);
    // Nothing was created by the bad requests, and the server still serves.
    let list = get_text(&http, &server.list_url()).await.1;
    assert_eq!(list.matches("<uws:jobref").count(), 1, "{list}");
    server.stop().await;
}

/// Sends raw bytes and returns what the server answered before closing or after `limit` bytes.
async fn raw_exchange(address: &str, head: &str, body_prefix: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may close the connection as soon as it has answered: ignore write errors.
    let _ = stream.write_all(body_prefix).await;
    let mut answer = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < answer.len() {
        match stream.read(&mut answer[filled..]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
        if String::from_utf8_lossy(&answer[..filled]).contains("</VOTABLE>") {
            break;
        }
    }
    String::from_utf8_lossy(&answer[..filled]).into_owned()
}

#[actix_web::test]
async fn oversized_bodies_are_refused_with_413() {
    let storage = Storage::new().await;
    let options = MountOptions { max_body_bytes: 1024 * 1024, ..MountOptions::default() };
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), options).await;
    let http = client();

    // A declared 2 GB body is refused from its headers, without waiting for (or buffering) it.
    let head = format!(
        "POST {MOUNT} HTTP/1.1\r\nHost: {}\r\nContent-Type: {FORM}\r\nContent-Length: 2147483648\r\n\r\n",
        server.address()
    );
    let answer = raw_exchange(&server.address(), &head, b"QUERY=SELECT").await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("limit of 1048576 bytes"), "{answer}");

    // The same for a multipart upload.
    let head = format!(
        "POST {MOUNT} HTTP/1.1\r\nHost: {}\r\nContent-Type: {}\r\nContent-Length: 2147483648\r\n\r\n",
        server.address(),
        multipart_type()
    );
    assert!(raw_exchange(&server.address(), &head, b"--").await.starts_with("HTTP/1.1 413"));

    // A chunked body (no declared length) is cut off once past the limit.
    let chunk = format!("{:x}\r\n{}\r\n", 600 * 1024, "a".repeat(600 * 1024));
    let head = format!(
        "POST {MOUNT} HTTP/1.1\r\nHost: {}\r\nContent-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.address()
    );
    let body = format!("{chunk}{chunk}{chunk}0\r\n\r\n");
    let answer = raw_exchange(&server.address(), &head, body.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // Within the limit all is well, and nothing was created by the refused requests.
    let job = create_job(&http, &server, &format!("PAD={}", "b".repeat(1000))).await;
    assert_eq!(get_text(&http, &format!("{job}/phase")).await.1, "PENDING");
    let list = get_text(&http, &server.list_url()).await.1;
    assert_eq!(list.matches("<uws:jobref").count(), 1);
    server.stop().await;
}

#[actix_web::test]
async fn cors_headers_and_preflight() {
    let storage = Storage::new().await;
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), MountOptions::default()).await;
    let http = client();
    let preflight = http
        .request(reqwest::Method::OPTIONS, server.list_url())
        .header("Origin", "https://aladin.example.org")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type, x-requested-with")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 204);
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    assert_eq!(headers["access-control-allow-headers"], "content-type, x-requested-with");

    let created = http.post(server.list_url()).header("Content-Type", FORM).body("").send().await.unwrap();
    assert_eq!(created.headers()["access-control-allow-origin"], "*");
    assert!(created.headers()["access-control-expose-headers"].to_str().unwrap().contains("Location"));
    let missing = http.get(server.url("nojob")).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(missing.headers()["access-control-allow-origin"], "*", "errors carry CORS headers too");
    server.stop().await;

    let private = MountOptions { cors: false, ..MountOptions::default() };
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), private).await;
    let response = http.get(server.list_url()).send().await.unwrap();
    assert!(!response.headers().contains_key("access-control-allow-origin"));
    server.stop().await;
}

#[actix_web::test]
async fn base_url_follows_proxy_headers() {
    let storage = Storage::new().await;
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), MountOptions::default()).await;
    let response = client()
        .post(server.list_url())
        .header("Content-Type", FORM)
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "vo.example.org")
        .body("")
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("https://vo.example.org/svc/async/"), "{location}");
    server.stop().await;
}

#[actix_web::test]
async fn owners_come_from_the_resolver() {
    let storage = Storage::new().await;
    let options = MountOptions {
        owner: Some(Arc::new(|request: &actix_web::HttpRequest| {
            request.headers().get("X-User").and_then(|v| v.to_str().ok()).map(str::to_string)
        })),
        ..MountOptions::default()
    };
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), options).await;
    let http = client();
    let created = http.post(server.list_url()).header("Content-Type", FORM).header("X-User", "alice").body("");
    let job = created.send().await.unwrap().headers()["location"].to_str().unwrap().to_string();
    let as_alice = http.get(format!("{job}/owner")).header("X-User", "alice").send().await.unwrap();
    assert_eq!(as_alice.text().await.unwrap(), "alice");
    let as_bob = http.get(&job).header("X-User", "bob").send().await.unwrap();
    assert_eq!(as_bob.status().as_u16(), 403);
    assert_eq!(get_text(&http, &job).await.0, 403, "anonymous is not alice");
    let bobs_list = http.get(server.list_url()).header("X-User", "bob").send().await.unwrap().text().await.unwrap();
    assert!(!bobs_list.contains("jobref"));
    server.stop().await;
}

/// Echoes the resource, base URL and method it was called with.
struct Echo;

#[async_trait::async_trait]
impl DaliService for Echo {
    async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse {
        let names: Vec<&str> = request.params.iter().map(|(name, _)| name).collect();
        DaliResponse::text(format!("{resource}|{}|{:?}|{}", request.base_url, request.method, names.join(",")))
            .with_header("X-Custom", "kept")
    }
}

#[actix_web::test]
async fn routing_under_nested_scopes() {
    let app = App::new().service(web::scope("/api").service(mount("/tap", Arc::new(Echo), MountOptions::default())));
    let app = test::init_service(app).await;
    let cases = [
        ("/api/tap", "|http://localhost:8080/api/tap|Get|"),
        ("/api/tap/", "|http://localhost:8080/api/tap|Get|"),
        ("/api/tap/async/abc/phase?x=1", "async/abc/phase|http://localhost:8080/api/tap|Get|x"),
        ("/api/tap/tables/my%20schema.t", "tables/my schema.t|http://localhost:8080/api/tap|Get|"),
    ];
    for (uri, expected) in cases {
        let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.headers().get("x-custom").unwrap(), "kept");
        let body = test::read_body(response).await;
        assert_eq!(body, expected.as_bytes(), "{uri}");
    }
    let request = test::TestRequest::delete().uri("/api/tap/async/j?a=1").to_request();
    assert_eq!(test::call_and_read_body(&app, request).await, "async/j|http://localhost:8080/api/tap|Delete|a");
    let request = test::TestRequest::post()
        .uri("/api/tap/sync?q=1")
        .insert_header(("Content-Type", FORM))
        .set_payload("LANG=ADQL&QUERY=SELECT")
        .to_request();
    assert_eq!(test::call_and_read_body(&app, request).await, "sync|http://localhost:8080/api/tap|Post|q,LANG,QUERY");
    let head = test::call_service(
        &app,
        test::TestRequest::default().method(actix_web::http::Method::HEAD).uri("/api/tap/x").to_request(),
    )
    .await;
    assert_eq!(head.status().as_u16(), 200);
    let outside = test::call_service(&app, test::TestRequest::get().uri("/other").to_request()).await;
    assert_eq!(outside.status().as_u16(), 404);
}
