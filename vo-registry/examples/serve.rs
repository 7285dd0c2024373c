//! Serves a sample registry at `http://127.0.0.1:PORT/oai` for trying harvesters and the
//! conformance script against it. A deliberately tiny HTTP/1.1 server (GET only, one request per
//! connection): the real server wires `Registry::handle` into its web framework.
//!
//! ```text
//! cargo run -p vo-registry --example serve -- 8089 250 [DATABASE_URL]
//! ASTROCLOUD_URL=http://127.0.0.1:8089 conformance/registry/run
//! ```
//!
//! The registry tables go into DATABASE_URL (default: an in-memory SQLite database), e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres` to try the PostgreSQL path.

mod sample;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use vo_dali::{Body, Params};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map(|p| p.parse()).transpose()?.unwrap_or(8089);
    let services: usize = std::env::args().nth(2).map(|n| n.parse()).transpose()?.unwrap_or(250);
    let base_url = format!("http://127.0.0.1:{port}");
    let database_url = std::env::args().nth(3).unwrap_or_else(|| "sqlite::memory:".into());
    let (registry, _source) = sample::registry_in(&base_url, services, 100, &database_url).await;
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("registry with {} records at {base_url}/oai", services + 2);
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut request_line = String::new();
        let mut reader = BufReader::new(stream.try_clone()?);
        reader.read_line(&mut request_line)?;
        // Skip the headers; GET requests have no body.
        let mut header = String::new();
        while reader.read_line(&mut header)? > 2 {
            header.clear();
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let (status, content_type, body) = if path == "/oai" {
            let response = registry.handle(&Params::from_query(query)).await;
            let body = match response.body {
                Body::Bytes(bytes) => bytes.to_vec(),
                _ => Vec::new(),
            };
            (response.status, response.content_type, body)
        } else {
            (404, "text/plain".to_string(), b"not found".to_vec())
        };
        let head = format!(
            "HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(&body)?;
    }
    Ok(())
}
