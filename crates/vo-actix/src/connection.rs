//! Socket settings for the connections of the `HttpServer` an application builds.

use std::any::Any;

use actix_web::dev::Extensions;

/// Turns off Nagle's algorithm on each accepted TCP connection: pass it to
/// [`HttpServer::on_connect`](actix_web::HttpServer::on_connect).
///
/// Without it a keep-alive client (pyvo's `requests` session, TOPCAT, wrk) waits about 40 ms
/// for every streamed answer: the small last write of a chunked body is held until the client
/// acknowledges the previous one, and the client delays that acknowledgement. Measured on the
/// reference server: one keep-alive client made 33 cone searches a second without it.
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// # actix_web::rt::System::new().block_on(async {
/// actix_web::HttpServer::new(|| actix_web::App::new())
///     .on_connect(vo_actix::no_delay)
///     .bind("127.0.0.1:8080")?
///     .run()
///     .await
/// # })
/// # }
/// ```
pub fn no_delay(connection: &dyn Any, _extensions: &mut Extensions) {
    if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        // Best effort: a socket that refuses the option still works, only slower.
        let _ = tcp.set_nodelay(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn accepted_connections_get_no_delay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = tokio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(!accepted.nodelay().unwrap(), "sockets start with Nagle's algorithm on");
        no_delay(&accepted, &mut Extensions::new());
        assert!(accepted.nodelay().unwrap());
        drop(client);
    }
}
