//! The demo catalogue in a real store (Parquet sorted by HEALPix, small row groups so that
//! pruning is exercised across many of them), and a brute-force distance independent of the
//! implementation tested.

use std::sync::Arc;

use datafusion::prelude::SessionContext;
use tempfile::TempDir;
use vo_catalog::{CatalogStore, IngestOptions, Quiet, TableMeta, TableSpec, connect_metadata_db, demo};

pub const ROWS: u64 = 30_000;

pub struct Demo {
    /// Holds the store's files for the test's lifetime.
    pub _dir: TempDir,
    pub store: Arc<CatalogStore>,
    pub table: Arc<TableMeta>,
    pub ctx: SessionContext,
    pub stars: Vec<demo::Star>,
}

impl Demo {
    /// The star of a source_id.
    pub fn star(&self, source_id: i64) -> &demo::Star {
        &self.stars[(source_id - demo::SOURCE_ID_BASE) as usize]
    }
}

/// `demo.stars` with [`ROWS`] rows.
pub async fn demo_store() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let pool = connect_metadata_db(&format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display())).await.unwrap();
    let store = CatalogStore::open(dir.path().join("catalog"), pool).await.unwrap();
    let options = IngestOptions { row_group_size: 2048, page_rows: 256, ..Default::default() };
    let spec = TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), ..Default::default() };
    vo_catalog::ingest(&store, vec![demo::source(ROWS, 4096)], &spec, &options, &Quiet).await.unwrap();
    let table = store.table("demo.stars").unwrap();
    let ctx = store.session_context(vo_catalog::default_session_config()).await.unwrap();
    let stars = (0..ROWS).map(demo::star).collect();
    Demo { _dir: dir, store: Arc::new(store), table, ctx, stars }
}

/// Angular distance in degrees by the haversine formula.
pub fn separation(ra1: f64, dec1: f64, ra2: f64, dec2: f64) -> f64 {
    let (p1, p2) = (dec1.to_radians(), dec2.to_radians());
    let dp = p2 - p1;
    let dl = (ra2 - ra1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * a.sqrt().min(1.0).asin().to_degrees()
}

/// Whether a star is within 1e-9° of a cone's edge, where rounding may put it either side: such
/// stars are left out of both sides of a comparison.
pub fn on_edge(ra: f64, dec: f64, radius: f64, star: &demo::Star) -> bool {
    (separation(ra, dec, star.ra, star.dec) - radius).abs() < 1e-9
}
