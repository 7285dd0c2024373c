//! Sync queries: results equal brute force, column names, MAXREC with TOP and OVERFLOW, output
//! formats, and the DALI errors for bad queries and parameters.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use arrow_array::{Array, Int64Array};
use vo_tap::TapService;

use vo_catalog::demo;

use crate::support::{Table, Tap, mag, separation, settings, stars};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cone_with_contains_equals_brute_force() {
    let tap = Tap::start().await;
    for (ra, dec, radius) in [(30.0, 20.0, 5.0), (0.5, -10.0, 4.0), (250.0, 88.0, 6.0)] {
        let query = format!(
            "SELECT source_id, ra, dec FROM demo.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra}, {dec}, {radius}))"
        );
        let table = tap.rows(&query, &[]).await;
        let got: BTreeSet<i64> = table.ints("source_id").into_iter().collect();
        assert_eq!(got.len(), table.num_rows(), "duplicate rows");
        // Stars within 1e-9° of the circle may go either way with rounding: left out of both.
        let edge = |s: &demo::Star| (separation(ra, dec, s.ra, s.dec) - radius).abs() < 1e-9;
        let want: BTreeSet<i64> = stars()
            .iter()
            .filter(|s| !edge(s) && separation(ra, dec, s.ra, s.dec) <= radius)
            .map(|s| s.source_id)
            .collect();
        let edge_ids: BTreeSet<i64> = stars().iter().filter(|s| edge(s)).map(|s| s.source_id).collect();
        let got: BTreeSet<i64> = got.difference(&edge_ids).copied().collect();
        assert!(want.len() > 20, "the cone should hold stars: {}", want.len());
        assert_eq!(got, want, "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggregates_equal_brute_force_and_get_readable_names() {
    let tap = Tap::start().await;
    let table = tap
        .rows(
            "SELECT COUNT(*), AVG(phot_g_mean_mag), MIN(dec), MAX(ra), COUNT(parallax), 2 * 3 FROM demo.stars WHERE dec > 0",
            &[],
        )
        .await;
    // Unnamed expressions get stable, readable, unique names [TAP §3.2] (clients key on them).
    assert_eq!(table.fields[..5], ["count", "avg", "min", "max", "count2"]);
    // Every name, also the generated one of `2 * 3`, is a regular ADQL identifier (SHOULD, §3.2).
    let generated = &table.fields[5];
    let regular = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_alphabetic()) && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    assert!(table.fields.iter().all(|f| regular(f)), "{:?}", table.fields);
    assert!(!table.fields[..5].contains(generated), "{:?}", table.fields);
    let north: Vec<&demo::Star> = stars().iter().filter(|s| s.dec > 0.0).collect();
    assert_eq!(table.ints("count"), [north.len() as i64]);
    assert_eq!(table.ints("count2"), [north.iter().filter(|s| s.parallax.is_some()).count() as i64]);
    let mean = north.iter().map(|s| f64::from(mag(s))).sum::<f64>() / north.len() as f64;
    assert!((table.floats("avg")[0] - mean).abs() < 1e-9 * mean, "{} vs {mean}", table.floats("avg")[0]);
    let min_dec = north.iter().map(|s| s.dec).fold(f64::INFINITY, f64::min);
    let max_ra = north.iter().map(|s| s.ra).fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(table.floats("min"), [min_dec]);
    assert_eq!(table.floats("max"), [max_ra]);

    // GROUP BY on an output name, with HAVING.
    let table = tap
        .rows(
            "SELECT FLOOR(phot_g_mean_mag) AS bin, COUNT(*) AS n FROM demo.stars GROUP BY bin HAVING COUNT(*) > 100 ORDER BY bin",
            &[],
        )
        .await;
    let mut want: BTreeMap<i64, i64> = BTreeMap::new();
    for s in stars() {
        *want.entry(f64::from(mag(s)).floor() as i64).or_default() += 1;
    }
    want.retain(|_, n| *n > 100);
    let got: Vec<(i64, i64)> =
        table.floats("bin").into_iter().map(|b| b as i64).zip(table.ints("n")).collect::<Vec<_>>();
    assert_eq!(got, want.into_iter().collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_and_order_by_equal_brute_force() {
    let tap = Tap::start().await;
    let table = tap
        .rows(
            "SELECT TOP 15 source_id, phot_g_mean_mag FROM demo.stars WHERE parallax > 5 ORDER BY phot_g_mean_mag DESC, source_id",
            &[],
        )
        .await;
    let mut want: Vec<&demo::Star> = stars().iter().filter(|s| s.parallax.is_some_and(|p| p > 5.0)).collect();
    want.sort_by(|a, b| mag(b).total_cmp(&mag(a)).then(a.source_id.cmp(&b.source_id)));
    let want: Vec<i64> = want.iter().take(15).map(|s| s.source_id).collect();
    assert_eq!(table.ints("source_id"), want);
    let mags = table.floats("phot_g_mean_mag");
    assert!(mags.windows(2).all(|w| w[0] >= w[1]), "{mags:?}");
}

fn overflowed(table: &crate::support::Table) -> bool {
    table.trailing_status().is_some_and(|i| i.value == "OVERFLOW")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maxrec_truncates_with_overflow_after_the_table() {
    let tap = Tap::start().await;
    let ordered = "SELECT source_id FROM demo.stars ORDER BY source_id";
    let first = |n: i64| (0..n).map(|i| demo::SOURCE_ID_BASE + i).collect::<Vec<_>>();

    let reply = tap.sync(ordered, &[("MAXREC", "10"), ("RESPONSEFORMAT", "votable/td")]).await;
    assert_eq!(reply.status, 200);
    let table = reply.votable();
    assert_eq!(table.status(), "OK");
    assert!(overflowed(&table), "{:?}", table.trailing);
    assert_eq!(table.ints("source_id"), first(10));
    // The overflow INFO sits after </TABLE>, inside the results RESOURCE [DALI §4.4.1].
    let text = reply.text();
    let (table_end, overflow, resource_end) =
        (text.find("</TABLE>").unwrap(), text.find("value=\"OVERFLOW\"").unwrap(), text.rfind("</RESOURCE>").unwrap());
    assert!(table_end < overflow && overflow < resource_end, "{text}");

    // MAXREC=0: the columns, no rows, and the overflow flag [DALI §3.4.4].
    let table = tap.rows_allowing_overflow(ordered, "0").await;
    assert_eq!(table.fields, ["source_id"]);
    assert_eq!(table.num_rows(), 0);
    assert!(overflowed(&table));

    // MAXREC above TOP: TOP's rows, no overflow; below TOP: MAXREC rows and overflow [TAP §2.7.4].
    let top = "SELECT TOP 5 source_id FROM demo.stars ORDER BY source_id";
    let table = tap.rows_allowing_overflow(top, "10").await;
    assert_eq!((table.ints("source_id"), overflowed(&table)), (first(5), false));
    let table = tap.rows_allowing_overflow(top, "5").await;
    assert_eq!((table.ints("source_id"), overflowed(&table)), (first(5), false));
    let table = tap.rows_allowing_overflow(top, "3").await;
    assert_eq!((table.ints("source_id"), overflowed(&table)), (first(3), true));
    // Exactly MAXREC rows exist: nothing was cut, so no overflow (pyvo warns on a false one).
    let five = format!("SELECT source_id FROM demo.stars WHERE source_id < {}", demo::SOURCE_ID_BASE + 5);
    let table = tap.rows_allowing_overflow(&five, "5").await;
    assert_eq!((table.num_rows(), overflowed(&table)), (5, false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_and_hard_maxrec() {
    let settings = vo_tap::TapSettings { maxrec_default: 100, maxrec_hard: 250, ..crate::support::settings() };
    let tap = Tap::with_settings(settings).await;
    let query = "SELECT source_id FROM demo.stars";
    let reply = tap.sync(query, &[]).await;
    let table = reply.votable();
    assert_eq!((table.num_rows(), overflowed(&table)), (100, true));
    let table = tap.rows_allowing_overflow(query, "1000").await;
    assert_eq!((table.num_rows(), overflowed(&table)), (250, true));
    let table = tap.rows_allowing_overflow(query, "200").await;
    assert_eq!((table.num_rows(), overflowed(&table)), (200, true));
    for bad in ["-1", "ten", "1.5"] {
        tap.sync(query, &[("MAXREC", bad)]).await.assert_error(400, "MAXREC");
    }
}

impl Tap {
    async fn rows_allowing_overflow(&self, query: &str, maxrec: &str) -> crate::support::Table {
        let reply = self.sync(query, &[("MAXREC", maxrec)]).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let table = reply.votable();
        assert_eq!(table.status(), "OK");
        table
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_formats_by_short_name_and_mime_type() {
    let tap = Tap::start().await;
    let query = "SELECT TOP 3 source_id, ra FROM demo.stars ORDER BY source_id";
    let cases: [(&str, &str, &[u8]); 10] = [
        ("votable", "application/x-votable+xml;serialization=BINARY2", b"<BINARY2>"),
        ("votable/td", "application/x-votable+xml;serialization=TABLEDATA", b"<TABLEDATA>"),
        ("votable/b", "application/x-votable+xml;serialization=BINARY", b"<BINARY>"),
        ("csv", "text/csv;header=present", b"source_id,ra\r\n"),
        ("tsv", "text/tab-separated-values", b"source_id\tra"),
        ("fits", "application/fits", b"SIMPLE  =                    T"),
        ("parquet", "application/vnd.apache.parquet", b"PAR1"),
        ("json", "application/json", b"\"source_id\""),
        // A full MIME type is echoed back [DALI §3.4.3].
        ("text/xml", "text/xml", b"<BINARY2>"),
        (
            "application/x-votable+xml;serialization=TABLEDATA",
            "application/x-votable+xml;serialization=TABLEDATA",
            b"<TABLEDATA>",
        ),
    ];
    for (format, content_type, marker) in cases {
        let reply = tap.sync(query, &[("RESPONSEFORMAT", format)]).await;
        assert_eq!(reply.status, 200, "{format}: {}", reply.text());
        assert_eq!(reply.content_type, content_type, "{format}");
        assert!(reply.body.windows(marker.len()).any(|w| w == marker), "{format}: {:?}", reply.text());
    }
    // Every row in each format: the ids appear in the delimited and JSON outputs.
    for format in ["csv", "tsv", "json"] {
        let text = tap.sync(query, &[("RESPONSEFORMAT", format)]).await.text();
        for i in 0..3 {
            assert!(text.contains(&(demo::SOURCE_ID_BASE + i).to_string()), "{format}: {text}");
        }
    }
    let json = tap.sync(query, &[("RESPONSEFORMAT", "json")]).await;
    let value: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    assert!(json.text().contains("\"OK\""), "{value}");
    // FORMAT is RESPONSEFORMAT's TAP synonym [TAP §2.7.3].
    let reply = tap.sync(query, &[("FORMAT", "csv")]).await;
    assert_eq!(reply.content_type, "text/csv;header=present");
    let votable = tap.rows(query, &[("RESPONSEFORMAT", "votable/td")]).await;
    assert_eq!(votable.num_rows(), 3);
    tap.sync(query, &[("RESPONSEFORMAT", "image/png")]).await.assert_error(400, "RESPONSEFORMAT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adql_errors_are_dali_errors_with_the_position() {
    let tap = Tap::start().await;
    let message = tap.sync("SELECT ra FROM demo.stars WHERE", &[]).await.assert_error(400, "line 1, column");
    assert!(!message.contains('\n'), "one line: {message}");
    tap.sync("SELECT ra\nFROM demo.stars\nWHERE ra >", &[]).await.assert_error(400, "line 3, column");
    tap.sync("SELECT ra FORM demo.stars", &[]).await.assert_error(400, "line 1, column");
    tap.sync("SELECT nosuchcolumn FROM demo.stars", &[]).await.assert_error(400, "nosuchcolumn");
    tap.sync("SELECT * FROM demo.nosuchtable", &[]).await.assert_error(400, "nosuchtable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lang_query_and_request_parameters() {
    let tap = Tap::start().await;
    let query = "SELECT TOP 2 source_id FROM demo.stars ORDER BY source_id";
    let post = |params: Vec<(&'static str, &'static str)>| {
        let tap = &tap;
        async move { tap.call(vo_dali::Method::Post, "sync", crate::support::to_params(&params), Vec::new()).await }
    };
    post(vec![("QUERY", query)]).await.assert_error(400, "LANG");
    post(vec![("LANG", "SQL"), ("QUERY", query)]).await.assert_error(400, "unknown query language");
    post(vec![("LANG", "ADQL")]).await.assert_error(400, "QUERY");
    for lang in ["ADQL", "adql", "ADQL-2.0", "ADQL-2.1"] {
        let reply = post(vec![("LANG", lang), ("QUERY", query)]).await;
        assert_eq!(reply.status, 200, "LANG={lang}: {}", reply.text());
    }
    // Single-valued parameters given twice are an error [DALI §3.2].
    post(vec![("LANG", "ADQL"), ("LANG", "ADQL-2.1"), ("QUERY", query)]).await.assert_error(400, "LANG");

    // TAP 1.0's REQUEST (and DALI 1.0's VERSION) were removed in TAP 1.1, whose §2.7 says
    // spurious parameters MUST be ignored: REQUEST=doQuery works as before, and any other
    // value is ignored too rather than rejected.
    let plain = tap.rows(query, &[]).await.ints("source_id");
    for extra in [("REQUEST", "doQuery"), ("REQUEST", "getCapabilities"), ("VERSION", "1.0"), ("FOO", "bar")] {
        let reply = tap.sync(query, &[extra]).await;
        assert_eq!(reply.status, 200, "{extra:?}: {}", reply.text());
        assert_eq!(reply.votable().ints("source_id"), plain, "{extra:?}");
    }
    // GET works like POST, with case-insensitive parameter names.
    let reply = tap.get("sync", &[("lang", "ADQL"), ("query", query), ("request", "doQuery")]).await;
    assert_eq!(reply.votable().ints("source_id"), plain);
}

/// A query that fails while it runs (not while it is planned), so after the headers went out.
pub fn failing_at_run_time() -> String {
    // Integer division by zero on one row only: planning cannot see it coming.
    format!(
        "SELECT source_id, 1 / (source_id - {}) AS boom FROM demo.stars WHERE source_id < {} OR source_id = {}",
        demo::SOURCE_ID_BASE + 20_000,
        demo::SOURCE_ID_BASE + 10,
        demo::SOURCE_ID_BASE + 20_000
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_while_running_ends_the_document_with_error() {
    let tap = Tap::start().await;
    let reply = tap.sync(&failing_at_run_time(), &[]).await;
    // The status line went out with the head of the document: the error is reported at its end
    // [DALI §4.4.2], after the table, with the columns declared.
    assert_eq!(reply.status, 200, "{}", reply.text());
    let table = reply.votable();
    assert_eq!(table.status(), "OK");
    assert_eq!(table.fields, ["source_id", "boom"]);
    let trailing = table.trailing_status().expect("a trailing QUERY_STATUS");
    assert_eq!(trailing.value, "ERROR");
    assert!(trailing.content.as_deref().unwrap_or("").to_lowercase().contains("divide by zero"), "{trailing:?}");
}

/// Queries share a session with TAP_SCHEMA registered; a table ingested while the service runs
/// must still become queryable (and listed in TAP_SCHEMA) once the engine has refreshed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_ingested_while_serving_is_queryable_after_a_refresh() {
    use vo_catalog::{CatalogStore, IngestOptions, QueryEngine, Quiet, TableSpec, connect_metadata_db};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("metadata.db").display());
    let ingest = |store: Arc<CatalogStore>, table: &'static str, rows: u64| async move {
        let spec = TableSpec { table: table.into(), metadata: demo::metadata(), ..Default::default() };
        vo_catalog::ingest(&store, vec![demo::source(rows, 1024)], &spec, &IngestOptions::default(), &Quiet)
            .await
            .unwrap();
    };
    let writer = Arc::new(
        CatalogStore::open(dir.path().join("catalog"), connect_metadata_db(&url).await.unwrap()).await.unwrap(),
    );
    ingest(writer.clone(), "demo.early", 100).await;

    let store = Arc::new(
        CatalogStore::open(dir.path().join("catalog"), connect_metadata_db(&url).await.unwrap()).await.unwrap(),
    );
    let setup: vo_catalog::SessionSetup = Arc::new(vo_adql::register_udfs);
    let engine =
        QueryEngine::start_with_setup(store, 2, vo_catalog::default_session_config(), Some(setup)).await.unwrap();
    let jobs = tempfile::tempdir().unwrap();
    let jobs_pool =
        vo_uws::connect_pool(&format!("sqlite://{}?mode=rwc", jobs.path().join("jobs.db").display()), 2).await.unwrap();
    let uws = vo_uws::UwsConfig { workers: 1, ..Default::default() };
    let service = TapService::new(engine.clone(), settings(), jobs_pool, jobs.path().join("jobs"), uws).await.unwrap();
    let tap = Tap::from_service(Arc::new(service), jobs);

    let count = |table: &Table| table.batches[0].column(0).as_any().downcast_ref::<Int64Array>().unwrap().value(0);
    assert_eq!(count(&tap.rows("SELECT COUNT(*) FROM demo.early", &[]).await), 100);
    tap.sync("SELECT COUNT(*) FROM demo.late", &[]).await.assert_error(400, "late");

    ingest(writer, "demo.late", 250).await;
    assert!(engine.refresh().await.unwrap(), "the store saw the new table");
    assert_eq!(count(&tap.rows("SELECT COUNT(*) FROM demo.late", &[]).await), 250);
    assert_eq!(count(&tap.rows("SELECT COUNT(*) FROM demo.early", &[]).await), 100);
    let listed = tap.rows("SELECT COUNT(*) FROM TAP_SCHEMA.tables WHERE table_name = 'demo.late'", &[]).await;
    assert_eq!(count(&listed), 1);
}
