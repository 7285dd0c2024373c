//! The catalogue store: where tables live on disk and how their metadata is kept.
//!
//! Layout under the store root (`<data dir>/catalog`):
//! - `tables/<schema>/<table>/<version>/data.parquet` (+ `coverage.fits` for positional tables):
//!   each ingest writes a new version directory, so a failed ingest never touches the live one;
//! - `staging/<id>/`: ingests in progress (removed on open if a previous run crashed).
//!
//! Metadata is one row per table in the `catalog_tables` table of the metadata database (SQLite by
//! default, PostgreSQL through the same code), holding the [`TableMeta`] as JSON. A table becomes
//! visible only when that row is committed, after its files were moved into place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use sqlx::{AnyPool, Row};

use crate::error::{CatalogError, Result};
use crate::meta::{TableMeta, parse_qualified_name};

/// The name of a table's data file inside its version directory.
pub const DATA_FILE: &str = "data.parquet";
/// The name of a positional table's coverage MOC (IVOA MOC 2.0 FITS) inside its version directory.
pub const COVERAGE_FILE: &str = "coverage.fits";

/// The catalogue store.
pub struct CatalogStore {
    root: PathBuf,
    pool: AnyPool,
    tables: RwLock<BTreeMap<String, Arc<TableMeta>>>,
}

impl CatalogStore {
    /// Opens (creating if needed) the store rooted at `root`, with its metadata in `pool`.
    pub async fn open(root: impl Into<PathBuf>, pool: AnyPool) -> Result<Self> {
        let root = root.into();
        for dir in [root.join("tables"), root.join("staging")] {
            std::fs::create_dir_all(&dir).map_err(|e| CatalogError::io(&dir, e))?;
        }
        // Leftovers of ingests that crashed: never part of a committed table.
        if let Ok(entries) = std::fs::read_dir(root.join("staging")) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS catalog_tables (
                qualified_name VARCHAR(200) PRIMARY KEY,
                meta_json TEXT NOT NULL,
                updated VARCHAR(40) NOT NULL
            )",
        )
        .execute(&pool)
        .await?;
        let store = CatalogStore { root, pool, tables: RwLock::new(BTreeMap::new()) };
        store.reload().await?;
        Ok(store)
    }

    /// Re-reads the table list from the metadata database (e.g. after another process ingested).
    /// Returns whether anything changed.
    pub async fn reload(&self) -> Result<bool> {
        let rows = sqlx::query("SELECT qualified_name, meta_json FROM catalog_tables").fetch_all(&self.pool).await?;
        let mut tables = BTreeMap::new();
        for row in rows {
            let name: String = row.try_get(0)?;
            let json: String = row.try_get(1)?;
            let meta: TableMeta = serde_json::from_str(&json)
                .map_err(|e| CatalogError::Metadata(format!("stored metadata of {name} is unreadable: {e}")))?;
            tables.insert(name.to_ascii_lowercase(), Arc::new(meta));
        }
        let mut current = self.tables.write().expect("catalog lock poisoned");
        let changed = *current != tables;
        *current = tables;
        Ok(changed)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Every table, ordered by qualified name.
    pub fn tables(&self) -> Vec<Arc<TableMeta>> {
        self.tables.read().expect("catalog lock poisoned").values().cloned().collect()
    }

    /// The table `schema.name` (case-insensitive).
    pub fn table(&self, qualified_name: &str) -> Option<Arc<TableMeta>> {
        self.tables.read().expect("catalog lock poisoned").get(&qualified_name.to_ascii_lowercase()).cloned()
    }

    /// Like [`table`](Self::table), with an error naming the table when it does not exist.
    pub fn require_table(&self, qualified_name: &str) -> Result<Arc<TableMeta>> {
        self.table(qualified_name).ok_or_else(|| CatalogError::UnknownTable(qualified_name.to_string()))
    }

    /// The data file of a table.
    pub fn data_file(&self, meta: &TableMeta) -> PathBuf {
        self.root.join(&meta.data_dir).join(DATA_FILE)
    }

    /// The coverage MOC file of a positional table, if it has one.
    pub fn coverage_file(&self, meta: &TableMeta) -> Option<PathBuf> {
        let path = self.root.join(&meta.data_dir).join(COVERAGE_FILE);
        path.exists().then_some(path)
    }

    /// A fresh staging directory for an ingest.
    pub(crate) fn new_staging_dir(&self) -> Result<PathBuf> {
        let dir = self.root.join("staging").join(unique_id());
        std::fs::create_dir_all(&dir).map_err(|e| CatalogError::io(&dir, e))?;
        Ok(dir)
    }

    /// Makes a staged table live: moves `staged` into the table's directory as a new version,
    /// records the metadata, then removes the version it replaces. If anything fails before the
    /// metadata is committed, the previous version stays as it was.
    pub(crate) async fn commit(&self, mut meta: TableMeta, staged: &Path) -> Result<Arc<TableMeta>> {
        let qualified = meta.qualified_name();
        let previous = self.table(&qualified);
        let version_rel = format!("tables/{}/{}/{}", meta.schema, meta.name, unique_id());
        let version_dir = self.root.join(&version_rel);
        let parent = version_dir.parent().expect("version dir has a parent");
        std::fs::create_dir_all(parent).map_err(|e| CatalogError::io(parent, e))?;
        std::fs::rename(staged, &version_dir).map_err(|e| CatalogError::io(&version_dir, e))?;
        meta.data_dir = version_rel;
        if let Some(prev) = &previous {
            meta.created = prev.created.clone();
        }
        let json = serde_json::to_string(&meta).expect("metadata serialises");
        let key = qualified.to_ascii_lowercase();
        let result = async {
            let mut tx = self.pool.begin().await?;
            sqlx::query("DELETE FROM catalog_tables WHERE qualified_name = $1").bind(&key).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO catalog_tables (qualified_name, meta_json, updated) VALUES ($1, $2, $3)")
                .bind(&key)
                .bind(&json)
                .bind(&meta.updated)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            let _ = std::fs::remove_dir_all(&version_dir);
            return Err(e.into());
        }
        if let Some(prev) = previous {
            let _ = std::fs::remove_dir_all(self.root.join(&prev.data_dir));
        }
        let meta = Arc::new(meta);
        self.tables.write().expect("catalog lock poisoned").insert(key, meta.clone());
        Ok(meta)
    }

    /// Removes a table and its files.
    pub async fn drop_table(&self, qualified_name: &str) -> Result<()> {
        let meta = self.require_table(qualified_name)?;
        let key = meta.qualified_name().to_ascii_lowercase();
        sqlx::query("DELETE FROM catalog_tables WHERE qualified_name = $1").bind(&key).execute(&self.pool).await?;
        self.tables.write().expect("catalog lock poisoned").remove(&key);
        let table_dir = self.root.join("tables").join(&meta.schema).join(&meta.name);
        let _ = std::fs::remove_dir_all(table_dir);
        Ok(())
    }

    /// Checks a qualified name and tells whether the table exists already.
    pub fn exists(&self, qualified_name: &str) -> Result<bool> {
        parse_qualified_name(qualified_name)?;
        Ok(self.table(qualified_name).is_some())
    }
}

fn unique_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Opens a metadata database pool for `url` (`sqlite://path?mode=rwc` or `postgres://…`).
pub async fn connect_metadata_db(url: &str) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(8).connect(url).await?;
    if url.starts_with("sqlite:") {
        // WAL lets the server read while an `ingest` process writes.
        sqlx::query("PRAGMA journal_mode=WAL").execute(&pool).await?;
    }
    Ok(pool)
}
