//! Simple Cone Search 1.03 over the HEALPix-indexed catalogue store.
//!
//! - [`search`]: the library API, usable without HTTP: [`search::cone`] returns a DataFusion
//!   `DataFrame` of the rows of a positional table within a radius of a position, with their
//!   distance `_r` (degrees), nearest first. The positional selection is the ADQL engine's HEALPix
//!   pre-filter plus exact distance test, so cone search and ADQL share one geometry.
//! - [`multi`]: [`search::multi_cone`] runs many cones as one plan (the positions as an in-memory
//!   table cross-matched with the catalogue through the ADQL engine's HEALPix-bucketed join),
//!   tagging rows with their input position.
//! - [`positions`]: the positions of a multi-cone request (CSV or VOTable upload, `POS` values).
//! - [`ConeService`]: the web service (framework-free, a `vo_dali::DaliService`), one cone search
//!   per positional table at `{base}/{schema.table}?RA=…&DEC=…&SR=…`, with `VERB`, `MAXREC`,
//!   `RESPONSEFORMAT`, its VOSI resources, and the multi-position extension below.
//!
//! Results are VOTables whose identifier and position columns carry the SCS 1.03 UCD1 names
//! (`ID_MAIN`, `POS_EQ_RA_MAIN`, `POS_EQ_DEC_MAIN`; the identifier as a string), the other columns
//! their UCD1+ UCDs, and an added `_r` column. `SR=0` is the SCS 1.03 metadata query: the
//! columns and no rows. Errors are VOTables with `INFO name="Error"` (SCS 1.03) and
//! `QUERY_STATUS=ERROR` (DALI), HTTP 400 for bad parameters and 404 for unknown tables.
//!
//! # Multi-position search over HTTP (our extension, not part of SCS)
//!
//! `POST {base}/{schema.table}/multi` (GET works too when the positions fit in the URL) with:
//!
//! | parameter | meaning |
//! |---|---|
//! | `POSITIONS` | a `multipart/form-data` file part: a CSV with a header line, or a VOTable. RA and Dec are the columns with UCD `pos.eq.ra` / `pos.eq.dec`, else those named `ra`/`dec` (also `ra_icrs`, `raj2000`, `alpha`, `de`, `dec_icrs`, `dej2000`, `delta`), in degrees (ICRS). A column with UCD `meta.id;meta.main`, else one named `id`, `source_id` or `name`, is copied to the results as `_in_id`. A row without a position is an error. |
//! | `POS` | `ra,dec` in degrees, repeated once per position (before the `POSITIONS` rows, if both are given). |
//! | `SR` | the search radius in degrees, the same for every position; at most the service's maxSR. `SR=0` gives the columns and no rows, as for a single cone. |
//! | `VERB` | 1, 2 or 3, as for a single cone. |
//! | `MAXREC` | the largest number of rows in the whole result (default and cap: the service's maxRecords); a truncated result ends with `INFO name="QUERY_STATUS" value="OVERFLOW"`. |
//! | `RESPONSEFORMAT` | as for a single cone (VOTable BINARY2 by default). |
//!
//! At most 100,000 positions per request (`ConeSettings::max_positions`). The answer has one row
//! per (position, matching catalogue row): `_in_row` (the position's 0-based index in the
//! input: `POS` values first, then the `POSITIONS` rows), `_in_id` when the upload has an
//! identifier column, the table's columns at the chosen verbosity, and `_r`, the distance from the
//! position in degrees; sorted by `_in_row`, then `_r`. Positions without a match have no row.
//!
//! ```text
//! curl -F POSITIONS=@targets.csv -F SR=0.001 http://host/scs/demo.stars/multi
//! curl 'http://host/scs/demo.stars/multi?POS=10,20&POS=250.5,-30&SR=0.01&RESPONSEFORMAT=csv'
//! ```
//!
//! ```no_run
//! # async fn example(ctx: datafusion::prelude::SessionContext, table: vo_catalog::TableMeta) -> Result<(), vo_cone::ConeError> {
//! use vo_cone::search::{Cone, cone};
//! let rows = cone(&ctx, &table, Cone { ra: 180.0, dec: 0.0, radius: 0.5 }, None, Some(100)).await?;
//! let batches = rows.collect().await?;
//! # Ok(()) }
//! ```

pub mod error;
pub mod multi;
pub mod positions;
pub mod scan;
pub mod search;
pub mod service;

pub use error::ConeError;
pub use service::{ConeService, ConeSettings, MultiQuery};
