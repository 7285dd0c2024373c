//! Cone search latency on the demo catalogue, server-side (no HTTP and no encoding), on both
//! library paths: [`vo_cone::search::cone`], planned and executed by DataFusion (what ADQL and
//! multi-cone requests use), and [`vo_cone::scan::ConeScanner`], the fast path the SCS service
//! answers single cones with.
//!
//! ```text
//! cargo run -p vo-cone --example cone_latency -- [--rows N] [--dir DIR] [--queries Q] [--multi M]
//! ```
//!
//! Builds `demo.stars` with N rows (default 1,000,000; `--rows 10000000` for the 10M figure) in
//! DIR, or reuses the store already there when it holds a table of N rows (without `--dir`, a
//! temporary directory that is removed at the end). Then, for 0.01°, 0.1° and 1° cones at Q
//! random positions (default 1,000, uniform on the sphere, the same positions every run), it
//! measures each query's latency (planning and execution, all rows collected) and reads from the
//! Parquet scan's execution metrics how many row groups were read (not pruned by their
//! statistics) and how many rows were decoded, and prints a markdown table: the cost should
//! follow the cone's area, not the table's size. A last line times one multi-cone request of M
//! positions (default 10,000; 1″ cones centred on stars, so each finds its star).
//!
//! Latencies in the dev profile are several times those of a release build; compare runs of the
//! same profile.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::physical_plan::metrics::MetricValue;
use datafusion::physical_plan::{ExecutionPlan, collect};
use datafusion::prelude::SessionContext;
use vo_catalog::{CatalogStore, IngestOptions, Quiet, TableMeta, TableSpec, connect_metadata_db, demo};
use vo_cone::scan::ConeScanner;
use vo_cone::search::{Cone, Verbosity, columns_for, cone, multi_cone};

type Error = Box<dyn std::error::Error>;

const USAGE: &str = "usage: cone_latency [--rows N] [--dir DIR] [--queries Q] [--multi M]";

struct Args {
    rows: u64,
    dir: Option<PathBuf>,
    queries: usize,
    multi: usize,
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args { rows: 1_000_000, dir: None, queries: 1_000, multi: 10_000 };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--rows" => args.rows = value()?.replace(['_', ','], "").parse()?,
            "--dir" => args.dir = Some(PathBuf::from(value()?)),
            "--queries" => args.queries = value()?.parse()?,
            "--multi" => args.multi = value()?.replace(['_', ','], "").parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}").into()),
        }
    }
    if args.rows == 0 || args.queries == 0 || args.multi == 0 {
        return Err(format!("--rows, --queries and --multi must be positive\n{USAGE}").into());
    }
    Ok(args)
}

/// The store in `dir`, with `demo.stars` of `rows` rows (reused if already there).
async fn open_catalogue(dir: &std::path::Path, rows: u64) -> Result<(CatalogStore, Arc<TableMeta>), Error> {
    std::fs::create_dir_all(dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("metadata.db").display());
    let store = CatalogStore::open(dir.join("catalog"), connect_metadata_db(&url).await?).await?;
    if let Some(table) = store.table("demo.stars").filter(|t| t.nrows == rows) {
        eprintln!("reusing demo.stars ({rows} rows) in {}", dir.display());
        return Ok((store, table));
    }
    eprintln!("building demo.stars with {rows} rows in {} ...", dir.display());
    let started = Instant::now();
    let spec =
        TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), replace: true, ..Default::default() };
    vo_catalog::ingest(&store, vec![demo::source(rows, 65_536)], &spec, &IngestOptions::default(), &Quiet).await?;
    eprintln!("built in {:.1} s", started.elapsed().as_secs_f64());
    let table = store.table("demo.stars").ok_or("demo.stars missing after ingest")?;
    Ok((store, table))
}

/// What the Parquet scans of an executed plan did.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    row_groups_read: usize,
    row_groups_total: usize,
    rows_decoded: usize,
}

fn scan_metrics(plan: &Arc<dyn ExecutionPlan>, scan: &mut Scan) {
    if matches!(plan.name(), "DataSourceExec" | "ParquetExec")
        && let Some(metrics) = plan.metrics()
    {
        let (mut pushdown, mut output) = (0, 0);
        for metric in metrics.iter() {
            match metric.value() {
                MetricValue::PruningMetrics { name, pruning_metrics } if name == "row_groups_pruned_statistics" => {
                    scan.row_groups_read += pruning_metrics.matched();
                    scan.row_groups_total += pruning_metrics.matched() + pruning_metrics.pruned();
                }
                // With filter pushdown the row filter sees every decoded row: matched + pruned.
                MetricValue::Count { name, count }
                    if name == "pushdown_rows_pruned" || name == "pushdown_rows_matched" =>
                {
                    pushdown += count.value();
                }
                MetricValue::OutputRows(count) => output += count.value(),
                _ => {}
            }
        }
        scan.rows_decoded += if pushdown > 0 { pushdown } else { output };
    }
    for child in plan.children() {
        scan_metrics(child, scan);
    }
}

/// Uniform random positions on the sphere, the same every run.
fn positions(n: usize, seed: u64) -> Vec<(f64, f64)> {
    (0..n as u64)
        .map(|i| {
            let ra = 360.0 * demo::uniform(seed, 2 * i);
            let dec = (2.0 * demo::uniform(seed, 2 * i + 1) - 1.0).asin().to_degrees();
            (ra, dec)
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

struct Row {
    label: String,
    queries: usize,
    p50_ms: f64,
    p99_ms: f64,
    rows: f64,
    scan: (f64, f64, f64),
}

async fn measure_cones(
    ctx: &SessionContext,
    table: &TableMeta,
    columns: &[String],
    radius: f64,
    at: &[(f64, f64)],
) -> Result<Row, Error> {
    let mut latencies = Vec::with_capacity(at.len());
    let (mut rows, mut read, mut total, mut decoded) = (0usize, 0usize, 0usize, 0usize);
    for &(ra, dec) in at {
        let started = Instant::now();
        let frame = cone(ctx, table, Cone { ra, dec, radius }, Some(columns), None).await?;
        let plan = frame.create_physical_plan().await?;
        let batches = collect(plan.clone(), ctx.task_ctx()).await?;
        latencies.push(started.elapsed());
        rows += batches.iter().map(|b| b.num_rows()).sum::<usize>();
        let mut scan = Scan::default();
        scan_metrics(&plan, &mut scan);
        (read, total, decoded) =
            (read + scan.row_groups_read, total + scan.row_groups_total, decoded + scan.rows_decoded);
    }
    latencies.sort();
    let n = at.len() as f64;
    Ok(Row {
        label: format!("cone {radius}°"),
        queries: at.len(),
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        rows: rows as f64 / n,
        scan: (read as f64 / n, total as f64 / n, decoded as f64 / n),
    })
}

/// The same cones through the fast path (row groups by statistics, pages by the page index).
fn measure_fast_path(
    store: &CatalogStore,
    table: &TableMeta,
    columns: &[String],
    radius: f64,
    at: &[(f64, f64)],
) -> Result<Row, Error> {
    let scanner = ConeScanner::default();
    let mut latencies = Vec::with_capacity(at.len());
    let (mut rows, mut read, mut total, mut decoded) = (0usize, 0usize, 0usize, 0usize);
    for &(ra, dec) in at {
        let started = Instant::now();
        let (batch, stats) = scanner.cone_with_stats(store, table, Cone { ra, dec, radius }, Some(columns), None)?;
        latencies.push(started.elapsed());
        rows += batch.num_rows();
        (read, total, decoded) = (read + stats.row_groups_read, total + stats.row_groups, decoded + stats.rows_decoded);
    }
    latencies.sort();
    let n = at.len() as f64;
    Ok(Row {
        label: format!("cone {radius}°, fast path"),
        queries: at.len(),
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        rows: rows as f64 / n,
        scan: (read as f64 / n, total as f64 / n, decoded as f64 / n),
    })
}

/// One multi-cone request of 1″ cones on stars, run a few times (its latency is per request).
async fn measure_multi(
    ctx: &SessionContext,
    table: &TableMeta,
    columns: &[String],
    n: usize,
    rows_in_table: u64,
) -> Result<Row, Error> {
    let step = (rows_in_table / n as u64).max(1);
    let cones: Vec<Cone> = (0..n as u64)
        .map(|i| demo::star((i * step) % rows_in_table))
        .map(|s| Cone { ra: s.ra, dec: s.dec, radius: 1.0 / 3600.0 })
        .collect();
    let runs = 5;
    let mut latencies = Vec::with_capacity(runs);
    let (mut rows, mut scan) = (0, Scan::default());
    for _ in 0..runs {
        let started = Instant::now();
        let frame = multi_cone(ctx, table, &cones, None, Some(columns), None).await?;
        let plan = frame.create_physical_plan().await?;
        let batches = collect(plan.clone(), ctx.task_ctx()).await?;
        latencies.push(started.elapsed());
        rows = batches.iter().map(|b| b.num_rows()).sum();
        scan = Scan::default();
        scan_metrics(&plan, &mut scan);
    }
    latencies.sort();
    Ok(Row {
        label: format!("multi-cone, {n} positions × 1″ (per request, {runs} runs)"),
        queries: runs,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        rows: rows as f64,
        scan: (scan.row_groups_read as f64, scan.row_groups_total as f64, scan.rows_decoded as f64),
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = parse_args()?;
    let temporary = match &args.dir {
        Some(_) => None,
        None => Some(tempfile::tempdir()?),
    };
    let dir = args.dir.clone().unwrap_or_else(|| temporary.as_ref().expect("temporary dir").path().to_path_buf());
    let (store, table) = open_catalogue(&dir, args.rows).await?;
    let ctx = store.session_context(vo_catalog::default_session_config()).await?;
    let columns: Vec<String> = columns_for(&table, Verbosity::Default).into_iter().map(|c| c.name.clone()).collect();

    // Warm-up: file metadata and page indexes into DataFusion's caches, as on a running server.
    measure_cones(&ctx, &table, &columns, 0.1, &positions(20, 0xAB)).await?;
    let at = positions(args.queries, 0x5EED);
    let mut table_rows = Vec::new();
    for radius in [0.01, 0.1, 1.0] {
        table_rows.push(measure_cones(&ctx, &table, &columns, radius, &at).await?);
    }
    measure_fast_path(&store, &table, &columns, 0.1, &positions(20, 0xAB))?;
    for radius in [0.01, 0.1, 1.0] {
        table_rows.push(measure_fast_path(&store, &table, &columns, radius, &at)?);
    }
    table_rows.push(measure_multi(&ctx, &table, &columns, args.multi, args.rows).await?);

    let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
    println!(
        "\n{} rows in demo.stars ({:.1} MB), {} profile, {} random positions\n",
        table.nrows,
        table.bytes as f64 / 1e6,
        profile,
        args.queries
    );
    println!("| query | queries | p50 ms | p99 ms | rows returned | row groups read / total | rows decoded |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &table_rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.1} | {:.2} / {:.0} | {:.0} |",
            r.label, r.queries, r.p50_ms, r.p99_ms, r.rows, r.scan.0, r.scan.1, r.scan.2
        );
    }
    println!("\nrows returned, row groups and rows decoded are means per query (per request for multi-cone).");
    Ok(())
}
