//! Every query of `/examples` runs as a client would run it (read from the document), and its
//! answer is checked against the demo rows; the upload example gets an upload named `mine`.

use std::collections::{BTreeMap, BTreeSet};

use vo_catalog::demo;
use vo_dali::Method;

use crate::support::{ROWS, Table, Tap, mag, part, positions_upload, separation, stars, to_params};

/// (id, query) of each example in the document, in order.
fn examples_of(document: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in document.split("typeof=\"example\"").skip(1) {
        let id = block.split("id=\"").nth(1).and_then(|s| s.split('"').next()).expect("an example id");
        let query = block.split("property=\"query\">").nth(1).and_then(|s| s.split("</pre>").next()).expect("a query");
        let query = quick_xml::escape::unescape(query).expect("escaped text").into_owned();
        out.push((id.to_string(), query));
    }
    out
}

fn unit_vector(ra: f64, dec: f64) -> [f64; 3] {
    let (ra, dec) = (ra.to_radians(), dec.to_radians());
    [dec.cos() * ra.cos(), dec.cos() * ra.sin(), dec.sin()]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// Signed distance-like margin of a star to a region: > 0 inside, < 0 outside.
type Region = Box<dyn Fn(&demo::Star) -> f64>;

/// STC's BOX: in the tangent plane at the centre, |x| ≤ tan(w/2) and |y| ≤ tan(h/2).
fn sky_box(ra: f64, dec: f64, width: f64, height: f64) -> Region {
    let c = unit_vector(ra, dec);
    let (r, d) = (ra.to_radians(), dec.to_radians());
    let east = [-r.sin(), r.cos(), 0.0];
    let north = [-d.sin() * r.cos(), -d.sin() * r.sin(), d.cos()];
    let (half_w, half_h) = ((width / 2.0).to_radians().tan(), (height / 2.0).to_radians().tan());
    Box::new(move |s| {
        let p = unit_vector(s.ra, s.dec);
        let z = dot(p, c);
        if z <= 0.0 {
            return -1.0;
        }
        (half_w - (dot(p, east) / z).abs()).min(half_h - (dot(p, north) / z).abs())
    })
}

/// A small convex polygon with great-circle edges, vertices in either winding.
fn polygon(vertices: &[(f64, f64)]) -> Region {
    let v: Vec<[f64; 3]> = vertices.iter().map(|(ra, dec)| unit_vector(*ra, *dec)).collect();
    let normals: Vec<[f64; 3]> = (0..v.len()).map(|i| cross(v[i], v[(i + 1) % v.len()])).collect();
    let centre = v.iter().fold([0.0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
    let sign = dot(normals[0], centre).signum();
    Box::new(move |s| {
        let p = unit_vector(s.ra, s.dec);
        normals.iter().map(|n| sign * dot(*n, p)).fold(f64::INFINITY, f64::min)
    })
}

fn circle(ra: f64, dec: f64, radius: f64) -> Region {
    Box::new(move |s| radius - separation(ra, dec, s.ra, s.dec))
}

/// The returned ids are the stars inside `region`, up to those within `margin` of its edge.
fn assert_region(id: &str, got: &[i64], region: Region, margin: f64) {
    let got: BTreeSet<i64> = got.iter().copied().collect();
    for s in stars() {
        let m = region(s);
        if m.abs() > margin {
            assert_eq!(got.contains(&s.source_id), m > 0.0, "{id}: star {} (margin {m})", s.source_id);
        }
    }
    let known: BTreeSet<i64> = stars().iter().map(|s| s.source_id).collect();
    assert!(got.is_subset(&known), "{id}: unknown ids");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_runs_and_makes_sense() {
    let tap = Tap::start().await;
    let reply = tap.get("examples", &[]).await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("application/xhtml+xml"), "{}", reply.content_type);
    let examples = examples_of(&reply.text());
    assert!(examples.len() >= 10, "{} examples", examples.len());
    let (upload, upload_rows) = positions_upload();
    let mut checked = Vec::new();

    for (id, query) in &examples {
        let mut params = vec![("LANG", "ADQL"), ("QUERY", query.as_str())];
        let mut files = Vec::new();
        if query.contains("TAP_UPLOAD.mine") {
            // As the example's description says: UPLOAD=mine,param:mine.
            params.push(("UPLOAD", "mine,param:mine"));
            files.push(part("mine", upload.clone()));
        }
        let reply = tap.call(Method::Post, "sync", to_params(&params), files).await;
        assert_eq!(reply.status, 200, "{id}: {}", reply.text());
        let table = reply.votable();
        assert_eq!(table.status(), "OK", "{id}");
        assert!(table.trailing.is_empty(), "{id}: {:?}", table.trailing);
        check(id, &table, &upload_rows);
        checked.push(id.as_str());
    }
    assert!(checked.contains(&"upload-crossmatch"), "the upload example ran: {checked:?}");
}

/// What each example must answer on the demo rows. An example without a check fails the test,
/// so a new example comes with its check.
fn check(id: &str, table: &Table, upload_rows: &[(i64, f64, f64)]) {
    let n = table.num_rows();
    match id {
        "list-tables" => {
            let names: Vec<String> = table.strings("table_name").into_iter().flatten().collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted, "ordered by name");
            let want = ["TAP_SCHEMA.columns", "TAP_SCHEMA.key_columns", "TAP_SCHEMA.keys", "TAP_SCHEMA.schemas"];
            assert!(want.iter().all(|w| names.iter().any(|n| n == w)), "{names:?}");
            assert!(names.iter().any(|n| n == "demo.stars") && names.iter().any(|n| n == "TAP_SCHEMA.tables"));
            assert_eq!(n, 6, "{names:?}");
        }
        "columns-with-units" => {
            let columns: Vec<String> = table.strings("column_name").into_iter().flatten().collect();
            let want = ["ra", "dec", "pmra", "pmdec", "parallax", "phot_g_mean_mag", "bp_rp"];
            assert_eq!(columns.iter().map(String::as_str).collect::<BTreeSet<_>>(), want.into_iter().collect());
            assert!(table.strings("unit").iter().all(Option::is_some));
        }
        "cone" => {
            assert_region(id, &table.ints("source_id"), circle(180.0, 0.0, 0.5), 1e-9);
            assert!(n > 0, "the demo rows have stars in this cone");
            let dist = table.floats("dist");
            assert!(dist.windows(2).all(|w| w[0] <= w[1]) && dist.iter().all(|d| *d <= 0.5), "{dist:?}");
        }
        "distance-cone" => assert_region(id, &table.ints("source_id"), circle(45.0, 45.0, 0.2), 1e-9),
        "box" => assert_region(id, &table.ints("source_id"), sky_box(10.0, 10.0, 1.0, 1.0), 1e-9),
        "polygon" => {
            assert_region(id, &table.ints("source_id"), polygon(&[(120.0, 10.0), (121.0, 10.0), (120.5, 11.0)]), 1e-12)
        }
        "brightest" => {
            let mut want: Vec<f64> = stars().iter().map(|s| f64::from(mag(s))).collect();
            want.sort_by(f64::total_cmp);
            assert_eq!(table.floats("phot_g_mean_mag"), want[..10]);
        }
        "aggregate" => {
            let mut want: BTreeMap<i64, (i64, f64)> = BTreeMap::new();
            for s in stars() {
                let entry = want.entry(f64::from(mag(s)).floor() as i64).or_default();
                *entry = (entry.0 + 1, entry.1 + s.dec);
            }
            let bins: Vec<i64> = table.floats("bin").into_iter().map(|b| b as i64).collect();
            assert_eq!(bins, want.keys().copied().collect::<Vec<_>>());
            assert_eq!(table.ints("n"), want.values().map(|v| v.0).collect::<Vec<_>>());
            for (got, (count, sum)) in table.floats("mean_dec").into_iter().zip(want.values()) {
                assert!((got - sum / *count as f64).abs() < 1e-9, "{got}");
            }
        }
        "healpix-density" => {
            let counts = table.ints("n");
            assert_eq!(counts.iter().sum::<i64>(), ROWS as i64, "every star in one cell");
            assert!(counts.windows(2).all(|w| w[0] >= w[1]), "densest first");
            let cells: BTreeSet<i64> = table.ints("hpx").into_iter().collect();
            assert_eq!(cells.len(), n, "one row per cell");
            assert!(cells.iter().all(|c| (0..3072).contains(c)), "order-4 cells");
            // 30,000 stars uniform over 3,072 cells leave almost none empty.
            assert!(n > 3000, "{n} cells");
        }
        "self-crossmatch" => {
            let limit = 30.0 / 3600.0;
            let mut want = BTreeSet::new();
            for a in stars().iter().filter(|a| separation(a.ra, a.dec, 200.0, -20.0) < 1.0 - 1e-9) {
                for b in stars().iter().filter(|b| a.source_id < b.source_id) {
                    if separation(a.ra, a.dec, b.ra, b.dec) < limit - 1e-9 {
                        want.insert((a.source_id, b.source_id));
                    }
                }
            }
            let got: BTreeSet<(i64, i64)> = table.ints("id_a").into_iter().zip(table.ints("id_b")).collect();
            assert!(want.is_subset(&got), "{want:?} ⊄ {got:?}");
            let sep = table.floats("sep");
            assert!(sep.iter().all(|s| *s <= limit + 1e-9), "{sep:?}");
        }
        "upload-crossmatch" => {
            assert_eq!(table.fields, ["id", "ra", "dec", "source_id", "sep"]);
            let limit = 5.0 / 3600.0;
            let mut want = BTreeSet::new();
            for (uid, ra, dec) in upload_rows {
                for s in stars() {
                    if separation(*ra, *dec, s.ra, s.dec) < limit - 1e-9 {
                        want.insert((*uid, s.source_id));
                    }
                }
            }
            let got: BTreeSet<(i64, i64)> = table.ints("id").into_iter().zip(table.ints("source_id")).collect();
            assert_eq!(got, want);
            // Each uploaded demo star found itself.
            assert!(upload_rows.iter().filter(|r| r.0 > 1000).all(|r| got.contains(&(r.0, r.0))));
        }
        other => panic!("example {other} has no check in this test: add one"),
    }
}
