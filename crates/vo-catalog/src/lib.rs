//! The catalogue store every query service of AstroCloud reads.
//!
//! Tables are Parquet files plus a metadata record (schema, table, description, columns with type,
//! unit, UCD, utype, description and principal/indexed/std flags, row count) kept in the metadata
//! database. Positional tables get an internal `_healpix` column (nested HEALPix index at
//! [`HEALPIX_ORDER`]) and are sorted by it, with row groups and page statistics that let a cone
//! query read only the part of the file its HEALPix ranges touch; each has a coverage MOC.
//! [`CatalogStore::session_context`] gives a DataFusion context with every table registered under
//! its schema, ready for ADQL.
//!
//! ```no_run
//! # async fn example() -> Result<(), vo_catalog::CatalogError> {
//! use vo_catalog::{CatalogStore, IngestOptions, Quiet, TableSpec, connect_metadata_db, demo};
//!
//! let pool = connect_metadata_db("sqlite:///tmp/astrocloud/metadata.db?mode=rwc").await?;
//! let store = CatalogStore::open("/tmp/astrocloud/catalog", pool).await?;
//! let spec = TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), ..Default::default() };
//! let report = vo_catalog::ingest(&store, vec![demo::source(10_000, 4096)], &spec, &IngestOptions::default(), &Quiet).await?;
//! assert_eq!(report.rows, 10_000);
//! let ctx = store.session_context(vo_catalog::default_session_config()).await?;
//! let count = ctx.sql("SELECT COUNT(*) FROM demo.stars").await?.count().await?;
//! # Ok(()) }
//! ```

mod csv_source;
pub mod demo;
pub mod engine;
pub mod error;
pub mod fits;
pub mod healpix;
pub mod ingest;
pub mod meta;
pub mod metadata_file;
pub mod output;
pub mod session;
pub mod sources;
pub mod store;
pub mod vosi;

pub use engine::{BatchEncoder, ExtraTable, QueryEngine, SessionSetup, Step};
pub use error::{CatalogError, Result};
pub use ingest::{IngestObserver, IngestOptions, IngestReport, Phase, Quiet, TableSpec, ingest};
pub use meta::{
    COVERAGE_MOC_ORDER, ColumnMeta, HEALPIX_COLUMN, HEALPIX_ORDER, PositionMeta, TableMeta, parse_qualified_name,
};
pub use metadata_file::{ColumnSpec, MetadataFile};
pub use session::default_session_config;
pub use sources::{BatchSource, ByteCounter, InputFormat, open_source};
pub use store::{CatalogStore, connect_metadata_db};
