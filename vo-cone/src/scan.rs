//! The cone search fast path: the rows of one cone read straight from the table's Parquet file,
//! without planning a query.
//!
//! DataFusion plans every query afresh: for a cone that is about 3 ms of optimiser and planner
//! work (measured on the 2-core reference machine), more than reading the rows, and cone search
//! is the request a data centre gets most. A cone needs no planning: its rows lie in the HEALPix
//! ranges covering the circle, which the statistics of the table's sorted `_healpix` column
//! locate to row groups, and the Parquet page index to pages. [`ConeScanner`] reads exactly those
//! pages, then keeps the rows the exact test accepts, nearest first.
//!
//! The geometry is the ADQL engine's, not a second one: the candidate ranges come from
//! `vo_geom::coverage_ranges` (what `vo_adql::cone_filter_expr` turns into its `_healpix BETWEEN`
//! pre-filter) and the exact test is `vo_geom::angular_distance_deg` (what the `adql_distance` UDF
//! computes), so [`crate::search::cone`] through DataFusion and this reader give the same rows.
//!
//! The Parquet footer and page index of each table are read once and kept, keyed by the file and
//! the table's `updated` stamp (a re-ingested table is a new file).
//!
//! ```no_run
//! # fn example(store: &vo_catalog::CatalogStore, table: &vo_catalog::TableMeta) -> Result<(), vo_cone::ConeError> {
//! use vo_cone::scan::ConeScanner;
//! use vo_cone::search::Cone;
//! let scanner = ConeScanner::default();
//! let batch = scanner.cone(store, table, Cone { ra: 180.0, dec: 0.0, radius: 0.1 }, None, Some(100))?;
//! println!("{} rows, nearest first", batch.num_rows());
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fs::File;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use datafusion::arrow::compute::{concat_batches, filter_record_batch, sort_to_indices, take_record_batch};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};
use datafusion::parquet::file::metadata::{PageIndexPolicy, RowGroupMetaData};
use datafusion::parquet::file::page_index::column_index::ColumnIndexMetaData;
use datafusion::parquet::file::statistics::Statistics;
use vo_catalog::{CatalogStore, TableMeta};
use vo_geom::{Circle, Point, Shape};

use crate::error::ConeError;
use crate::search::{Cone, check_cone, distance_field};

/// Rows decoded per batch while scanning the selected pages.
const BATCH_ROWS: usize = 8192;

/// Reads cones from the store's Parquet files, keeping each file's metadata and page index.
#[derive(Default)]
pub struct ConeScanner {
    metadata: Mutex<HashMap<PathBuf, (String, ArrowReaderMetadata)>>,
}

/// How much of the file a cone read: what pruning by statistics and page index saved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub row_groups: usize,
    pub row_groups_read: usize,
    /// Rows decoded from the selected pages (a superset of the rows in the cone).
    pub rows_decoded: usize,
}

impl ConeScanner {
    /// The rows of `table` within `cone`: `columns` (every declared column when `None`) plus `_r`
    /// (degrees), nearest first, at most `limit` rows.
    pub fn cone(
        &self,
        store: &CatalogStore,
        table: &TableMeta,
        cone: Cone,
        columns: Option<&[String]>,
        limit: Option<usize>,
    ) -> Result<RecordBatch, ConeError> {
        self.cone_with_stats(store, table, cone, columns, limit).map(|(batch, _)| batch)
    }

    /// Like [`cone`](Self::cone), also saying how much of the file was read.
    pub fn cone_with_stats(
        &self,
        store: &CatalogStore,
        table: &TableMeta,
        cone: Cone,
        columns: Option<&[String]>,
        limit: Option<usize>,
    ) -> Result<(RecordBatch, ScanStats), ConeError> {
        check_cone(cone)?;
        let position = table.position.as_ref().ok_or_else(|| ConeError::NotPositional(table.qualified_name()))?;
        let wanted: Vec<String> = match columns {
            Some(c) => c.to_vec(),
            None => table.columns.iter().map(|c| c.name.clone()).collect(),
        };
        let path = store.data_file(table);
        let metadata = self.metadata_of(&path, &table.updated)?;
        let arrow_schema = metadata.schema().clone();
        let index_of = |name: &str| {
            arrow_schema
                .index_of(name)
                .map_err(|_| ConeError::Geometry(format!("table {} has no column {name}", table.qualified_name())))
        };
        let (healpix, ra, dec) =
            (index_of(&position.healpix_column)?, index_of(&position.ra_column)?, index_of(&position.dec_column)?);
        let output: Vec<usize> = wanted.iter().map(|n| index_of(n)).collect::<Result<_, _>>()?;
        let mut output_schema: Vec<Field> = output.iter().map(|&i| arrow_schema.field(i).clone()).collect();
        output_schema.push(distance_field());
        let output_schema = Arc::new(Schema::new(output_schema));
        if limit == Some(0) {
            return Ok((RecordBatch::new_empty(output_schema), ScanStats::default()));
        }

        let circle = Shape::Circle(
            Circle::new(Point::new(cone.ra, cone.dec).map_err(geometry)?, cone.radius).map_err(geometry)?,
        );
        let ranges = vo_geom::coverage_ranges(&circle, position.healpix_order);
        let parquet = metadata.metadata().clone();
        let (row_groups, selection) = select_pages(&parquet, healpix, &ranges);
        let mut stats =
            ScanStats { row_groups: parquet.num_row_groups(), row_groups_read: row_groups.len(), ..Default::default() };
        if row_groups.is_empty() {
            return Ok((RecordBatch::new_empty(output_schema), stats));
        }

        // Decode the output columns and the position; the batch columns come in file order.
        let mut decoded: Vec<usize> = output.clone();
        decoded.extend([ra, dec]);
        decoded.sort_unstable();
        decoded.dedup();
        let mask = ProjectionMask::roots(parquet.file_metadata().schema_descr(), decoded.iter().copied());
        let file = File::open(&path).map_err(|e| vo_catalog::CatalogError::io(&path, e))?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
            .with_row_groups(row_groups)
            .with_row_selection(selection)
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()?;
        let position_in = |i: usize| decoded.iter().position(|&d| d == i).expect("decoded column");
        let (ra_at, dec_at) = (position_in(ra), position_in(dec));
        let output_at: Vec<usize> = output.iter().map(|&i| position_in(i)).collect();

        let mut kept = Vec::new();
        for batch in reader {
            let batch = batch?;
            stats.rows_decoded += batch.num_rows();
            let distances = distances(batch.column(ra_at), batch.column(dec_at), cone)?;
            let inside: BooleanArray = distances.iter().map(|d| Some(d.is_some_and(|d| d <= cone.radius))).collect();
            if inside.true_count() == 0 {
                continue;
            }
            let mut columns: Vec<ArrayRef> = output_at.iter().map(|&i| batch.column(i).clone()).collect();
            columns.push(Arc::new(distances));
            kept.push(filter_record_batch(&RecordBatch::try_new(output_schema.clone(), columns)?, &inside)?);
        }
        let all = concat_batches(&output_schema, &kept)?;
        let order = sort_to_indices(all.column(all.num_columns() - 1), None, limit)?;
        Ok((take_record_batch(&all, &order)?, stats))
    }

    fn metadata_of(&self, path: &PathBuf, updated: &str) -> Result<ArrowReaderMetadata, ConeError> {
        if let Some((stamp, metadata)) = self.metadata.lock().expect("metadata lock").get(path)
            && stamp == updated
        {
            return Ok(metadata.clone());
        }
        let file = File::open(path).map_err(|e| vo_catalog::CatalogError::io(path, e))?;
        let metadata = ArrowReaderMetadata::load(
            &file,
            ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional),
        )?;
        self.metadata.lock().expect("metadata lock").insert(path.clone(), (updated.to_string(), metadata.clone()));
        Ok(metadata)
    }
}

fn geometry(e: vo_geom::GeomError) -> ConeError {
    ConeError::BadParameter(e.to_string())
}

/// `_r` for the rows that may be in the cone (null for the others and where the position is null).
fn distances(ra: &ArrayRef, dec: &ArrayRef, cone: Cone) -> Result<Float64Array, ConeError> {
    let as_f64 = |a: &ArrayRef| -> Result<Float64Array, ConeError> {
        let cast = arrow_cast::cast(a, &DataType::Float64)?;
        Ok(cast.as_any().downcast_ref::<Float64Array>().expect("cast to Float64").clone())
    };
    let (ra, dec) = (as_f64(ra)?, as_f64(dec)?);
    // A row farther in declination than the radius is outside whatever its RA (the distance is
    // at least the difference in declination): it is left null, which the cone test rejects,
    // without the exact formula's trigonometry. The margin keeps rounding on the safe side.
    let band = cone.radius + 1e-9;
    Ok(ra
        .iter()
        .zip(dec.iter())
        .map(|(r, d)| match (r, d) {
            (Some(r), Some(d)) if (d - cone.dec).abs() <= band => {
                Some(vo_geom::angular_distance_deg(cone.ra, cone.dec, r, d))
            }
            _ => None,
        })
        .collect())
}

/// The row groups whose `_healpix` statistics meet `ranges`, and within them the pages whose
/// page-index bounds do (whole row groups where the file has no page index).
fn select_pages(
    parquet: &datafusion::parquet::file::metadata::ParquetMetaData,
    healpix: usize,
    ranges: &[Range<u64>],
) -> (Vec<usize>, RowSelection) {
    let meets = |min: i64, max: i64| ranges.iter().any(|r| (r.start as i64) <= max && min < r.end as i64);
    let mut groups = Vec::new();
    let mut selectors: Vec<RowSelector> = Vec::new();
    let mut push = |select: bool, rows: usize| {
        if rows == 0 {
            return;
        }
        match selectors.last_mut() {
            Some(last) if last.skip != select => last.row_count += rows,
            _ => selectors.push(if select { RowSelector::select(rows) } else { RowSelector::skip(rows) }),
        }
    };
    for (g, group) in parquet.row_groups().iter().enumerate() {
        let Some((min, max)) = chunk_bounds(group, healpix) else {
            groups.push(g);
            push(true, group.num_rows() as usize);
            continue;
        };
        if !meets(min, max) {
            continue;
        }
        groups.push(g);
        let rows = group.num_rows() as usize;
        let page_index = parquet.column_index().and_then(|c| c.get(g)).and_then(|c| c.get(healpix));
        let offsets = parquet.offset_index().and_then(|o| o.get(g)).and_then(|o| o.get(healpix));
        match (page_index, offsets) {
            (Some(ColumnIndexMetaData::INT64(index)), Some(offsets)) => {
                let starts: Vec<usize> = offsets.page_locations().iter().map(|p| p.first_row_index as usize).collect();
                for (p, &start) in starts.iter().enumerate() {
                    let end = starts.get(p + 1).copied().unwrap_or(rows);
                    let page_meets = match (index.min_value(p), index.max_value(p)) {
                        (Some(&min), Some(&max)) => meets(min, max),
                        _ => !index.is_null_page(p),
                    };
                    push(page_meets, end - start);
                }
            }
            _ => push(true, rows),
        }
    }
    (groups, RowSelection::from(selectors))
}

/// Min and max of the `_healpix` column chunk, if the file recorded them.
fn chunk_bounds(group: &RowGroupMetaData, column: usize) -> Option<(i64, i64)> {
    match group.column(column).statistics()? {
        Statistics::Int64(s) => Some((*s.min_opt()?, *s.max_opt()?)),
        _ => None,
    }
}
