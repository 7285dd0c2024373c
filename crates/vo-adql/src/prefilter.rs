//! HEALPix pre-filters as DataFusion expressions, shared with cone search so there is one
//! implementation of positional selection.
//!
//! A cone on a table sorted by a HEALPix index column becomes
//! `(_healpix BETWEEN a AND b OR ...) AND adql_distance(ra, dec, ra0, dec0) <= r`: the first part
//! lets DataFusion prune Parquet row groups by their min/max statistics, the second is exact.

use std::ops::Range;

use datafusion::common::Column;
use datafusion::logical_expr::{Expr, lit};
use sqlparser::ast::{BinaryOperator, Expr as SqlExpr, Value};
use vo_geom::{Circle, Point, Shape, coverage_ranges};

use crate::catalog::PositionIndex;
use crate::error::{AdqlError, ErrorKind, Position, Result};
use crate::udf::distance_udf;

/// At most this many `_healpix` ranges in the pre-filter of a cone, box or polygon.
///
/// Each range is a pair of comparisons for DataFusion to simplify, coerce and turn into a
/// statistics predicate when planning, and to evaluate on every row read; the coverage of a small
/// cone has a few dozen ranges separated by gaps of a few cells, where the row groups and pages
/// (thousands of rows each, over a much wider index span) are pruned by the coarse outline
/// anyway. Merging across the smallest gaps keeps every row the exact test needs (the result
/// does not change) and makes the plan several times smaller.
pub const MAX_PREFILTER_RANGES: usize = 8;

/// Index ranges at `order` covering `shape`, at most [`MAX_PREFILTER_RANGES`] of them.
pub fn region_ranges(shape: &Shape, order: u8) -> Vec<Range<u64>> {
    coarsen_ranges(coverage_ranges(shape, order), MAX_PREFILTER_RANGES)
}

/// Merges sorted, disjoint ranges across the smallest gaps until at most `max` (at least one)
/// remain: a superset of the input, as loose as it must be and no looser.
///
/// ```
/// use vo_adql::coarsen_ranges;
/// let ranges = vec![0..2, 3..4, 10..12, 13..15, 40..41];
/// assert_eq!(coarsen_ranges(ranges.clone(), 3), vec![0..4, 10..15, 40..41]);
/// assert_eq!(coarsen_ranges(ranges, 1), vec![0..41]);
/// ```
pub fn coarsen_ranges(ranges: Vec<Range<u64>>, max: usize) -> Vec<Range<u64>> {
    let max = max.max(1);
    if ranges.len() <= max {
        return ranges;
    }
    // Gap i lies between ranges i and i+1; the max-1 widest stay open (the earliest on ties).
    let mut gaps: Vec<(u64, usize)> =
        ranges.windows(2).enumerate().map(|(i, w)| (w[1].start.saturating_sub(w[0].end), i)).collect();
    gaps.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut open: Vec<usize> = gaps[..max - 1].iter().map(|g| g.1).collect();
    open.sort_unstable();
    let mut out = Vec::with_capacity(max);
    let mut start = ranges[0].start;
    for i in open {
        out.push(start..ranges[i].end);
        start = ranges[i + 1].start;
    }
    out.push(start..ranges[ranges.len() - 1].end);
    out
}

fn column(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

/// `column BETWEEN a AND b-1 OR ...` for the given index ranges (`false` when there are none).
pub fn healpix_range_filter(healpix_column: &str, ranges: &[Range<u64>]) -> Expr {
    ranges
        .iter()
        .map(|r| column(healpix_column).between(lit(r.start as i64), lit(r.end as i64 - 1)))
        .reduce(Expr::or)
        .unwrap_or_else(|| lit(false))
}

/// Great-circle distance in degrees from the position columns to a fixed point (e.g. SCS's `_r`).
pub fn distance_expr(ra_column: &str, dec_column: &str, ra: f64, dec: f64) -> Expr {
    distance_udf().call(vec![column(ra_column), column(dec_column), lit(ra), lit(dec)])
}

/// Rows of an indexed table within `radius` degrees of (ra, dec): HEALPix pre-filter AND exact test.
///
/// ```
/// use vo_adql::{PositionIndex, cone_filter_expr};
/// let filter = cone_filter_expr(&PositionIndex::new("ra", "dec"), 10.0, 20.0, 0.5).unwrap();
/// assert!(filter.to_string().contains("_healpix BETWEEN"));
/// assert!(cone_filter_expr(&PositionIndex::new("ra", "dec"), 10.0, 20.0, -1.0).is_err());
/// ```
pub fn cone_filter_expr(index: &PositionIndex, ra: f64, dec: f64, radius: f64) -> Result<Expr> {
    let geometry = |e: vo_geom::GeomError| AdqlError::new(ErrorKind::Geometry, Position::UNKNOWN, e.to_string());
    let center = Point::new(ra, dec).map_err(geometry)?;
    let cone = Shape::Circle(Circle::new(center, radius).map_err(geometry)?);
    let prefilter = healpix_range_filter(&index.healpix_column, &region_ranges(&cone, index.healpix_order));
    let exact = distance_expr(&index.ra_column, &index.dec_column, center.ra(), center.dec()).lt_eq(lit(radius));
    Ok(prefilter.and(exact))
}

/// The same range filter in SQL syntax, for the ADQL translator.
pub(crate) fn ranges_sql(column: &SqlExpr, ranges: &[Range<u64>]) -> SqlExpr {
    let number = |n: u64| SqlExpr::value(Value::Number(n.to_string(), false));
    ranges
        .iter()
        .map(|r| SqlExpr::Between {
            expr: Box::new(column.clone()),
            negated: false,
            low: Box::new(number(r.start)),
            high: Box::new(number(r.end - 1)),
        })
        .reduce(|a, b| SqlExpr::BinaryOp { left: Box::new(a), op: BinaryOperator::Or, right: Box::new(b) })
        .unwrap_or_else(|| SqlExpr::value(Value::Boolean(false)))
}
