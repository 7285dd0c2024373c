//! ADQL 2.1: parser, validator against TAP_SCHEMA metadata, translation to DataFusion and spherical
//! geometry UDFs.
//!
//! * [`parse`]: ADQL text → checked syntax tree (sqlparser with an ADQL dialect, then a whitelist that
//!   rejects non-ADQL SQL such as LIMIT or `::`), with errors that give line, column and help.
//! * [`check`]: parse and, given an [`AdqlCatalog`], validate names and functions; returns the
//!   normalised query.
//! * [`AdqlEngine`]: plans a query in a DataFusion [`SessionContext`](datafusion::prelude::SessionContext):
//!   identifiers resolved with ADQL's case rules and quoted, `SELECT *` limited to declared columns,
//!   TOP → LIMIT, geometry → UDFs ([`register_udfs`]), HEALPix pre-filters for cones/boxes/polygons
//!   and bucketed cross-match joins; result fields carry `votable.*` metadata.
//! * [`features`]: the supported optional features, in TAPRegExt terms.
//! * [`cone_filter_expr`], [`distance_expr`]: the positional filter for cone search.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_schema::DataType;
//! use vo_adql::{AdqlEngine, ColumnInfo, MemoryCatalog, TableInfo};
//!
//! let catalog = MemoryCatalog::new(vec![TableInfo::new("demo", "stars", vec![
//!     ColumnInfo::new("ra", DataType::Float64).with_unit("deg"),
//!     ColumnInfo::new("dec", DataType::Float64).with_unit("deg"),
//!     ColumnInfo::new("phot_g_mean_mag", DataType::Float64),
//! ])]);
//! let error = vo_adql::check("SELECT phot_g_mean FROM demo.stars", Some(&catalog)).unwrap_err();
//! assert_eq!(error.to_string(),
//!     "line 1, column 8: unknown column 'phot_g_mean'\n  help: did you mean phot_g_mean_mag?");
//! let _engine = AdqlEngine::new(Arc::new(catalog)); // engine.plan(&ctx, text).await
//! ```

mod analyze;
mod catalog;
mod dialect;
mod engine;
mod error;
mod features;
mod functions;
mod parser;
mod prefilter;
mod reserved;
mod udf;
mod units;
mod whitelist;

pub use analyze::spatial::crossmatch_order;
pub use catalog::{AdqlCatalog, ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};
pub use dialect::AdqlDialect;
pub use engine::{AdqlEngine, META_DESCRIPTION, META_UCD, META_UNIT, META_XTYPE, check};
pub use error::{AdqlError, ErrorKind, Position, Result};
pub use features::{FeatureGroup, LanguageFeature, features};
pub use functions::{FUNCTIONS, FunctionClass, FunctionSpec};
pub use parser::{MAX_NESTING, MAX_QUERY_BYTES, Query, parse};
pub use prefilter::{
    MAX_PREFILTER_RANGES, coarsen_ranges, cone_filter_expr, distance_expr, healpix_range_filter, region_ranges,
};
pub use reserved::{is_reserved, query_identifier};
pub use udf::names as udf_names;
pub use udf::{circle_type, contains_point_udf, distance_udf, geometry_udfs, point_type, polygon_type, register_udfs};
