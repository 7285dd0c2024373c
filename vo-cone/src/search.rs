//! The cone search itself, usable without HTTP: rows of a positional table within a radius of a
//! position, with their distance `_r`, nearest first.
//!
//! The positional selection is the ADQL engine's (`vo_adql::cone_filter_expr`: a HEALPix range
//! pre-filter that prunes Parquet row groups and pages, then the exact distance test), so cone
//! search and ADQL `CONTAINS` share one implementation of the geometry.
//!
//! [`multi_cone`] (from [`crate::multi`]) runs many cones as one cross-match plan.

use std::sync::Arc;

use arrow_schema::{DataType, Field};
use datafusion::common::Column;
use datafusion::common::TableReference;
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Expr, col};
use datafusion::prelude::SessionContext;
use vo_adql::PositionIndex;
use vo_catalog::{ColumnMeta, TableMeta};

use crate::error::ConeError;
pub use crate::multi::{IN_ID_COLUMN, IN_ROW_COLUMN, multi_cone};

/// The name of the distance column added to every cone result, in degrees.
pub const DISTANCE_COLUMN: &str = "_r";

/// Which columns a cone returns [SCS §2 VERB].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// The principal columns only (always including the identifier and the position).
    Minimal,
    /// The principal columns (the default).
    #[default]
    Default,
    /// Every column.
    All,
}

impl Verbosity {
    pub fn from_verb(verb: u64) -> Option<Self> {
        match verb {
            1 => Some(Verbosity::Minimal),
            2 => Some(Verbosity::Default),
            3 => Some(Verbosity::All),
            _ => None,
        }
    }
}

/// One cone: centre and radius in degrees (ICRS).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cone {
    pub ra: f64,
    pub dec: f64,
    pub radius: f64,
}

/// The position index of a table, as the ADQL engine describes it.
pub fn position_index(table: &TableMeta) -> Result<PositionIndex, ConeError> {
    let p = table.position.as_ref().ok_or_else(|| ConeError::NotPositional(table.qualified_name()))?;
    let mut index = PositionIndex::new(&p.ra_column, &p.dec_column);
    index.healpix_column = p.healpix_column.clone();
    index.healpix_order = p.healpix_order;
    Ok(index)
}

/// The columns returned at `verbosity`, in table order.
pub fn columns_for(table: &TableMeta, verbosity: Verbosity) -> Vec<&ColumnMeta> {
    let essential = |c: &ColumnMeta| {
        table.position.as_ref().is_some_and(|p| p.ra_column == c.name || p.dec_column == c.name)
            || table.id_column().is_some_and(|id| id.name == c.name)
    };
    let any_principal = table.columns.iter().any(|c| c.principal);
    table
        .columns
        .iter()
        .filter(|c| match verbosity {
            Verbosity::All => true,
            Verbosity::Default if !any_principal => true,
            Verbosity::Default => c.principal || essential(c),
            Verbosity::Minimal => essential(c) || (c.principal && !any_principal),
        })
        .collect()
}

fn quoted(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

/// A DataFrame of the rows of `table` in `cone`: the chosen `columns` (all declared columns when
/// `None`) plus `_r`, nearest first, at most `limit` rows.
pub async fn cone(
    ctx: &SessionContext,
    table: &TableMeta,
    cone: Cone,
    columns: Option<&[String]>,
    limit: Option<usize>,
) -> Result<DataFrame, ConeError> {
    check_cone(cone)?;
    let index = position_index(table)?;
    let filter = vo_adql::cone_filter_expr(&index, cone.ra, cone.dec, cone.radius)?;
    let names: Vec<String> = match columns {
        Some(c) => c.to_vec(),
        None => table.columns.iter().map(|c| c.name.clone()).collect(),
    };
    let mut projection: Vec<Expr> = names.iter().map(|n| quoted(n)).collect();
    projection
        .push(vo_adql::distance_expr(&index.ra_column, &index.dec_column, cone.ra, cone.dec).alias(DISTANCE_COLUMN));
    let frame = ctx
        .table(TableReference::partial(table.schema.as_str(), table.name.as_str()))
        .await?
        .filter(filter)?
        .select(projection)?
        .sort(vec![col(DISTANCE_COLUMN).sort(true, false)])?;
    Ok(match limit {
        Some(n) => frame.limit(0, Some(n))?,
        None => frame,
    })
}

/// Checks a cone's numbers the way SCS needs them checked.
pub fn check_cone(cone: Cone) -> Result<(), ConeError> {
    if !cone.ra.is_finite() || !cone.dec.is_finite() || !cone.radius.is_finite() {
        return Err(ConeError::BadParameter("RA, DEC and SR must be finite numbers".into()));
    }
    if !(-90.0..=90.0).contains(&cone.dec) {
        return Err(ConeError::BadParameter(format!("DEC must be within [-90, 90] degrees, got {}", cone.dec)));
    }
    if cone.radius < 0.0 {
        return Err(ConeError::BadParameter(format!("SR must not be negative, got {}", cone.radius)));
    }
    if cone.radius > 180.0 {
        return Err(ConeError::BadParameter(format!("SR must be at most 180 degrees, got {}", cone.radius)));
    }
    Ok(())
}

/// Normalises RA into [0, 360) (clients send -10 or 370).
pub fn normalize_ra(ra: f64) -> f64 {
    let r = ra.rem_euclid(360.0);
    if r >= 360.0 { 0.0 } else { r }
}

/// Metadata of the `_r` column.
pub fn distance_field() -> Field {
    let mut md = std::collections::HashMap::new();
    md.insert(vo_votable::arrow_meta::UNIT.to_string(), "deg".to_string());
    md.insert(vo_votable::arrow_meta::UCD.to_string(), "pos.angDistance".to_string());
    md.insert(
        vo_votable::arrow_meta::DESCRIPTION.to_string(),
        "Distance from the cone centre (great circle)".to_string(),
    );
    Field::new(DISTANCE_COLUMN, DataType::Float64, true).with_metadata(md)
}

/// Shared handle to a table's metadata.
pub type TableRef = Arc<TableMeta>;
