//! Opening the metadata database with settings that suit the job system.

use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use crate::error::UwsError;

/// Opens a pool on `url` (`sqlite://path/to/file.db?mode=rwc`, `postgres://...`) set up for
/// the job system: the `Any` drivers installed, and on SQLite write-ahead logging with
/// `synchronous=NORMAL` (safe with WAL, and far faster for many small transactions).
///
/// An in-memory SQLite database (`sqlite::memory:`) exists only as long as its connection, and
/// each connection would get its own: such a pool gets exactly one connection that is never
/// closed.
pub async fn connect_pool(url: &str, max_connections: u32) -> Result<AnyPool, UwsError> {
    sqlx::any::install_default_drivers();
    let in_memory = is_in_memory_sqlite(url);
    let mut options = AnyPoolOptions::new().max_connections(if in_memory { 1 } else { max_connections.max(1) });
    if in_memory {
        options = options.min_connections(1).idle_timeout(None).max_lifetime(None);
    }
    let pool = options
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                if conn.backend_name().eq_ignore_ascii_case("sqlite") {
                    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

fn is_in_memory_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:") && (url.contains(":memory:") || url.contains("mode=memory"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_in_memory_urls() {
        assert!(is_in_memory_sqlite("sqlite::memory:"));
        assert!(is_in_memory_sqlite("sqlite://jobs?mode=memory"));
        assert!(!is_in_memory_sqlite("sqlite://jobs.db?mode=rwc"));
        assert!(!is_in_memory_sqlite("postgres://host/db"));
    }
}
