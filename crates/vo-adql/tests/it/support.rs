//! Shared fixtures: a test catalogue, sessions with empty or generated tables.

use std::sync::Arc;

use arrow_array::{Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::datasource::MemTable;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use rand::{Rng, SeedableRng};
use vo_adql::{ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};

pub fn star_columns() -> Vec<ColumnInfo> {
    vec![
        ColumnInfo::new("source_id", DataType::Int64).with_ucd("meta.id;meta.main").with_description("Identifier"),
        ColumnInfo::new("ra", DataType::Float64).with_unit("deg").with_ucd("pos.eq.ra;meta.main"),
        ColumnInfo::new("dec", DataType::Float64).with_unit("deg").with_ucd("pos.eq.dec;meta.main"),
        ColumnInfo::new("phot_g_mean_mag", DataType::Float64).with_unit("mag").with_ucd("phot.mag;em.opt.G"),
        ColumnInfo::new("parallax", DataType::Float64).with_unit("mas"),
        ColumnInfo::new("Name", DataType::Utf8).with_description("Mixed-case column"),
    ]
}

/// The catalogue the corpus is checked against.
pub fn catalog() -> MemoryCatalog {
    let mut catalog = MemoryCatalog::default();
    catalog.add(TableInfo::new("gaia", "source", star_columns()).with_position(PositionIndex::new("ra", "dec")));
    catalog.add(TableInfo::new("demo", "stars", star_columns()).with_position(PositionIndex::new("ra", "dec")));
    catalog.add(TableInfo::new("demo", "other", star_columns()).with_position(PositionIndex::new("ra", "dec")));
    catalog.add(TableInfo::new(
        "demo",
        "Measurements",
        vec![
            ColumnInfo::new("id", DataType::Int64),
            ColumnInfo::new("source_id", DataType::Int64),
            ColumnInfo::new("size", DataType::Float64).with_unit("arcsec"),
            ColumnInfo::new("flux", DataType::Float64).with_unit("mJy"),
            ColumnInfo::new("epoch", DataType::Float64).with_unit("d"),
        ],
    ));
    catalog.add(TableInfo::new(
        "ivoa",
        "obscore",
        vec![
            ColumnInfo::new("obs_id", DataType::Utf8),
            ColumnInfo::new("obs_publisher_did", DataType::Utf8),
            ColumnInfo::new("dataproduct_type", DataType::Utf8),
            ColumnInfo::new("s_ra", DataType::Float64).with_unit("deg"),
            ColumnInfo::new("s_dec", DataType::Float64).with_unit("deg"),
            ColumnInfo::new("s_fov", DataType::Float64).with_unit("deg"),
            ColumnInfo::new("s_region", DataType::Utf8).with_xtype("polygon"),
            ColumnInfo::new("t_min", DataType::Float64).with_unit("d"),
            ColumnInfo::new("t_max", DataType::Float64).with_unit("d"),
            ColumnInfo::new("em_min", DataType::Float64).with_unit("m"),
            ColumnInfo::new("em_max", DataType::Float64).with_unit("m"),
            ColumnInfo::new("calib_level", DataType::Int32),
            ColumnInfo::new("obs_collection", DataType::Utf8),
            ColumnInfo::new("instrument_name", DataType::Utf8),
            ColumnInfo::new("access_url", DataType::Utf8),
        ],
    ));
    catalog.add(TableInfo::new(
        "TAP_SCHEMA",
        "tables",
        vec![
            ColumnInfo::new("schema_name", DataType::Utf8),
            ColumnInfo::new("table_name", DataType::Utf8),
            ColumnInfo::new("table_type", DataType::Utf8),
            ColumnInfo::new("description", DataType::Utf8),
        ],
    ));
    catalog.add(TableInfo::new(
        "TAP_SCHEMA",
        "columns",
        vec![
            ColumnInfo::new("table_name", DataType::Utf8),
            ColumnInfo::new("column_name", DataType::Utf8),
            ColumnInfo::new("datatype", DataType::Utf8),
            ColumnInfo::new("unit", DataType::Utf8),
            ColumnInfo::new("ucd", DataType::Utf8),
            ColumnInfo::new("description", DataType::Utf8),
            ColumnInfo::new("size", DataType::Int32),
            ColumnInfo::new("indexed", DataType::Int32),
        ],
    ));
    catalog.add(TableInfo::new(
        "TAP_UPLOAD",
        "mine",
        vec![
            ColumnInfo::new("id", DataType::Int64),
            ColumnInfo::new("ra", DataType::Float64).with_unit("deg"),
            ColumnInfo::new("dec", DataType::Float64).with_unit("deg"),
        ],
    ));
    catalog
}

fn arrow_schema(table: &TableInfo) -> Arc<Schema> {
    let mut fields: Vec<Field> = table.columns.iter().map(|c| Field::new(&c.name, c.data_type.clone(), true)).collect();
    if let Some(position) = &table.position {
        fields.push(Field::new(&position.healpix_column, DataType::Int64, true));
    }
    Arc::new(Schema::new(fields))
}

/// A session with the geometry UDFs and every catalogue table registered (empty).
pub fn empty_session(catalog: &MemoryCatalog) -> SessionContext {
    let ctx = SessionContext::new();
    vo_adql::register_udfs(&ctx);
    use vo_adql::AdqlCatalog;
    for table in catalog.tables() {
        ensure_schema(&ctx, &table.schema);
        let provider = MemTable::try_new(arrow_schema(&table), vec![vec![]]).expect("empty table");
        ctx.register_table(format!("\"{}\".\"{}\"", table.schema, table.name), Arc::new(provider)).expect("register");
    }
    ctx
}

pub fn ensure_schema(ctx: &SessionContext, schema: &str) {
    let catalog = ctx.catalog("datafusion").expect("default catalog");
    if catalog.schema(schema).is_none() {
        catalog.register_schema(schema, Arc::new(MemorySchemaProvider::new())).expect("schema");
    }
}

/// Deterministic random positions; a share placed near the poles and RA = 0/360.
pub fn random_positions(seed: u64, n: usize) -> Vec<(f64, f64)> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| match i % 10 {
            0 => (rng.random_range(0.0..360.0), rng.random_range(85.0..90.0)),
            1 => (rng.random_range(0.0..360.0), rng.random_range(-90.0..-85.0)),
            2 => ((rng.random_range(-3.0f64..3.0)).rem_euclid(360.0), rng.random_range(-10.0..10.0)),
            _ => (rng.random_range(0.0..360.0), rng.random_range(-1.0f64..1.0).asin().to_degrees()),
        })
        .collect()
}

/// Writes positions as a HEALPix-sorted Parquet file (small row groups so pruning is visible) and
/// registers it as `schema.name`.
pub async fn register_positions(
    ctx: &SessionContext,
    dir: &std::path::Path,
    schema: &str,
    name: &str,
    positions: &[(f64, f64)],
) {
    let mut rows: Vec<(i64, f64, f64, i64)> = positions
        .iter()
        .enumerate()
        .map(|(i, &(ra, dec))| (i as i64, ra, dec, vo_geom::healpix_index(12, ra, dec) as i64))
        .collect();
    rows.sort_by_key(|r| r.3);
    let columns = star_columns();
    let table = TableInfo::new(schema, name, columns).with_position(PositionIndex::new("ra", "dec"));
    let schema_ref = arrow_schema(&table);
    let n = rows.len();
    let batch = RecordBatch::try_new(
        schema_ref.clone(),
        vec![
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.1))),
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.2))),
            Arc::new(Float64Array::from_iter_values((0..n).map(|i| 10.0 + (i % 100) as f64 / 10.0))),
            Arc::new(Float64Array::from_iter_values((0..n).map(|i| (i % 7) as f64))),
            Arc::new(StringArray::from_iter_values((0..n).map(|i| format!("star {i}")))),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.3))),
        ],
    )
    .expect("batch");
    let path = dir.join(format!("{schema}_{name}.parquet"));
    let file = std::fs::File::create(&path).expect("create parquet");
    let props = parquet::file::properties::WriterProperties::builder().set_max_row_group_row_count(Some(256)).build();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema_ref, Some(props)).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    ensure_schema(ctx, schema);
    ctx.register_parquet(
        format!("\"{schema}\".\"{name}\""),
        path.to_str().expect("utf8 path"),
        ParquetReadOptions::default(),
    )
    .await
    .expect("register parquet");
}
