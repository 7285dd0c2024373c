//! Query results on generated HEALPix-sorted Parquet tables, against brute-force computations with
//! vo-geom: cones, boxes, polygons and cross-matches, including the poles, RA = 0/360, radius 0 and 10°.

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use datafusion::prelude::SessionContext;
use vo_adql::{AdqlEngine, ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};
use vo_geom::{Circle, Point, Polygon, Shape, SkyBox, angular_distance_deg};

use super::support;

struct Fixture {
    ctx: SessionContext,
    engine: AdqlEngine,
    stars: Vec<(f64, f64)>,
    others: Vec<(f64, f64)>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = SessionContext::new();
    vo_adql::register_udfs(&ctx);
    let stars = support::random_positions(1, 4000);
    // The second table: some stars shifted by < 1 arcsec, plus unrelated positions.
    let mut others: Vec<(f64, f64)> = stars
        .iter()
        .step_by(3)
        .map(|&(ra, dec)| ((ra + 0.0001).rem_euclid(360.0), (dec - 0.0001).max(-90.0)))
        .collect();
    others.extend(support::random_positions(2, 1000));
    support::register_positions(&ctx, dir.path(), "demo", "stars", &stars).await;
    support::register_positions(&ctx, dir.path(), "demo", "other", &others).await;
    let columns: Vec<ColumnInfo> = support::star_columns();
    let catalog = MemoryCatalog::new(vec![
        TableInfo::new("demo", "stars", columns.clone()).with_position(PositionIndex::new("ra", "dec")),
        TableInfo::new("demo", "other", columns).with_position(PositionIndex::new("ra", "dec")),
    ]);
    Fixture { ctx, engine: AdqlEngine::new(Arc::new(catalog)), stars, others, _dir: dir }
}

impl Fixture {
    async fn ids(&self, query: &str) -> BTreeSet<i64> {
        self.pairs(query).await.into_iter().map(|(a, _)| a).collect()
    }

    /// (first, second) Int64 columns of the result.
    async fn pairs(&self, query: &str) -> Vec<(i64, i64)> {
        let df = self.engine.dataframe(&self.ctx, query).await.unwrap_or_else(|e| panic!("{query}: {e}"));
        let batches = df.collect().await.unwrap_or_else(|e| panic!("{query}: {e}"));
        let mut out = Vec::new();
        for batch in batches {
            let first = batch.column(0).as_primitive::<Int64Type>();
            let second = (batch.num_columns() > 1).then(|| batch.column(1).as_primitive::<Int64Type>().clone());
            for row in 0..batch.num_rows() {
                out.push((first.value(row), second.as_ref().map_or(0, |s| s.value(row))));
            }
        }
        out
    }

    async fn explain(&self, query: &str) -> String {
        let plan = self.engine.plan(&self.ctx, query).await.expect("plan");
        format!("{}", plan.display_indent())
    }
}

fn expected(points: &[(f64, f64)], shape: &Shape) -> BTreeSet<i64> {
    points.iter().enumerate().filter(|(_, (ra, dec))| shape.contains(*ra, *dec)).map(|(i, _)| i as i64).collect()
}

fn circle(ra: f64, dec: f64, r: f64) -> Shape {
    Shape::Circle(Circle::new(Point::new(ra, dec).unwrap(), r).unwrap())
}

#[tokio::test]
async fn cones_match_brute_force() {
    let f = fixture().await;
    let cases = [
        (10.0, 20.0, 10.0),
        (0.0, 0.0, 2.0),
        (359.5, 5.0, 3.0),
        (45.0, 89.0, 4.0),
        (200.0, -88.0, 5.0),
        (123.0, -45.0, 1.0),
    ];
    for (ra, dec, r) in cases {
        let query = format!(
            "SELECT source_id FROM demo.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra}, {dec}, {r}))"
        );
        let want = expected(&f.stars, &circle(ra, dec, r));
        assert!(!want.is_empty() || r < 2.0, "test cone ({ra}, {dec}, {r}) should not be empty");
        assert_eq!(f.ids(&query).await, want, "{query}");
        let mirrored =
            format!("SELECT source_id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), CIRCLE({ra}, {dec}, {r})) = 1");
        assert_eq!(f.ids(&mirrored).await, want, "{mirrored}");
        let distance =
            format!("SELECT source_id FROM demo.stars WHERE DISTANCE(POINT(ra, dec), POINT({ra}, {dec})) <= {r}");
        assert_eq!(f.ids(&distance).await, want, "{distance}");
    }
    let plan =
        f.explain("SELECT source_id FROM demo.stars WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE(10, 20, 1))").await;
    assert!(plan.contains("_healpix"), "the HEALPix pre-filter is in the plan:\n{plan}");
}

#[tokio::test]
async fn radius_zero_finds_exact_positions() {
    let f = fixture().await;
    let (ra, dec) = f.stars[17];
    let query =
        format!("SELECT source_id FROM demo.stars WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE({ra:?}, {dec:?}, 0))");
    assert_eq!(f.ids(&query).await, BTreeSet::from([17]));
}

#[tokio::test]
async fn boxes_and_polygons_match_brute_force() {
    let f = fixture().await;
    for (ra, dec, w, h) in [(0.0, 0.0, 6.0, 8.0), (180.0, 88.0, 10.0, 10.0), (300.0, -30.0, 20.0, 5.0)] {
        let shape = Shape::Box(SkyBox::new(Point::new(ra, dec).unwrap(), w, h).unwrap());
        let query =
            format!("SELECT source_id FROM demo.stars WHERE 1 = CONTAINS(POINT(ra, dec), BOX({ra}, {dec}, {w}, {h}))");
        assert_eq!(f.ids(&query).await, expected(&f.stars, &shape), "{query}");
    }
    let polygons: [&[(f64, f64)]; 3] = [
        &[(355.0, -5.0), (5.0, -5.0), (5.0, 5.0), (355.0, 5.0)],
        &[(0.0, 80.0), (90.0, 80.0), (180.0, 80.0), (270.0, 80.0)],
        &[(100.0, 10.0), (120.0, 10.0), (120.0, 30.0), (110.0, 15.0), (100.0, 30.0)],
    ];
    for vertices in polygons {
        let shape = Shape::Polygon(Polygon::from_radec_deg(vertices).unwrap());
        let list: Vec<String> = vertices.iter().map(|(a, b)| format!("{a}, {b}")).collect();
        let query = format!(
            "SELECT source_id FROM demo.stars WHERE 1 = CONTAINS(POINT(ra, dec), POLYGON({}))",
            list.join(", ")
        );
        assert_eq!(f.ids(&query).await, expected(&f.stars, &shape), "{query}");
    }
}

fn brute_force_pairs(a: &[(f64, f64)], b: &[(f64, f64)], radius: f64) -> Vec<(i64, i64)> {
    let mut pairs = Vec::new();
    for (i, p) in a.iter().enumerate() {
        for (j, q) in b.iter().enumerate() {
            if angular_distance_deg(p.0, p.1, q.0, q.1) <= radius {
                pairs.push((i as i64, j as i64));
            }
        }
    }
    pairs.sort();
    pairs
}

#[tokio::test]
async fn crossmatches_match_brute_force() {
    let f = fixture().await;
    let radius = 1.0 / 3600.0;
    let want = brute_force_pairs(&f.stars, &f.others, radius);
    assert!(want.len() > 1000, "{} pairs", want.len());
    let queries = [
        "SELECT s.source_id, o.source_id FROM demo.stars AS s JOIN demo.other AS o \
         ON 1 = CONTAINS(POINT(s.ra, s.dec), CIRCLE(o.ra, o.dec, 1./3600))",
        "SELECT s.source_id, o.source_id FROM demo.stars AS s, demo.other AS o \
         WHERE DISTANCE(POINT(s.ra, s.dec), POINT(o.ra, o.dec)) <= 1.0/3600",
        "SELECT s.source_id, o.source_id FROM demo.stars s INNER JOIN demo.other o \
         ON DISTANCE(s.ra, s.dec, o.ra, o.dec) <= 0.000277777777777778",
    ];
    for query in queries {
        let mut got = f.pairs(query).await;
        got.sort();
        assert_eq!(got, want, "{query}");
        let plan = f.explain(query).await;
        assert!(plan.contains("adql_xmatch_cells"), "bucketed join expected:\n{plan}");
    }
    // A wider radius (10 degrees) on a subset still agrees.
    let wide = "SELECT a.source_id, b.source_id FROM demo.stars AS a JOIN demo.stars AS b \
                ON 1 = CONTAINS(POINT(a.ra, a.dec), CIRCLE(b.ra, b.dec, 10)) \
                WHERE a.source_id < 40 AND b.source_id < 400";
    let mut got = f.pairs(wide).await;
    got.sort();
    let subset_a: Vec<(f64, f64)> = f.stars[..40].to_vec();
    let subset_b: Vec<(f64, f64)> = f.stars[..400].to_vec();
    assert_eq!(got, brute_force_pairs(&subset_a, &subset_b, 10.0));
}

#[tokio::test]
async fn self_crossmatch_and_left_join() {
    let f = fixture().await;
    let radius = 0.5;
    let query = "SELECT a.source_id, b.source_id FROM demo.stars AS a JOIN demo.stars AS b \
                 ON DISTANCE(POINT(a.ra, a.dec), POINT(b.ra, b.dec)) < 0.5";
    let mut got = f.pairs(query).await;
    got.sort();
    let want: Vec<(i64, i64)> = brute_force_pairs(&f.stars, &f.stars, radius)
        .into_iter()
        .filter(|(i, j)| {
            angular_distance_deg(
                f.stars[*i as usize].0,
                f.stars[*i as usize].1,
                f.stars[*j as usize].0,
                f.stars[*j as usize].1,
            ) < radius
        })
        .collect();
    assert_eq!(got, want);
    // LEFT JOIN keeps every star exactly once when unmatched.
    let left = "SELECT s.source_id, COUNT(o.source_id) AS n FROM demo.stars AS s LEFT JOIN demo.other AS o \
                ON 1 = CONTAINS(POINT(o.ra, o.dec), CIRCLE(s.ra, s.dec, 1./3600)) GROUP BY s.source_id";
    let counts = f.pairs(left).await;
    assert_eq!(counts.len(), f.stars.len());
    let matched: usize = counts.iter().map(|(_, n)| *n as usize).sum();
    assert_eq!(matched, brute_force_pairs(&f.stars, &f.others, 1.0 / 3600.0).len());
}
