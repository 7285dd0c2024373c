//! Parse + validate + plan time of typical ADQL queries (no execution).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema};
use criterion::{Criterion, criterion_group, criterion_main};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use vo_adql::{AdqlEngine, ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};

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

fn setup() -> (SessionContext, AdqlEngine) {
    let columns = |names: &[&str]| names.iter().map(|n| ColumnInfo::new(*n, DataType::Float64)).collect::<Vec<_>>();
    let mut gaia = columns(&["ra", "dec", "phot_g_mean_mag", "parallax"]);
    gaia.insert(0, ColumnInfo::new("source_id", DataType::Int64));
    let catalog = MemoryCatalog::new(vec![
        TableInfo::new("gaia", "source", gaia).with_position(PositionIndex::new("ra", "dec")),
        TableInfo::new("TAP_UPLOAD", "mine", {
            let mut c = columns(&["ra", "dec"]);
            c.insert(0, ColumnInfo::new("id", DataType::Int64));
            c
        }),
    ]);
    let ctx = SessionContext::new();
    vo_adql::register_udfs(&ctx);
    use vo_adql::AdqlCatalog;
    for table in catalog.tables() {
        let default = ctx.catalog("datafusion").expect("catalog");
        if default.schema(&table.schema).is_none() {
            default.register_schema(&table.schema, Arc::new(MemorySchemaProvider::new())).expect("schema");
        }
        let mut fields: Vec<Field> =
            table.columns.iter().map(|c| Field::new(&c.name, c.data_type.clone(), true)).collect();
        if table.position.is_some() {
            fields.push(Field::new("_healpix", DataType::Int64, true));
        }
        let provider = MemTable::try_new(Arc::new(Schema::new(fields)), vec![vec![]]).expect("table");
        ctx.register_table(format!("\"{}\".\"{}\"", table.schema, table.name), Arc::new(provider)).expect("register");
    }
    (ctx, AdqlEngine::new(Arc::new(catalog)))
}

fn planning(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let (ctx, engine) = setup();
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
}

criterion_group!(benches, planning);
criterion_main!(benches);
