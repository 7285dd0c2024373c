//! Multi-position search through the library: results equal brute force per input position
//! (poles and the RA wrap included), `_in_row` and `_in_id` name the right input, positions
//! without a match have no row, bad input is a `ConeError::BadParameter`, and however many the
//! positions, the plan scans the table once, pruned to the positions' neighbourhood.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::physical_plan::metrics::MetricValue;
use datafusion::physical_plan::{ExecutionPlan, collect, displayable};
use vo_catalog::demo;
use vo_cone::ConeError;
use vo_cone::positions::read_upload;
use vo_cone::search::{Cone, multi_cone};

use crate::support::{Demo, ROWS, demo_store, on_edge, separation};

/// One result row: input row, source_id, `_r`, and `_in_id` when asked for.
#[derive(Debug, Clone, PartialEq)]
struct Match {
    in_row: i64,
    source_id: i64,
    r: f64,
    in_id: Option<String>,
}

fn matches(batches: &[RecordBatch]) -> Vec<Match> {
    let mut out = Vec::new();
    for b in batches {
        let column = |name: &str| b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}")).clone();
        let in_row = column("_in_row");
        let in_row = in_row.as_any().downcast_ref::<Int64Array>().unwrap();
        let ids = column("source_id");
        let ids = ids.as_any().downcast_ref::<Int64Array>().unwrap();
        let r = column("_r");
        let r = r.as_any().downcast_ref::<Float64Array>().unwrap();
        let in_id = b.column_by_name("_in_id").map(|c| c.as_any().downcast_ref::<StringArray>().unwrap().clone());
        for i in 0..b.num_rows() {
            out.push(Match {
                in_row: in_row.value(i),
                source_id: ids.value(i),
                r: r.value(i),
                in_id: in_id.as_ref().map(|a| a.value(i).to_string()),
            });
        }
    }
    out
}

async fn run(demo: &Demo, cones: &[Cone], ids: Option<ArrayRef>, limit: Option<usize>) -> Vec<Match> {
    let columns = ["source_id".to_string(), "ra".to_string(), "dec".to_string()];
    let frame = multi_cone(&demo.ctx, &demo.table, cones, ids, Some(&columns), limit).await.unwrap();
    matches(&frame.collect().await.unwrap())
}

/// Rows sorted by input row, then distance; `_r` is the true distance.
fn check_order_and_distances(demo: &Demo, cones: &[Cone], got: &[Match]) {
    for pair in got.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(a.in_row < b.in_row || (a.in_row == b.in_row && a.r <= b.r), "rows out of order: {a:?} then {b:?}");
    }
    for m in got {
        let (c, s) = (cones[m.in_row as usize], demo.star(m.source_id));
        let d = separation(c.ra, c.dec, s.ra, s.dec);
        assert!((m.r - d).abs() < 1e-9, "{m:?}: _r differs from the distance {d}");
    }
}

/// Per input row, the source_ids found, stars on a cone's edge left out.
fn by_row(demo: &Demo, cones: &[Cone], got: &[Match]) -> BTreeMap<usize, BTreeSet<i64>> {
    let mut out: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    for m in got {
        let c = cones[m.in_row as usize];
        if !on_edge(c.ra, c.dec, c.radius, demo.star(m.source_id)) {
            out.entry(m.in_row as usize).or_default().insert(m.source_id);
        }
    }
    out
}

fn brute_force(demo: &Demo, cones: &[Cone]) -> BTreeMap<usize, BTreeSet<i64>> {
    let mut out = BTreeMap::new();
    for (i, c) in cones.iter().enumerate() {
        let inside: BTreeSet<i64> = demo
            .stars
            .iter()
            .filter(|s| !on_edge(c.ra, c.dec, c.radius, s) && separation(c.ra, c.dec, s.ra, s.dec) <= c.radius)
            .map(|s| s.source_id)
            .collect();
        if !inside.is_empty() {
            out.insert(i, inside);
        }
    }
    out
}

/// 300 positions: random ones with radii from 0.01° to 3° (so one request mixes radii), the
/// poles, both sides of RA=0/360 (one given as RA=-0.5, one as 360.2), and stars' own positions.
fn mixed_cones() -> Vec<Cone> {
    let u = |k: u64| demo::uniform(0xBEEF, k);
    let mut cones = Vec::new();
    for i in 0..260u64 {
        let ra = 360.0 * u(3 * i);
        let dec = (2.0 * u(3 * i + 1) - 1.0).asin().to_degrees();
        let radius = [0.01, 0.3, 1.0, 3.0][(i % 4) as usize] * u(3 * i + 2).max(0.1);
        cones.push(Cone { ra, dec, radius });
    }
    for (ra, dec, radius) in [
        (0.0, 90.0, 3.0),
        (200.0, 89.7, 2.0),
        (0.0, -90.0, 2.5),
        (45.0, -89.2, 2.0),
        (0.0, 0.0, 2.0),
        (359.8, 30.0, 2.0),
        (0.1, -45.0, 2.0),
        (-0.5, 10.0, 2.0),
        (360.2, -10.0, 2.0),
        (180.0, 0.0, 0.0),
    ] {
        cones.push(Cone { ra, dec, radius });
    }
    for i in 0..30 {
        let s = demo::star(i * 977);
        cones.push(Cone { ra: s.ra, dec: s.dec, radius: 0.05 });
    }
    cones
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_cone_equals_brute_force() {
    let demo = demo_store().await;
    let cones = mixed_cones();
    assert_eq!(cones.len(), 300);
    let got = run(&demo, &cones, None, None).await;
    check_order_and_distances(&demo, &cones, &got);
    let want = brute_force(&demo, &cones);
    let got_rows = by_row(&demo, &cones, &got);
    for (i, c) in cones.iter().enumerate() {
        assert_eq!(got_rows.get(&i), want.get(&i), "position {i} {c:?}");
    }
    // Guard against a vacuous comparison: most cones of 1° and more hold stars.
    assert!(want.len() > 100, "only {} of the positions hold stars", want.len());
    // The pole and wrap cones are among them.
    for (i, c) in cones.iter().enumerate().take(269).skip(260) {
        assert!(want.contains_key(&i), "cone {i} {c:?} holds no star");
    }

    // Small cones only: the buckets are then the index's own cells (order 12).
    let small: Vec<Cone> = cones.iter().map(|c| Cone { radius: c.radius.min(0.02), ..*c }).collect();
    let got = run(&demo, &small, None, None).await;
    check_order_and_distances(&demo, &small, &got);
    assert_eq!(by_row(&demo, &small, &got), brute_force(&demo, &small));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_rows_ids_and_positions_without_match() {
    let demo = demo_store().await;
    // Even rows are stars' own positions; odd rows are 1e-5° cones where no star is (the demo
    // table has under one star per square degree).
    let mut cones = Vec::new();
    let mut names = Vec::new();
    for i in 0..40u64 {
        if i % 2 == 0 {
            let s = demo::star(i * 641 + 3);
            cones.push(Cone { ra: s.ra, dec: s.dec, radius: 1e-5 });
        } else {
            let ra = 360.0 * demo::uniform(0xFACE, i);
            cones.push(Cone { ra, dec: 12.5, radius: 1e-5 });
        }
        names.push(format!("target-{i}"));
    }
    let ids: ArrayRef = Arc::new(StringArray::from(names.clone()));
    let got = run(&demo, &cones, Some(ids), None).await;
    let want: Vec<(i64, i64)> =
        (0..40u64).filter(|i| i % 2 == 0).map(|i| (i as i64, demo::star(i * 641 + 3).source_id)).collect();
    let got_pairs: Vec<(i64, i64)> = got.iter().map(|m| (m.in_row, m.source_id)).collect();
    assert_eq!(got_pairs, want, "each star position matches its own star, the others nothing");
    for m in &got {
        assert!(m.r < 1e-9, "{m:?}: a star's own position is at distance 0");
        assert_eq!(m.in_id.as_deref(), Some(names[m.in_row as usize].as_str()), "{m:?}");
    }

    // The nearest star per cone only: every 0.5° cone around a star has that star first.
    let wide: Vec<Cone> = cones.iter().step_by(2).map(|c| Cone { radius: 0.5, ..*c }).collect();
    let all = run(&demo, &wide, None, None).await;
    let nearest = run(&demo, &wide, None, Some(1)).await;
    assert!(all.len() > nearest.len(), "the 0.5° cones hold more than their own star");
    let firsts: Vec<&Match> =
        all.iter().enumerate().filter(|(k, m)| *k == 0 || all[k - 1].in_row != m.in_row).map(|(_, m)| m).collect();
    assert_eq!(nearest.iter().collect::<Vec<_>>(), firsts);
    assert_eq!(nearest.len(), wide.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_bad_parameter() {
    let demo = demo_store().await;
    let bad = |e: ConeError| assert!(matches!(e, ConeError::BadParameter(_)), "{e:?}");
    let multi = |cones: Vec<Cone>, ids: Option<ArrayRef>| {
        let (ctx, table) = (demo.ctx.clone(), demo.table.clone());
        async move { multi_cone(&ctx, &table, &cones, ids, None, None).await.map(|_| ()) }
    };
    bad(multi(vec![], None).await.unwrap_err());
    bad(multi(vec![Cone { ra: 10.0, dec: 95.0, radius: 1.0 }], None).await.unwrap_err());
    bad(multi(vec![Cone { ra: 10.0, dec: 0.0, radius: -1.0 }], None).await.unwrap_err());
    bad(multi(vec![Cone { ra: f64::NAN, dec: 0.0, radius: 1.0 }], None).await.unwrap_err());
    let two_ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    bad(multi(vec![Cone { ra: 10.0, dec: 0.0, radius: 1.0 }], Some(two_ids)).await.unwrap_err());

    // Uploads: unreadable, without position columns, a row without a position, too many rows.
    bad(read_upload(b"<VOTABLE><RESOURCE><TABLE>", 10).unwrap_err());
    bad(read_upload(b"name,magnitude\nx,1\n", 10).unwrap_err());
    bad(read_upload(b"ra,dec\n10,20\n11,\n", 10).unwrap_err());
    bad(read_upload(b"ra,dec\n", 10).unwrap_err());
    let six = "ra,dec\n1,1\n2,2\n3,3\n4,4\n5,5\n6,6\n";
    bad(read_upload(six.as_bytes(), 5).unwrap_err());
    let ok = read_upload(six.as_bytes(), 6).unwrap();
    assert_eq!(ok.coords.len(), 6);
    assert!(ok.ids.is_none());
}

#[test]
fn upload_identifiers() {
    // By name.
    let p = read_upload(b"Name,RA,Dec\nm31,10.68,41.27\nm42,83.82,-5.39\n", 10).unwrap();
    assert_eq!(p.coords, vec![(10.68, 41.27), (83.82, -5.39)]);
    let ids = p.ids.unwrap();
    assert_eq!(ids.name, "Name");
    assert_eq!(ids.values.as_any().downcast_ref::<StringArray>().unwrap().value(1), "m42");
    // By UCD, in a VOTable, preferred to a column merely named id.
    let votable = br#"<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>
<FIELD name="id" datatype="int"/>
<FIELD name="obj" datatype="char" arraysize="*" ucd="meta.id;meta.main"/>
<FIELD name="alpha_deg" datatype="double" ucd="pos.eq.ra;meta.main"/>
<FIELD name="delta_deg" datatype="double" ucd="pos.eq.dec;meta.main"/>
<DATA><TABLEDATA><TR><TD>7</TD><TD>a</TD><TD>1.5</TD><TD>-2.5</TD></TR></TABLEDATA></DATA>
</TABLE></RESOURCE></VOTABLE>"#;
    let p = read_upload(votable, 10).unwrap();
    assert_eq!(p.coords, vec![(1.5, -2.5)]);
    assert_eq!(p.ids.unwrap().name, "obj");
    // No identifier column.
    assert!(read_upload(b"ra,dec,mag\n1,2,3\n", 10).unwrap().ids.is_none());
}

/// The plan's nodes, one line each, and the Parquet scans' row-group pruning (read, total).
fn plan_lines(plan: &Arc<dyn ExecutionPlan>, lines: &mut Vec<String>, row_groups: &mut (usize, usize)) {
    let line = displayable(plan.as_ref()).one_line().to_string();
    if line.contains("file_type=parquet")
        && let Some(metrics) = plan.metrics()
    {
        for metric in metrics.iter() {
            if let MetricValue::PruningMetrics { name, pruning_metrics } = metric.value()
                && name == "row_groups_pruned_statistics"
            {
                row_groups.0 += pruning_metrics.matched();
                row_groups.1 += pruning_metrics.matched() + pruning_metrics.pruned();
            }
        }
    }
    lines.push(line);
    for child in plan.children() {
        plan_lines(child, lines, row_groups);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_scan_pruned_to_the_positions() {
    let demo = demo_store().await;
    let few = vec![Cone { ra: 10.0, dec: 20.0, radius: 0.01 }, Cone { ra: 200.0, dec: -40.0, radius: 0.01 }];
    let many: Vec<Cone> = (0..1000u64)
        .map(|i| {
            let s = demo::star(i * 29);
            Cone { ra: s.ra, dec: s.dec, radius: 0.001 }
        })
        .collect();
    for (cones, pruned) in [(few, true), (many, false)] {
        let frame = multi_cone(&demo.ctx, &demo.table, &cones, None, None, None).await.unwrap();
        let plan = frame.create_physical_plan().await.unwrap();
        let batches = collect(plan.clone(), demo.ctx.task_ctx()).await.unwrap();
        let (mut lines, mut row_groups) = (Vec::new(), (0, 0));
        plan_lines(&plan, &mut lines, &mut row_groups);
        let count = |what: &str| lines.iter().filter(|l| l.contains(what)).count();
        assert_eq!(count("file_type=parquet"), 1, "one scan of the table for {} positions: {lines:#?}", cones.len());
        assert_eq!(count("HashJoinExec"), 1, "a hash join: {lines:#?}");
        assert_eq!(row_groups.1, (ROWS as usize).div_ceil(2048), "{lines:#?}");
        if pruned {
            // Two 0.01° cones lie in at most two row groups each.
            assert!(row_groups.0 <= 4, "{row_groups:?} row groups read for two small cones");
        } else {
            // Every one of the 1,000 stars' positions finds its star.
            let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
            assert!(rows >= 1000, "{rows} rows for 1,000 positions on stars");
        }
    }
}

#[test]
fn pos_parameters_come_first_without_identifiers() {
    let mut request = vo_dali::DaliRequest::new(
        vo_dali::Method::Post,
        vo_dali::Params::from_query("POS=1,2&POS=3%2C4&SR=1"),
        "http://127.0.0.1/scs",
    );
    request.files.push(vo_dali::UploadedFile {
        part_name: "POSITIONS".into(),
        file_name: None,
        content_type: None,
        data: b"id,ra,dec\n17,5,6\n18,7,8\n".to_vec().into(),
    });
    let p = vo_cone::positions::read_positions(&request, 4).unwrap();
    assert_eq!(p.coords, vec![(1.0, 2.0), (3.0, 4.0), (5.0, 6.0), (7.0, 8.0)]);
    let ids = p.ids.unwrap();
    assert_eq!(ids.name, "id");
    let values = ids.values.as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(values.iter().collect::<Vec<_>>(), vec![None, None, Some(17), Some(18)]);
    let too_many = vo_cone::positions::read_positions(&request, 3).unwrap_err();
    assert!(matches!(too_many, ConeError::BadParameter(_)), "{too_many:?}");
}
