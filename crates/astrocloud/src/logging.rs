//! Logging: one line per request (method, path, status, bytes, milliseconds) and the server's own
//! events, filtered by `ASTROCLOUD_LOG` (e.g. `ASTROCLOUD_LOG=debug`; default `info`).

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("ASTROCLOUD_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
