//! Where the time of a small ADQL query goes before its first row, phase by phase (criterion):
//!
//! * `parse`: ADQL text → checked syntax tree;
//! * `analyse`: + validation against the catalogue and translation (HEALPix pre-filter included);
//! * `logical`: + DataFusion's SQL planner ([`AdqlEngine::plan`], what a TAP service calls);
//! * `optimised`: + DataFusion's logical optimiser;
//! * `physical`: + physical planning (what `create_physical_plan` adds: the optimiser again, then
//!   the Parquet scan with its pruning predicate and the physical optimiser);
//! * `executed`: + running the query to its last row;
//! * `session`: a new `SessionContext` with the geometry UDFs, as a service that makes one per
//!   query (to add tables of its own, e.g. an upload) pays before any of the above.
//!
//! The table is a generated 1,000,000-row Parquet file laid out as the catalogue store writes it
//! (sorted by an order-12 `_healpix`, 65,536-row row groups, 4,096-row pages with page statistics),
//! registered with its sort order, in a session configured as the services configure theirs
//! (filters pushed into the scan, page index). The queries are those of the `parse_validate_plan`
//! group, on an empty in-memory table: there only translation and SQL planning count.
//!
//! Run: `cargo bench -p vo-adql --bench planning` (the bench profile: optimised, as released).

mod common;

use std::sync::Arc;

use arrow_array::{Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use criterion::{Criterion, criterion_group, criterion_main};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::datasource::MemTable;
use datafusion::physical_plan::collect;
use datafusion::prelude::{ParquetReadOptions, SessionContext, col};
use rand::{Rng, SeedableRng};
use vo_adql::{AdqlCatalog, AdqlEngine, ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};

const QUERIES: &[(&str, &str)] = &[
    ("simple", "SELECT TOP 100 source_id, ra, dec, phot_g_mean_mag FROM gaia.source WHERE phot_g_mean_mag < 12"),
    (
        "cone",
        "SELECT source_id, ra, dec, DISTANCE(POINT(ra, dec), POINT(266.4, -29.0)) AS dist FROM gaia.source \
         WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 266.4, -29.0, 0.1)) ORDER BY dist",
    ),
    (
        "crossmatch",
        "SELECT u.id, g.source_id FROM TAP_UPLOAD.mine AS u JOIN gaia.source AS g \
         ON 1 = CONTAINS(POINT(g.ra, g.dec), CIRCLE(u.ra, u.dec, 1./3600))",
    ),
    (
        "aggregate",
        "SELECT ROUND(phot_g_mean_mag) AS bin, COUNT(*) AS n, AVG(parallax) FROM gaia.source \
         GROUP BY ROUND(phot_g_mean_mag) HAVING COUNT(*) > 10 ORDER BY bin",
    ),
];

/// The TAP benchmark's single cone (bench.py's "TAP sync ADQL cone r=0.1").
const CONE: &str = "SELECT * FROM gaia.source WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 180, 0, 0.1))";

const ROWS: usize = 1_000_000;

fn catalog() -> MemoryCatalog {
    let columns = |names: &[&str]| names.iter().map(|n| ColumnInfo::new(*n, DataType::Float64)).collect::<Vec<_>>();
    let mut gaia = columns(&["ra", "dec", "phot_g_mean_mag", "parallax"]);
    gaia.insert(0, ColumnInfo::new("source_id", DataType::Int64));
    let mut upload = columns(&["ra", "dec"]);
    upload.insert(0, ColumnInfo::new("id", DataType::Int64));
    MemoryCatalog::new(vec![
        TableInfo::new("gaia", "source", gaia).with_position(PositionIndex::new("ra", "dec")),
        TableInfo::new("TAP_UPLOAD", "mine", upload),
    ])
}

fn arrow_schema(table: &TableInfo) -> Arc<Schema> {
    let mut fields: Vec<Field> = table.columns.iter().map(|c| Field::new(&c.name, c.data_type.clone(), true)).collect();
    if table.position.is_some() {
        fields.push(Field::new("_healpix", DataType::Int64, true));
    }
    Arc::new(Schema::new(fields))
}

fn ensure_schema(ctx: &SessionContext, schema: &str) {
    let default = ctx.catalog("datafusion").expect("catalog");
    if default.schema(schema).is_none() {
        default.register_schema(schema, Arc::new(MemorySchemaProvider::new())).expect("schema");
    }
}

/// Every table of the catalogue as an empty in-memory table.
fn empty_session(catalog: &MemoryCatalog) -> SessionContext {
    let ctx = SessionContext::new();
    vo_adql::register_udfs(&ctx);
    for table in catalog.tables() {
        ensure_schema(&ctx, &table.schema);
        let provider = MemTable::try_new(arrow_schema(&table), vec![vec![]]).expect("table");
        ctx.register_table(format!("\"{}\".\"{}\"", table.schema, table.name), Arc::new(provider)).expect("register");
    }
    ctx
}

/// `gaia.source` as a HEALPix-sorted Parquet file of `rows` uniform positions (fixed seed).
fn write_source(path: &std::path::Path, table: &TableInfo, rows: usize) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    let mut data: Vec<(f64, f64, i64)> = (0..rows)
        .map(|_| {
            let (ra, dec) = (rng.random_range(0.0..360.0), rng.random_range(-1.0f64..1.0).asin().to_degrees());
            (ra, dec, vo_geom::healpix_index(12, ra, dec) as i64)
        })
        .collect();
    data.sort_by_key(|r| r.2);
    let schema = arrow_schema(table);
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(65_536))
        .set_data_page_row_count_limit(4_096)
        .set_write_batch_size(1_024)
        .set_statistics_enabled(parquet::file::properties::EnabledStatistics::Page)
        .build();
    let file = std::fs::File::create(path).expect("create");
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).expect("writer");
    for (n, chunk) in data.chunks(65_536).enumerate() {
        let first = (n * 65_536) as i64;
        let f64s = |f: &dyn Fn(usize) -> f64| Arc::new(Float64Array::from_iter_values((0..chunk.len()).map(f)));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(first..first + chunk.len() as i64)),
                f64s(&|i| chunk[i].0),
                f64s(&|i| chunk[i].1),
                f64s(&|i| 10.0 + (i % 100) as f64 / 10.0),
                f64s(&|i| (i % 7) as f64),
                Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.2))),
            ],
        )
        .expect("batch");
        writer.write(&batch).expect("write");
    }
    writer.close().expect("close");
}

async fn parquet_session(catalog: &MemoryCatalog, dir: &std::path::Path) -> SessionContext {
    let ctx = SessionContext::new_with_config(common::service_config());
    vo_adql::register_udfs(&ctx);
    let table = catalog.table(Some("gaia"), "source").expect("gaia.source");
    let path = dir.join("source.parquet");
    write_source(&path, &table, ROWS);
    ensure_schema(&ctx, "gaia");
    let options = ParquetReadOptions::default().file_sort_order(vec![vec![col("\"_healpix\"").sort(true, false)]]);
    ctx.register_parquet("\"gaia\".\"source\"", path.to_str().expect("utf-8 path"), options).await.expect("register");
    ctx
}

fn planning(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let catalog = catalog();
    let engine = AdqlEngine::new(Arc::new(catalog.clone()));

    let ctx = empty_session(&catalog);
    let mut group = c.benchmark_group("parse_validate_plan");
    for (name, query) in QUERIES {
        group.bench_function(*name, |b| b.iter(|| runtime.block_on(engine.plan(&ctx, query)).expect("plans")));
    }
    group.finish();
    let mut group = c.benchmark_group("parse");
    for (name, query) in QUERIES {
        group.bench_function(*name, |b| b.iter(|| vo_adql::parse(query).expect("parses")));
    }
    group.finish();

    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = runtime.block_on(parquet_session(&catalog, dir.path()));
    let mut group = c.benchmark_group("cone_phases");
    group.bench_function("parse", |b| b.iter(|| vo_adql::parse(CONE).expect("parses")));
    group.bench_function("analyse", |b| b.iter(|| vo_adql::check(CONE, Some(&catalog)).expect("valid")));
    group.bench_function("logical", |b| b.iter(|| runtime.block_on(engine.plan(&ctx, CONE)).expect("plans")));
    group.bench_function("optimised", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let plan = engine.plan(&ctx, CONE).await.expect("plans");
                ctx.state().optimize(&plan).expect("optimises")
            })
        })
    });
    group.bench_function("physical", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let plan = engine.plan(&ctx, CONE).await.expect("plans");
                ctx.state().create_physical_plan(&plan).await.expect("physical plan")
            })
        })
    });
    group.bench_function("executed", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let plan = engine.plan(&ctx, CONE).await.expect("plans");
                let physical = ctx.state().create_physical_plan(&plan).await.expect("physical plan");
                collect(physical, ctx.task_ctx()).await.expect("runs")
            })
        })
    });
    group.bench_function("session", |b| {
        b.iter(|| {
            let session = SessionContext::new_with_config_rt(common::service_config(), ctx.runtime_env());
            vo_adql::register_udfs(&session);
            session
        })
    });
    group.finish();
}

criterion_group!(benches, planning);
criterion_main!(benches);
