//! Simple Cone Search 1.03 over the HEALPix-indexed catalogue store.
//!
//! - [`search`]: the library API, usable without HTTP: [`search::cone`] returns a DataFusion
//!   `DataFrame` of the rows of a positional table within a radius of a position, with their
//!   distance `_r` (degrees), nearest first. The positional selection is the ADQL engine's HEALPix
//!   pre-filter plus exact distance test, so cone search and ADQL share one geometry.
//!   [`search::multi_cone`] runs many cones at once, tagging rows with their input position.
//! - [`ConeService`]: the web service (framework-free, a `vo_dali::DaliService`), one cone search
//!   per positional table at `{base}/{schema.table}?RA=…&DEC=…&SR=…`, with `VERB`, `MAXREC`,
//!   `RESPONSEFORMAT`, its VOSI resources, and `{base}/{schema.table}/multi` (our extension: POST
//!   a `POSITIONS` CSV or VOTable, or repeated `POS=ra,dec`, with `SR`).
//!
//! Results are VOTables whose identifier and position columns carry the SCS 1.03 UCD1 names
//! (`ID_MAIN`, `POS_EQ_RA_MAIN`, `POS_EQ_DEC_MAIN`; the identifier as a string), the other columns
//! their UCD1+ UCDs, and an added `_r` column. Errors are VOTables with `INFO name="Error"` (SCS
//! 1.03) and `QUERY_STATUS=ERROR` (DALI), HTTP 400 for bad parameters and 404 for unknown tables.
//!
//! ```no_run
//! # async fn example(ctx: datafusion::prelude::SessionContext, table: vo_catalog::TableMeta) -> Result<(), vo_cone::ConeError> {
//! use vo_cone::search::{Cone, cone};
//! let rows = cone(&ctx, &table, Cone { ra: 180.0, dec: 0.0, radius: 0.5 }, None, Some(100)).await?;
//! let batches = rows.collect().await?;
//! # Ok(()) }
//! ```

pub mod error;
mod positions;
pub mod search;
pub mod service;

pub use error::ConeError;
pub use service::{ConeService, ConeSettings};
