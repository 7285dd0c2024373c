//! Cross-matches between an upload (an in-memory table without HEALPix index) and a catalogue
//! table, against brute force: with the catalogue's stored `_healpix` as the join key (at the
//! index order and shifted to coarser bucket orders) and without it (the same data declared
//! without index), at several radii, in both join orders, in ON and WHERE form, inner and left.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::physical_plan::{collect, displayable};
use datafusion::prelude::{SessionConfig, SessionContext};
use vo_adql::{AdqlEngine, ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};
use vo_geom::angular_distance_deg;

use super::support;

/// Radii (degrees, as written in the queries) and the shift of the stored order-12 index to the
/// bucket order each gets: 1″ → order 12 (the bare column), 20″ → 11, 3′ → 8, 0.5° → 4.
const RADII: [(&str, f64, u32); 4] =
    [("1.0/3600", 1.0 / 3600.0, 0), ("20.0/3600", 20.0 / 3600.0, 2), ("0.05", 0.05, 8), ("0.5", 0.5, 16)];

struct Fixture {
    ctx: SessionContext,
    engine: AdqlEngine,
    stars: Vec<(f64, f64)>,
    upload: Vec<(f64, f64)>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    // Neither side small enough to be hashed whole by DataFusion's statistics (as a catalogue of
    // millions of rows is not), so that the join's sides are those the translator put: the plan
    // then has the shape it has on a real catalogue, here with a table small enough to test.
    let mut config = SessionConfig::new();
    config.options_mut().optimizer.hash_join_single_partition_threshold = 0;
    config.options_mut().optimizer.hash_join_single_partition_threshold_rows = 0;
    let ctx = SessionContext::new_with_config(config);
    vo_adql::register_udfs(&ctx);
    let stars = support::random_positions(3, 3000);
    // Stars moved by offsets around each radius (so that matches and near misses occur at all of
    // them, at the poles and across RA = 0 too), plus unrelated positions.
    let offsets = [0.3 / 3600.0, 5.0 / 3600.0, 19.0 / 3600.0, 40.0 / 3600.0, 0.04, 0.3, 0.6];
    let mut upload: Vec<(f64, f64)> = stars
        .iter()
        .step_by(7)
        .zip(offsets.iter().cycle())
        .map(|(&(ra, dec), d)| ((ra + d).rem_euclid(360.0), (dec - d).clamp(-90.0, 90.0)))
        .collect();
    upload.extend(support::random_positions(4, 100));
    // The same rows twice: declared with their index, and without (the computed path).
    support::register_positions(&ctx, dir.path(), "demo", "stars", &stars).await;
    support::register_positions(&ctx, dir.path(), "demo", "plain", &stars).await;
    register_upload(&ctx, &upload);
    let columns = support::star_columns();
    let catalog = MemoryCatalog::new(vec![
        TableInfo::new("demo", "stars", columns.clone()).with_position(PositionIndex::new("ra", "dec")),
        TableInfo::new("demo", "plain", columns),
        TableInfo::new(
            "TAP_UPLOAD",
            "mine",
            vec![
                ColumnInfo::new("id", DataType::Int64),
                ColumnInfo::new("ra", DataType::Float64),
                ColumnInfo::new("dec", DataType::Float64),
            ],
        ),
    ]);
    Fixture { ctx, engine: AdqlEngine::new(Arc::new(catalog)), stars, upload, _dir: dir }
}

/// The upload as a TAP service registers one: an in-memory table, in two batches.
fn register_upload(ctx: &SessionContext, positions: &[(f64, f64)]) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("ra", DataType::Float64, false),
        Field::new("dec", DataType::Float64, false),
    ]));
    let half = positions.len() / 2;
    let batches = [(0, &positions[..half]), (half, &positions[half..])]
        .into_iter()
        .map(|(first, part)| {
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int64Array::from_iter_values((first..first + part.len()).map(|i| i as i64))),
                    Arc::new(Float64Array::from_iter_values(part.iter().map(|p| p.0))),
                    Arc::new(Float64Array::from_iter_values(part.iter().map(|p| p.1))),
                ],
            )
            .expect("batch")
        })
        .collect();
    support::ensure_schema(ctx, "TAP_UPLOAD");
    let table = MemTable::try_new(schema, vec![batches]).expect("upload table");
    ctx.register_table("\"TAP_UPLOAD\".\"mine\"", Arc::new(table)).expect("register upload");
}

/// (upload row, star row) pairs within `radius`, sorted.
fn brute_force(upload: &[(f64, f64)], stars: &[(f64, f64)], radius: f64) -> Vec<(i64, i64)> {
    let mut pairs = Vec::new();
    for (i, p) in upload.iter().enumerate() {
        for (j, q) in stars.iter().enumerate() {
            if angular_distance_deg(p.0, p.1, q.0, q.1) <= radius {
                pairs.push((i as i64, j as i64));
            }
        }
    }
    pairs
}

impl Fixture {
    /// The query's two Int64 result columns, sorted, and its physical plan after the run.
    async fn run(&self, query: &str) -> (Vec<(i64, i64)>, String) {
        let df = self.engine.dataframe(&self.ctx, query).await.unwrap_or_else(|e| panic!("{query}: {e}"));
        let plan = df.create_physical_plan().await.unwrap_or_else(|e| panic!("{query}: {e}"));
        let batches = collect(plan.clone(), self.ctx.task_ctx()).await.unwrap_or_else(|e| panic!("{query}: {e}"));
        let mut pairs = Vec::new();
        for batch in batches {
            let (a, b) = (batch.column(0).as_primitive::<Int64Type>(), batch.column(1).as_primitive::<Int64Type>());
            pairs.extend((0..batch.num_rows()).map(|row| (a.value(row), b.value(row))));
        }
        pairs.sort();
        (pairs, displayable(plan.as_ref()).indent(true).to_string())
    }

    async fn logical(&self, query: &str) -> String {
        let plan = self.engine.plan(&self.ctx, query).await.unwrap_or_else(|e| panic!("{query}: {e}"));
        plan.display_indent().to_string()
    }
}

/// The inner cross-match forms, `{table}` and `{r}` to fill in; results are (upload id, star id).
const INNER_FORMS: [&str; 5] = [
    "SELECT u.id, s.source_id FROM TAP_UPLOAD.mine AS u JOIN demo.{table} AS s \
     ON 1 = CONTAINS(POINT('ICRS', s.ra, s.dec), CIRCLE('ICRS', u.ra, u.dec, {r}))",
    "SELECT u.id, s.source_id FROM demo.{table} AS s JOIN TAP_UPLOAD.mine AS u \
     ON 1 = CONTAINS(POINT(s.ra, s.dec), CIRCLE(u.ra, u.dec, {r}))",
    "SELECT u.id, s.source_id FROM demo.{table} AS s INNER JOIN TAP_UPLOAD.mine AS u \
     ON CONTAINS(POINT(u.ra, u.dec), CIRCLE(s.ra, s.dec, {r})) = 1",
    "SELECT u.id, s.source_id FROM demo.{table} AS s, TAP_UPLOAD.mine AS u \
     WHERE DISTANCE(POINT(u.ra, u.dec), POINT(s.ra, s.dec)) <= {r}",
    "SELECT u.id, s.source_id FROM TAP_UPLOAD.mine AS u, demo.{table} AS s \
     WHERE DISTANCE(s.ra, s.dec, u.ra, u.dec) <= {r} AND u.id >= 0",
];

#[tokio::test]
async fn upload_crossmatches_match_brute_force_with_and_without_the_index() {
    let f = fixture().await;
    for (written, radius, shift) in RADII {
        let want = brute_force(&f.upload, &f.stars, radius);
        assert!(want.len() > f.upload.len() / 10, "radius {written}: only {} pairs", want.len());
        for form in INNER_FORMS {
            for table in ["stars", "plain"] {
                let query = form.replace("{table}", table).replace("{r}", written);
                let (got, physical) = f.run(&query).await;
                assert_eq!(got, want, "{query}");
                let logical = f.logical(&query).await;
                if table == "plain" {
                    // Neither side has an index: the join's own choice of sides, cells computed.
                    assert!(logical.contains("adql_healpix("), "computed cells:\n{logical}");
                    continue;
                }
                assert!(logical.contains("adql_xmatch_cells(u.ra, u.dec"), "the upload is expanded:\n{logical}");
                assert!(!logical.contains("adql_healpix"), "no cell computed per catalogue row:\n{logical}");
                let key = if shift == 0 { "s._healpix".to_string() } else { format!("s._healpix >> Int64({shift})") };
                assert!(logical.contains(&key), "keyed by {key}:\n{logical}");
                // The hash table is built from the upload, whose cells reach the catalogue scan.
                let scan = physical.lines().find(|l| l.contains("demo_stars.parquet")).expect("catalogue scan");
                assert!(scan.contains("DynamicFilter") && scan.contains("_healpix"), "{query}:\n{physical}");
            }
        }
    }
}

#[tokio::test]
async fn left_joins_keep_every_row_of_the_preserved_side() {
    let f = fixture().await;
    for (written, radius, _) in RADII {
        let pairs = brute_force(&f.upload, &f.stars, radius);
        for table in ["stars", "plain"] {
            // Upload preserved: the catalogue, the side whose rows may be dropped, is expanded.
            let query = format!(
                "SELECT u.id, COUNT(s.source_id) FROM TAP_UPLOAD.mine AS u LEFT JOIN demo.{table} AS s \
                 ON 1 = CONTAINS(POINT(s.ra, s.dec), CIRCLE(u.ra, u.dec, {written})) GROUP BY u.id"
            );
            let mut want: BTreeMap<i64, i64> = (0..f.upload.len() as i64).map(|i| (i, 0)).collect();
            for (u, _) in &pairs {
                *want.entry(*u).or_default() += 1;
            }
            let (got, _) = f.run(&query).await;
            assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{query}");
            // Catalogue preserved: keyed by its stored index, the upload expanded.
            let query = format!(
                "SELECT s.source_id, COUNT(u.id) FROM demo.{table} AS s LEFT OUTER JOIN TAP_UPLOAD.mine AS u \
                 ON 1 = CONTAINS(POINT(s.ra, s.dec), CIRCLE(u.ra, u.dec, {written})) GROUP BY s.source_id"
            );
            let mut want: BTreeMap<i64, i64> = (0..f.stars.len() as i64).map(|i| (i, 0)).collect();
            for (_, s) in &pairs {
                *want.entry(*s).or_default() += 1;
            }
            let (got, _) = f.run(&query).await;
            assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{query}");
            if table == "stars" {
                let logical = f.logical(&query).await;
                assert!(!logical.contains("adql_healpix"), "keyed by the stored index:\n{logical}");
            }
        }
    }
}

#[tokio::test]
async fn a_stored_index_of_other_columns_is_not_used() {
    // The index is of (ra, dec): a match on other coordinates computes its cells.
    let f = fixture().await;
    let query = "SELECT u.id, s.source_id FROM TAP_UPLOAD.mine AS u JOIN demo.stars AS s \
                 ON 1 = CONTAINS(POINT(s.ra, s.parallax), CIRCLE(u.ra, u.dec, 1.0/3600))";
    let logical = f.logical(query).await;
    // Cells computed for the upload at the radius's own order (15 for 1″), not the index's 12.
    assert!(logical.contains("Filter: adql_healpix(u.ra, u.dec, Int64(15)) = s.__xmatch_cell"), "{logical}");
}
