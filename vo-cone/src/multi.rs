//! Multi-position search: many cones on one table as a single plan, the core of a cross-match.
//!
//! # How the plan is built
//!
//! This is the ADQL engine's HEALPix-bucketed cross-match join (what `vo-adql` makes of
//! `JOIN ... ON 1 = CONTAINS(POINT(t.ra, t.dec), CIRCLE(p.ra, p.dec, r))`), built directly as a
//! DataFusion plan:
//!
//! * the positions become an in-memory table ([`MemTable`]) with one row per position and HEALPix
//!   cell its search cone touches, the cells being those the ADQL engine's `adql_xmatch_cells`
//!   function gives, at the bucket order the ADQL planner uses (cells about four radii across, so
//!   a cone touches one to four), capped at the table's index order;
//! * catalogue rows are keyed by their cell at that order, an equi-join runs as a hash join, and the
//!   exact distance test (`adql_distance`, the one [`cone`](crate::search::cone) uses) keeps the
//!   pairs within the radius;
//! * the catalogue scan also gets a `_healpix` range pre-filter over the union of the cones' cells,
//!   which prunes Parquet row groups and pages the way a single cone's pre-filter does.
//!
//! It is not planned through ADQL text, because there the catalogue side of the join is keyed by
//! `adql_healpix(ra, dec)` computed for every row: ADQL cannot name the internal `_healpix` column,
//! so it can neither shift the stored index down to the bucket order nor pre-filter on it, and a
//! request for three positions would scan the whole table. Here the catalogue's bucket is its
//! stored, sorted `_healpix` shifted right (the parent cell in the nested scheme, the very cell
//! `adql_healpix` would compute), so the scan reads only the row groups near the positions.
//!
//! The cost is one scan of the covered part of the table plus a hash join, whatever the number of
//! positions (up to the service's 100,000), where one plan per cone was a union of N scans.

use std::ops::Range;
use std::sync::Arc;
use vo_adql::udf_names::XMATCH_CELLS;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use datafusion::catalog::MemTable;
use datafusion::common::{Column, JoinType, TableReference};
use datafusion::dataframe::DataFrame;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{Expr, ExprFunctionExt, Operator, binary_expr, col, lit};
use datafusion::prelude::SessionContext;
use vo_catalog::TableMeta;

use crate::error::ConeError;
use crate::search::{Cone, DISTANCE_COLUMN, check_cone, normalize_ra, position_index};

/// The column of multi-cone results naming the input position (0-based row of the input).
pub const IN_ROW_COLUMN: &str = "_in_row";

/// The column of multi-cone results holding the identifier of the input position, when the input
/// has one.
pub const IN_ID_COLUMN: &str = "_in_id";

const IN_CELL: &str = "_in_cell";
const IN_RA: &str = "_in_ra";
const IN_DEC: &str = "_in_dec";
const IN_SR: &str = "_in_sr";
const CATALOGUE_CELL: &str = "_cat_cell";
const RANK: &str = "_in_rank";

/// At most this many `_healpix` ranges in the pre-filter: each is a comparison per row read and a
/// test per row group, and beyond a few dozen ranges the pruning gained is small.
pub const MAX_PREFILTER_RANGES: usize = 64;

/// Above this fraction of the sky the pre-filter is left out: it would prune almost nothing and
/// still cost its comparisons on every row.
const PREFILTER_MAX_SKY_FRACTION: f64 = 0.9;

/// The HEALPix order of the cross-match buckets for cones up to `radius` degrees: the ADQL
/// planner's rule (cells about four radii across, so that a cone touches one to four of them),
/// capped at `index_order` so that a catalogue row's bucket is its stored index shifted.
pub fn bucket_order(radius: f64, index_order: u8) -> u8 {
    vo_adql::crossmatch_order(radius).min(index_order)
}

/// Several cones at once in one plan: the rows of `table` within each cone, each tagged with the
/// index of its cone in `cones` (`_in_row`, 0-based) and, when `ids` is given (one value per
/// cone), with that identifier (`_in_id`); then the chosen `columns` (all declared columns when
/// `None`) and the distance `_r` from the cone's centre (degrees). Rows are sorted by input row,
/// then by distance; a star within several cones appears once per cone. With `limit_per_cone`,
/// only the nearest rows of each cone are kept.
///
/// ```no_run
/// # async fn example(ctx: datafusion::prelude::SessionContext, table: vo_catalog::TableMeta) -> Result<(), vo_cone::ConeError> {
/// use vo_cone::search::{Cone, multi_cone};
/// let cones = [Cone { ra: 10.0, dec: 20.0, radius: 0.001 }, Cone { ra: 250.0, dec: -30.0, radius: 0.001 }];
/// let matches = multi_cone(&ctx, &table, &cones, None, None, Some(1)).await?.collect().await?;
/// # Ok(()) }
/// ```
pub async fn multi_cone(
    ctx: &SessionContext,
    table: &TableMeta,
    cones: &[Cone],
    ids: Option<ArrayRef>,
    columns: Option<&[String]>,
    limit_per_cone: Option<usize>,
) -> Result<DataFrame, ConeError> {
    if cones.is_empty() {
        return Err(ConeError::BadParameter("no positions given".into()));
    }
    if let Some(ids) = &ids
        && ids.len() != cones.len()
    {
        return Err(ConeError::BadParameter(format!(
            "{} identifiers for {} positions: give one per position",
            ids.len(),
            cones.len()
        )));
    }
    for c in cones {
        check_cone(*c)?;
    }
    let index = position_index(table)?;
    let max_radius = cones.iter().map(|c| c.radius).fold(0.0, f64::max);
    let order = bucket_order(max_radius, index.healpix_order);
    let shift = 2 * u32::from(index.healpix_order - order);

    let has_ids = ids.is_some();
    let (positions, cells) = bucketed_positions(ctx, cones, ids, order).await?;
    let positions = ctx.read_table(Arc::new(positions))?.alias("p")?;

    let names: Vec<String> = match columns {
        Some(c) => c.to_vec(),
        None => table.columns.iter().map(|c| c.name.clone()).collect(),
    };
    let mut needed = names.clone();
    for position_column in [&index.ra_column, &index.dec_column] {
        if !needed.contains(position_column) {
            needed.push(position_column.clone());
        }
    }
    let mut catalogue = ctx.table(TableReference::partial(table.schema.as_str(), table.name.as_str())).await?;
    if let Some(ranges) = prefilter_ranges(cells, shift, index.healpix_order, MAX_PREFILTER_RANGES) {
        catalogue = catalogue.filter(vo_adql::healpix_range_filter(&index.healpix_column, &ranges))?;
    }
    let mut projection: Vec<Expr> = needed.iter().map(|n| unqualified(n)).collect();
    projection.push(
        binary_expr(unqualified(&index.healpix_column), Operator::BitwiseShiftRight, lit(i64::from(shift)))
            .alias(CATALOGUE_CELL),
    );
    let catalogue = catalogue.select(projection)?.alias("t")?;

    let joined =
        positions.join_on(catalogue, JoinType::Inner, [qualified("p", IN_CELL).eq(qualified("t", CATALOGUE_CELL))])?;
    let distance = vo_adql::distance_udf().call(vec![
        qualified("t", &index.ra_column),
        qualified("t", &index.dec_column),
        qualified("p", IN_RA),
        qualified("p", IN_DEC),
    ]);
    let mut output = vec![IN_ROW_COLUMN.to_string()];
    if has_ids {
        output.push(IN_ID_COLUMN.to_string());
    }
    let mut projection: Vec<Expr> = output.iter().map(|n| qualified("p", n).alias(n)).collect();
    projection.extend(names.iter().map(|n| qualified("t", n).alias(n)));
    projection.push(distance.alias(DISTANCE_COLUMN));
    projection.push(qualified("p", IN_SR).alias(IN_SR));
    let mut frame = joined.select(projection)?.filter(unqualified(DISTANCE_COLUMN).lt_eq(unqualified(IN_SR)))?;
    if let Some(n) = limit_per_cone {
        let rank = datafusion::functions_window::expr_fn::row_number()
            .partition_by(vec![unqualified(IN_ROW_COLUMN)])
            .order_by(vec![unqualified(DISTANCE_COLUMN).sort(true, false)])
            .build()?
            .alias(RANK);
        frame = frame.window(vec![rank])?.filter(unqualified(RANK).lt_eq(lit(n as u64)))?;
    }
    output.extend(names);
    output.push(DISTANCE_COLUMN.to_string());
    let frame = frame
        .select(output.iter().map(|n| unqualified(n)).collect::<Vec<_>>())?
        .sort(vec![col(IN_ROW_COLUMN).sort(true, false), col(DISTANCE_COLUMN).sort(true, false)])?;
    Ok(frame)
}

fn unqualified(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

fn qualified(relation: &str, name: &str) -> Expr {
    Expr::Column(Column::new(Some(relation), name))
}

/// The positions as a table of one row per (position, bucket cell), and every cell touched. The
/// cells are computed by the ADQL engine's own `adql_xmatch_cells`, the expanded side of its
/// cross-match join.
async fn bucketed_positions(
    ctx: &SessionContext,
    cones: &[Cone],
    ids: Option<ArrayRef>,
    order: u8,
) -> Result<(MemTable, Vec<u64>), ConeError> {
    let mut fields = vec![
        Field::new(IN_ROW_COLUMN, DataType::Int64, false),
        Field::new(IN_RA, DataType::Float64, false),
        Field::new(IN_DEC, DataType::Float64, false),
        Field::new(IN_SR, DataType::Float64, false),
    ];
    let values = |f: fn(&Cone) -> f64| -> ArrayRef { Arc::new(Float64Array::from_iter_values(cones.iter().map(f))) };
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(0..cones.len() as i64)),
        values(|c| normalize_ra(c.ra)),
        values(|c| c.dec),
        values(|c| c.radius),
    ];
    if let Some(ids) = ids {
        fields.push(Field::new(IN_ID_COLUMN, ids.data_type().clone(), true));
        arrays.push(ids);
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(DataFusionError::from)?;
    let xmatch_cells = vo_adql::geometry_udfs()
        .into_iter()
        .find(|f| f.name() == XMATCH_CELLS)
        .ok_or_else(|| ConeError::Geometry(format!("vo-adql has no {XMATCH_CELLS} function")))?;
    let mut projection: Vec<Expr> = batch.schema().fields().iter().map(|f| unqualified(f.name())).collect();
    projection.push(
        xmatch_cells
            .call(vec![unqualified(IN_RA), unqualified(IN_DEC), unqualified(IN_SR), lit(i64::from(order))])
            .alias(IN_CELL),
    );
    let batches = ctx.read_batch(batch)?.select(projection)?.unnest_columns(&[IN_CELL])?.collect().await?;
    let mut cells = Vec::new();
    for b in &batches {
        let column = b.column_by_name(IN_CELL).and_then(|c| c.as_any().downcast_ref::<Int64Array>());
        let column = column.ok_or_else(|| ConeError::Geometry(format!("{XMATCH_CELLS} gave no Int64 cells")))?;
        cells.extend(column.iter().flatten().map(|c| c as u64));
    }
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => return Err(ConeError::Geometry(format!("{XMATCH_CELLS} gave no cells"))),
    };
    Ok((MemTable::try_new(schema, vec![batches])?, cells))
}

/// `_healpix` ranges (at `index_order`) holding every catalogue row whose bucket is one of `cells`
/// (at the bucket order, `shift` bits coarser), merged down to at most `max` ranges; `None` when
/// they cover so much of the sky that filtering would not pay.
pub fn prefilter_ranges(mut cells: Vec<u64>, shift: u32, index_order: u8, max: usize) -> Option<Vec<Range<u64>>> {
    cells.sort_unstable();
    cells.dedup();
    let mut ranges: Vec<Range<u64>> = Vec::new();
    for cell in cells {
        let range = (cell << shift)..((cell + 1) << shift);
        match ranges.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => ranges.push(range),
        }
    }
    let covered: u64 = ranges.iter().map(|r| r.end - r.start).sum();
    let sky = 12u64 << (2 * u32::from(index_order));
    if covered as f64 > PREFILTER_MAX_SKY_FRACTION * sky as f64 {
        return None;
    }
    Some(vo_adql::coarsen_ranges(ranges, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_order_follows_the_adql_rule_and_the_index() {
        // 1″ would be order 15 for ADQL; capped at the index order 12.
        assert_eq!(bucket_order(1.0 / 3600.0, 12), 12);
        assert_eq!(bucket_order(0.0, 12), 12);
        assert_eq!(bucket_order(1.0, 12), 3);
        assert_eq!(bucket_order(10.0, 12), 0);
    }

    #[test]
    fn coarsening_closes_the_smallest_gaps() {
        let ranges = vec![0..2, 3..4, 10..12, 13..15, 40..41];
        assert_eq!(vo_adql::coarsen_ranges(ranges.clone(), 10), ranges);
        assert_eq!(vo_adql::coarsen_ranges(ranges.clone(), 3), vec![0..4, 10..15, 40..41]);
        assert_eq!(vo_adql::coarsen_ranges(ranges, 1), vec![0..41]);
    }

    #[test]
    fn prefilter_ranges_shift_and_merge_cells() {
        // Cells 5, 6 and 9 at order 11 are index ranges of 4 cells each at order 12.
        assert_eq!(prefilter_ranges(vec![9, 5, 6, 5], 2, 12, 64), Some(vec![20..28, 36..40]));
        // The whole sky at order 0: not worth filtering.
        assert_eq!(prefilter_ranges((0..12).collect(), 24, 12, 64), None);
    }
}
