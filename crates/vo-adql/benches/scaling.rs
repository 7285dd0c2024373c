//! End-to-end timings on generated HEALPix-sorted Parquet tables (fixed seed): cones of 0.1° and 1°,
//! a full-table aggregate, a 1″ self cross-match and a 1″ cross-match of a 10,000-row upload
//! (in-memory) with the table in both join orders, with rows scanned and row groups pruned read
//! from DataFusion's metrics. Prints a table; `SCALING_ROWS=1000000,10000000` picks the sizes,
//! `SHOWPLAN=1` also prints the upload cross-match plans with their metrics.
//!
//! Run: `cargo bench -p vo-adql --bench scaling`

mod common;

use std::sync::Arc;
use std::time::Instant;

use arrow_array::{Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::datasource::MemTable;
use datafusion::physical_plan::{ExecutionPlan, collect};
use datafusion::prelude::{ParquetReadOptions, SessionContext, col};
use rand::{Rng, SeedableRng};
use vo_adql::{AdqlEngine, ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};

fn columns() -> Vec<ColumnInfo> {
    vec![
        ColumnInfo::new("source_id", DataType::Int64),
        ColumnInfo::new("ra", DataType::Float64),
        ColumnInfo::new("dec", DataType::Float64),
        ColumnInfo::new("phot_g_mean_mag", DataType::Float64),
        ColumnInfo::new("Name", DataType::Utf8),
    ]
}

fn write_table(path: &std::path::Path, rows: usize, seed: u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut data: Vec<(i64, f64, f64, f64, i64)> = (0..rows)
        .map(|i| {
            let ra = rng.random_range(0.0..360.0);
            let dec = rng.random_range(-1.0f64..1.0).asin().to_degrees();
            (i as i64, ra, dec, rng.random_range(5.0..21.0), vo_geom::healpix_index(12, ra, dec) as i64)
        })
        .collect();
    data.sort_by_key(|r| r.4);
    let schema = Arc::new(Schema::new(vec![
        Field::new("source_id", DataType::Int64, false),
        Field::new("ra", DataType::Float64, false),
        Field::new("dec", DataType::Float64, false),
        Field::new("phot_g_mean_mag", DataType::Float64, false),
        Field::new("Name", DataType::Utf8, false),
        Field::new("_healpix", DataType::Int64, false),
    ]));
    // The catalogue store's layout: 65,536-row row groups of 4,096-row pages with statistics.
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(65_536))
        .set_data_page_row_count_limit(4_096)
        .set_write_batch_size(1_024)
        .set_statistics_enabled(parquet::file::properties::EnabledStatistics::Page)
        .build();
    let file = std::fs::File::create(path).expect("create");
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).expect("writer");
    for chunk in data.chunks(262_144) {
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.0))),
                Arc::new(Float64Array::from_iter_values(chunk.iter().map(|r| r.1))),
                Arc::new(Float64Array::from_iter_values(chunk.iter().map(|r| r.2))),
                Arc::new(Float64Array::from_iter_values(chunk.iter().map(|r| r.3))),
                Arc::new(StringArray::from_iter_values(chunk.iter().map(|r| format!("s{}", r.0)))),
                Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.4))),
            ],
        )
        .expect("batch");
        writer.write(&batch).expect("write");
    }
    writer.close().expect("close");
}

/// (rows read from Parquet, row groups read, row groups total) summed over the scans of a plan.
fn scan_metrics(plan: &Arc<dyn ExecutionPlan>) -> (usize, usize, usize) {
    let mut totals = (0, 0, 0);
    if plan.children().is_empty()
        && let Some(metrics) = plan.metrics()
    {
        let metrics = metrics.aggregate_by_name();
        totals.0 += metrics.output_rows().unwrap_or(0);
        for metric in metrics.iter() {
            let name = metric.value().name();
            let text = metric.value().to_string();
            if name == "row_groups_pruned_statistics" {
                // Displayed as "<total> total → <matched> matched".
                let numbers: Vec<usize> = text
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                if let [total, .., matched] = numbers.as_slice() {
                    totals.1 += matched;
                    totals.2 += total;
                }
            }
        }
    }
    for child in plan.children() {
        let (a, b, c) = scan_metrics(child);
        totals = (totals.0 + a, totals.1 + b, totals.2 + c);
    }
    totals
}

async fn measure(ctx: &SessionContext, engine: &AdqlEngine, label: &str, query: &str) {
    let mut times = Vec::new();
    let mut result_rows = 0;
    let mut metrics = (0, 0, 0);
    for _ in 0..5 {
        let start = Instant::now();
        let df = engine.dataframe(ctx, query).await.expect("plan");
        let plan = df.create_physical_plan().await.expect("physical plan");
        let batches = collect(plan.clone(), ctx.task_ctx()).await.expect("execute");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        result_rows = batches.iter().map(|b| b.num_rows()).sum::<usize>();
        metrics = scan_metrics(&plan);
        if label.starts_with("upload") && std::env::var("SHOWPLAN").is_ok() {
            println!(
                "{}",
                datafusion::physical_plan::display::DisplayableExecutionPlan::with_metrics(plan.as_ref()).indent(true)
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{label:<34} {:>9.1} ms (median of 5) | result rows {result_rows:>8} | rows scanned {:>9} | row groups read {:>4}/{}",
        times[2], metrics.0, metrics.1, metrics.2
    );
}

async fn run(rows: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.parquet");
    let start = Instant::now();
    write_table(&path, rows, 42);
    println!("\n== {rows} rows (generated in {:.1} s) ==", start.elapsed().as_secs_f64());
    let ctx = SessionContext::new_with_config(common::service_config());
    vo_adql::register_udfs(&ctx);
    let default = ctx.catalog("datafusion").expect("catalog");
    default.register_schema("bench", Arc::new(MemorySchemaProvider::new())).expect("schema");
    // Registered as the catalogue store registers its tables: with their sort order.
    let sorted = || ParquetReadOptions::default().file_sort_order(vec![vec![col("\"_healpix\"").sort(true, false)]]);
    ctx.register_parquet("\"bench\".\"big\"", path.to_str().expect("path"), sorted()).await.expect("register");
    let xmatch_path = dir.path().join("small.parquet");
    write_table(&xmatch_path, 100_000, 7);
    ctx.register_parquet("\"bench\".\"small\"", xmatch_path.to_str().expect("path"), sorted()).await.expect("register");
    let uploaded = register_upload(&ctx, rows).await;
    let catalog = MemoryCatalog::new(vec![
        TableInfo::new("bench", "big", columns()).with_position(PositionIndex::new("ra", "dec")),
        TableInfo::new("bench", "small", columns()).with_position(PositionIndex::new("ra", "dec")),
        TableInfo::new(
            "TAP_UPLOAD",
            "mine",
            vec![
                ColumnInfo::new("uid", DataType::Int64),
                ColumnInfo::new("ra", DataType::Float64),
                ColumnInfo::new("dec", DataType::Float64),
            ],
        ),
    ]);
    let engine = AdqlEngine::new(Arc::new(catalog));
    for radius in [0.1, 1.0] {
        measure(
            &ctx,
            &engine,
            &format!("cone {radius} deg (CONTAINS)"),
            &format!("SELECT source_id, ra, dec FROM bench.big WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE(150.0, 20.0, {radius}))"),
        )
        .await;
    }
    // The same 1° cone as a full scan with the exact test only (what HEALPix pruning saves).
    let start = Instant::now();
    let df = ctx
        .sql("SELECT source_id FROM bench.big WHERE adql_contains_point(ra, dec, adql_circle(150.0, 20.0, 1.0)) = 1")
        .await
        .expect("sql");
    let n: usize = df.collect().await.expect("run").iter().map(|b| b.num_rows()).sum();
    println!(
        "{:<34} {:>9.1} ms (single run)      | result rows {n:>8}",
        "cone 1 deg, no HEALPix pre-filter",
        start.elapsed().as_secs_f64() * 1000.0
    );
    measure(&ctx, &engine, "full-table aggregate", "SELECT COUNT(*), AVG(phot_g_mean_mag), MAX(dec) FROM bench.big")
        .await;
    measure(
        &ctx,
        &engine,
        "self cross-match 100k rows at 1\"",
        "SELECT COUNT(*) FROM bench.small AS a JOIN bench.small AS b ON 1 = CONTAINS(POINT(a.ra, a.dec), CIRCLE(b.ra, b.dec, 1./3600))",
    )
    .await;
    // The TAP benchmark's upload cross-match (bench_more.py), in both join orders.
    for (label, from) in [
        ("upload first", "TAP_UPLOAD.mine AS u JOIN bench.big AS s"),
        ("catalogue first", "bench.big AS s JOIN TAP_UPLOAD.mine AS u"),
    ] {
        measure(
            &ctx,
            &engine,
            &format!("upload {uploaded} x table at 1\" ({label})"),
            &format!(
                "SELECT u.uid, s.source_id FROM {from} \
                 ON 1=CONTAINS(POINT('ICRS', s.ra, s.dec), CIRCLE('ICRS', u.ra, u.dec, 1.0/3600))"
            ),
        )
        .await;
    }
}

/// `TAP_UPLOAD.mine`: 10,000 positions of `bench.big` (as bench_more.py uploads catalogue
/// positions, so that each finds at least its own star) in an in-memory table, as a TAP service
/// holds an upload. Returns the number of rows.
async fn register_upload(ctx: &SessionContext, rows: usize) -> usize {
    let step = (rows / 10_000).max(1);
    let batches = ctx
        .sql(&format!("SELECT source_id AS uid, ra, dec FROM bench.big WHERE source_id % {step} = 0"))
        .await
        .expect("sql")
        .collect()
        .await
        .expect("upload rows");
    let default = ctx.catalog("datafusion").expect("catalog");
    default.register_schema("TAP_UPLOAD", Arc::new(MemorySchemaProvider::new())).expect("schema");
    let n = batches.iter().map(|b| b.num_rows()).sum();
    let table = MemTable::try_new(batches[0].schema(), vec![batches]).expect("upload table");
    ctx.register_table("\"TAP_UPLOAD\".\"mine\"", Arc::new(table)).expect("register");
    n
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SCALING_ROWS")
        .unwrap_or_else(|_| "1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    for rows in sizes {
        runtime.block_on(run(rows));
    }
}
