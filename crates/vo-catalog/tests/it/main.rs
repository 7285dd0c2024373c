//! Integration tests of the catalogue store, in one test binary (each links DataFusion).

mod sources;
mod store;

use vo_catalog::{CatalogStore, connect_metadata_db};

/// A store with its SQLite metadata database under `dir`.
pub async fn open_store(dir: &std::path::Path) -> CatalogStore {
    let pool = connect_metadata_db(&format!("sqlite://{}?mode=rwc", dir.join("m.db").display())).await.unwrap();
    CatalogStore::open(dir.join("catalog"), pool).await.unwrap()
}

/// A file of `tests/fixtures`.
pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}
