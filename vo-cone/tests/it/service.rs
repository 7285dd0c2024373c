//! The cone service answering real `DaliRequest`s through `DaliService::handle`: the SCS query
//! and the `/multi` extension, read back as VOTables (SCS 1.03 UCD1 fields, UCD1+ kept, `_r`
//! sorted, MAXREC overflow, SR=0 metadata) and SCS error documents for bad input.

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_cast::cast;
use arrow_schema::DataType;
use futures::StreamExt;
use vo_catalog::{QueryEngine, demo};
use vo_cone::{ConeError, ConeService, ConeSettings};
use vo_dali::{Body, DaliRequest, DaliResponse, DaliService, Method, Params, UploadedFile};
use vo_votable::model::VoTable;

use crate::support::{Demo, demo_store, on_edge, separation};

const BASE: &str = "http://127.0.0.1:8080/scs";

/// The service and the store it serves (which must outlive it: bind it, never drop it with `..`).
struct Service {
    demo: Demo,
    service: ConeService,
}

async fn service(settings: ConeSettings) -> Service {
    let demo = demo_store().await;
    let setup: vo_catalog::SessionSetup = Arc::new(vo_adql::register_udfs);
    let engine =
        QueryEngine::start_with_setup(demo.store.clone(), 2, vo_catalog::default_session_config(), Some(setup))
            .await
            .unwrap();
    Service { demo, service: ConeService::new(engine, settings) }
}

fn settings() -> ConeSettings {
    ConeSettings { max_sr: 10.0, max_records: 100_000, max_positions: 50 }
}

async fn body(response: DaliResponse) -> Vec<u8> {
    match response.body {
        Body::Empty => Vec::new(),
        Body::Bytes(b) => b.to_vec(),
        Body::Stream(mut s) => {
            let mut out = Vec::new();
            while let Some(chunk) = s.next().await {
                out.extend_from_slice(&chunk.unwrap());
            }
            out
        }
    }
}

fn get(query: &str) -> DaliRequest {
    DaliRequest::new(Method::Get, Params::from_query(query), BASE)
}

fn post_positions(query: &str, csv: &str) -> DaliRequest {
    let mut request = DaliRequest::new(Method::Post, Params::from_query(query), BASE);
    request.files.push(UploadedFile {
        part_name: "POSITIONS".into(),
        file_name: Some("positions.csv".into()),
        content_type: Some("text/csv".into()),
        data: csv.to_string().into_bytes().into(),
    });
    request
}

/// A successful result: status 200, a VOTable, its rows.
struct Answer {
    doc: VoTable,
    batches: Vec<RecordBatch>,
}

impl Answer {
    fn ucds(&self) -> Vec<(String, String)> {
        let table = &self.doc.resources[0].tables[0];
        table.fields.iter().map(|f| (f.name.clone(), f.ucd.clone().unwrap_or_default())).collect()
    }

    fn rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// A column of every batch, cast to `to`.
    fn column<T: Array + Clone + 'static>(&self, name: &str, to: &DataType) -> Vec<T> {
        self.batches
            .iter()
            .map(|b| {
                let c = b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}"));
                cast(c, to).unwrap().as_any().downcast_ref::<T>().unwrap().clone()
            })
            .collect()
    }

    fn f64s(&self, name: &str) -> Vec<f64> {
        self.column::<Float64Array>(name, &DataType::Float64).iter().flat_map(|a| a.values().to_vec()).collect()
    }

    fn i64s(&self, name: &str) -> Vec<i64> {
        self.column::<Int64Array>(name, &DataType::Int64).iter().flat_map(|a| a.values().to_vec()).collect()
    }

    fn strings(&self, name: &str) -> Vec<String> {
        self.column::<StringArray>(name, &DataType::Utf8)
            .iter()
            .flat_map(|a| (0..a.len()).map(|i| a.value(i).to_string()).collect::<Vec<_>>())
            .collect()
    }

    /// The QUERY_STATUS INFOs after the table.
    fn trailing_status(&self) -> Vec<String> {
        let resource = &self.doc.resources[0];
        resource
            .trailing_infos
            .iter()
            .chain(resource.tables.iter().flat_map(|t| t.trailing_infos.iter()))
            .filter(|i| i.name == "QUERY_STATUS")
            .map(|i| i.value.clone())
            .collect()
    }
}

async fn ok(service: &ConeService, resource: &str, request: DaliRequest) -> Answer {
    let response = service.handle(resource, request).await;
    let status = response.status;
    let bytes = body(response).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let (doc, batches) = vo_votable::read_all(&bytes[..]).unwrap();
    Answer { doc, batches }
}

/// An SCS error: the status, and a VOTable with INFO name="Error" and QUERY_STATUS=ERROR.
async fn error(service: &ConeService, resource: &str, request: DaliRequest, status: u16) -> String {
    let response = service.handle(resource, request).await;
    assert_eq!(response.status, status);
    assert!(response.content_type.starts_with("text/xml"), "{}", response.content_type);
    let text = String::from_utf8(body(response).await).unwrap();
    let doc = vo_votable::read_all(text.as_bytes()).map(|(doc, _)| doc);
    let doc = doc.unwrap_or_else(|e| panic!("error document is no VOTable ({e}): {text}"));
    let message = doc.infos.iter().find(|i| i.name == "Error").map(|i| i.value.clone());
    let message = message.unwrap_or_else(|| panic!("no INFO name=Error: {text}"));
    let status_info = doc.resources[0].infos.iter().find(|i| i.name == "QUERY_STATUS").map(|i| i.value.as_str());
    assert_eq!(status_info, Some("ERROR"), "{text}");
    message
}

/// SCS 1.03 §2: exactly one field each with the UCD1 names; the other columns keep UCD1+.
fn check_fields(result: &Answer) {
    let ucds = result.ucds();
    for ucd in ["ID_MAIN", "POS_EQ_RA_MAIN", "POS_EQ_DEC_MAIN"] {
        assert_eq!(ucds.iter().filter(|(_, u)| u == ucd).count(), 1, "{ucd} in {ucds:?}");
    }
    let ucd_of = |name: &str| ucds.iter().find(|(n, _)| n == name).map(|(_, u)| u.as_str());
    assert_eq!(ucd_of("source_id"), Some("ID_MAIN"));
    assert_eq!(ucd_of("ra"), Some("POS_EQ_RA_MAIN"));
    assert_eq!(ucd_of("dec"), Some("POS_EQ_DEC_MAIN"));
    assert_eq!(ucd_of("phot_g_mean_mag"), Some("phot.mag;em.opt"));
    assert_eq!(ucd_of("_r"), Some("pos.angDistance"));
}

fn sorted(values: &[f64]) -> bool {
    values.windows(2).all(|w| w[0] <= w[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scs_query() {
    let Service { demo, service } = service(settings()).await;
    let (ra, dec, sr) = (200.0, -30.0, 4.0);
    let result = ok(&service, "demo.stars", get(&format!("RA={ra}&DEC={dec}&SR={sr}&VERB=3"))).await;
    check_fields(&result);
    assert!(result.ucds().iter().any(|(n, u)| n == "parallax" && u == "pos.parallax.trig"));
    let r = result.f64s("_r");
    assert!(sorted(&r), "_r not ascending");
    let got: BTreeSet<i64> = result.strings("source_id").iter().map(|s| s.parse().unwrap()).collect();
    let want: BTreeSet<i64> = demo
        .stars
        .iter()
        .filter(|s| !on_edge(ra, dec, sr, s) && separation(ra, dec, s.ra, s.dec) <= sr)
        .map(|s| s.source_id)
        .collect();
    let got: BTreeSet<i64> = got.into_iter().filter(|&id| !on_edge(ra, dec, sr, demo.star(id))).collect();
    assert!(want.len() > 20, "{} stars: a vacuous comparison", want.len());
    assert_eq!(got, want);
    assert_eq!(result.trailing_status(), Vec::<String>::new());

    // MAXREC below the number of rows: the nearest rows, then OVERFLOW.
    let limited = ok(&service, "demo.stars", get(&format!("RA={ra}&DEC={dec}&SR={sr}&MAXREC=5"))).await;
    assert_eq!(limited.rows(), 5);
    assert_eq!(limited.f64s("_r"), r[..5].to_vec());
    assert_eq!(limited.trailing_status(), vec!["OVERFLOW".to_string()]);

    // SR=0 is the metadata query: the fields, no rows, no overflow, even centred on a star.
    let star = demo::star(123);
    let metadata = ok(&service, "demo.stars", get(&format!("RA={:.17}&DEC={:.17}&SR=0", star.ra, star.dec))).await;
    assert_eq!(metadata.rows(), 0);
    check_fields(&metadata);
    assert_eq!(metadata.trailing_status(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scs_errors() {
    let Service { demo: _demo, service } = service(settings()).await;
    let cases = [
        ("DEC=0&SR=1", 400, "RA"),
        ("RA=10&DEC=95&SR=1", 400, "DEC"),
        ("RA=10&DEC=0&SR=wide", 400, "SR"),
        ("RA=10&DEC=0&SR=-1", 400, "SR"),
        ("RA=10&DEC=0&SR=11", 400, "maximum"),
        ("RA=10&DEC=0&SR=1&VERB=7", 400, "VERB"),
    ];
    for (query, status, word) in cases {
        let message = error(&service, "demo.stars", get(query), status).await;
        assert!(message.contains(word), "{query}: {message}");
    }
    let message = error(&service, "demo.nothing", get("RA=10&DEC=0&SR=1"), 404).await;
    assert!(message.contains("demo.nothing"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_over_the_service() {
    let Service { demo: _demo, service } = service(settings()).await;
    // 20 stars by name, and 3 positions where no star is.
    let mut csv = String::from("name,ra,dec\n");
    let mut targets = Vec::new();
    for i in 0..20u64 {
        let s = demo::star(i * 1409 + 11);
        csv.push_str(&format!("star-{i},{:.17},{:.17}\n", s.ra, s.dec));
        targets.push(Some(s.source_id));
    }
    for k in 0..3 {
        csv.push_str(&format!("empty-{k},{},-33.3\n", 100.0 + k as f64 * 0.37));
        targets.push(None);
    }
    let result = ok(&service, "demo.stars/multi", post_positions("SR=0.00001&RESPONSEFORMAT=votable/td", &csv)).await;
    check_fields(&result);
    let ucds = result.ucds();
    assert_eq!(ucds[0].0, "_in_row");
    assert_eq!(ucds[1].0, "_in_id");
    let rows = result.i64s("_in_row");
    let in_ids = result.strings("_in_id");
    let source_ids = result.strings("source_id");
    let got: Vec<(i64, String, String)> =
        rows.iter().zip(&in_ids).zip(&source_ids).map(|((r, n), s)| (*r, n.clone(), s.clone())).collect();
    let want: Vec<(i64, String, String)> = targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|id| (i as i64, format!("star-{i}"), id.to_string())))
        .collect();
    assert_eq!(got, want);
    assert!(result.f64s("_r").iter().all(|&r| r < 1e-9));

    // POS repeated, wider cones: sorted by input row then distance; MAXREC overflow.
    let (a, b) = (demo::star(7), demo::star(29_000));
    let query = format!("POS={:.17},{:.17}&POS={:.17},{:.17}&SR=2", a.ra, a.dec, b.ra, b.dec);
    let result = ok(&service, "demo.stars/multi", get(&query)).await;
    check_fields(&result);
    assert!(!result.ucds().iter().any(|(n, _)| n == "_in_id"), "no identifiers were given");
    let rows = result.i64s("_in_row");
    let r = result.f64s("_r");
    assert!(rows.windows(2).all(|w| w[0] <= w[1]), "not sorted by input row");
    assert!(rows.contains(&0) && rows.contains(&1));
    for input in [0, 1] {
        let within: Vec<f64> = rows.iter().zip(&r).filter(|(row, _)| **row == input).map(|(_, r)| *r).collect();
        assert!(within.len() > 1 && sorted(&within), "input {input}: {within:?}");
        assert!(within[0] < 1e-9, "input {input}: its own star comes first");
    }
    let limited = ok(&service, "demo.stars/multi", get(&format!("{query}&MAXREC=3"))).await;
    assert_eq!(limited.rows(), 3);
    assert_eq!(limited.trailing_status(), vec!["OVERFLOW".to_string()]);
    let metadata = ok(&service, "demo.stars/multi", get(&query.replace("SR=2", "SR=0"))).await;
    assert_eq!(metadata.rows(), 0);
    check_fields(&metadata);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_errors() {
    let Service { demo: _demo, service } = service(settings()).await;
    let bad = |e: ConeError| assert!(matches!(e, ConeError::BadParameter(_)), "{e:?}");
    let many: String = (0..51).map(|i| format!("{i}.5,1\n")).collect();
    let requests = [
        ("no positions", get("SR=1"), "POSITIONS"),
        ("no SR", get("POS=10,10"), "SR"),
        ("SR above maxSR", get("POS=10,10&SR=12"), "maximum"),
        ("bad POS", get("POS=10&SR=1"), "POS"),
        ("bad DEC", get("POS=10,-91&SR=1"), "DEC"),
        ("unreadable POSITIONS", post_positions("SR=1", "<VOTABLE><RESOURCE>"), "VOTable"),
        ("a row without position", post_positions("SR=1", "ra,dec\n1,2\n3,\n"), "row 2"),
        ("too many positions", post_positions("SR=1", &format!("ra,dec\n{many}")), "at most 50"),
    ];
    for (what, request, word) in requests {
        bad(service.multi_query(&request).unwrap_err());
        let message = error(&service, "demo.stars/multi", request, 400).await;
        assert!(message.contains(word), "{what}: {message}");
    }
    let message = error(&service, "demo.nothing/multi", get("POS=10,10&SR=1"), 404).await;
    assert!(message.contains("demo.nothing"), "{message}");
}
