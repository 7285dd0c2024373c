//! What every test needs: the demo catalogue (ingested once per test run), a [`TapService`]
//! over it, requests through `DaliService::handle`, result documents decoded, and the
//! brute-force answers computed from the generator's rows.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arrow_array::{Array, Float32Array, Float64Array, Int16Array, Int32Array, Int64Array, RecordBatch, StringArray};
use bytes::Bytes;
use futures::StreamExt;
use vo_catalog::{CatalogStore, IngestOptions, QueryEngine, Quiet, TableSpec, connect_metadata_db, demo};
use vo_dali::{Body, DaliRequest, DaliResponse, DaliService, Method, Params, UploadedFile};
use vo_tap::{TapService, TapSettings};
use vo_votable::model::Info;

/// Rows of `demo.stars` in the test catalogue.
pub const ROWS: u64 = 30_000;
/// The service root the requests claim to be sent to.
pub const BASE: &str = "http://tap.test/tap";

/// The catalogue directory, ingested on first use. It lives in cargo's directory for integration
/// test data (not /tmp: a static is never dropped, so a temporary directory would be left behind).
fn catalogue() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vo-tap-it").join("demo");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let build_dir = dir.clone();
        // Ingest on a runtime of its own: each test's runtime ends with the test, and the
        // catalogue outlives them all.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async {
                let pool = connect_metadata_db(&metadata_url(&build_dir)).await.unwrap();
                let store = CatalogStore::open(build_dir.join("catalog"), pool.clone()).await.unwrap();
                let spec = TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), ..Default::default() };
                let options = IngestOptions { row_group_size: 4096, page_rows: 512, ..Default::default() };
                vo_catalog::ingest(&store, vec![demo::source(ROWS, 4096)], &spec, &options, &Quiet).await.unwrap();
                pool.close().await;
            });
        })
        .join()
        .expect("ingesting the demo catalogue");
        dir
    })
}

fn metadata_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("metadata.db").display())
}

/// Every row of `demo.stars`, as the generator makes them (magnitudes as stored: `f32`).
pub fn stars() -> &'static [demo::Star] {
    static STARS: OnceLock<Vec<demo::Star>> = OnceLock::new();
    STARS.get_or_init(|| (0..ROWS).map(demo::star).collect())
}

pub fn mag(star: &demo::Star) -> f32 {
    star.phot_g_mean_mag as f32
}

/// Angular distance in degrees (haversine), independent of the implementation tested.
pub fn separation(ra1: f64, dec1: f64, ra2: f64, dec2: f64) -> f64 {
    let (p1, p2) = (dec1.to_radians(), dec2.to_radians());
    let dl = (ra2 - ra1).to_radians();
    let a = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * a.sqrt().min(1.0).asin().to_degrees()
}

/// Settings small enough for tests to reach the limits.
pub fn settings() -> TapSettings {
    // The tests' upload URLs are on this machine's loopback.
    let upload_limits = vo_tap::UploadLimits { private_hosts: true, ..Default::default() };
    TapSettings { maxrec_default: 50_000, upload_limits, ..TapSettings::default() }
}

/// A TAP service over the test catalogue, with a job list of its own.
pub struct Tap {
    pub service: Arc<TapService>,
    _jobs: tempfile::TempDir,
}

impl Tap {
    pub async fn start() -> Tap {
        Tap::with_settings(settings()).await
    }

    pub async fn with_settings(settings: TapSettings) -> Tap {
        let dir = catalogue();
        let pool = connect_metadata_db(&metadata_url(dir)).await.unwrap();
        let store = Arc::new(CatalogStore::open(dir.join("catalog"), pool).await.unwrap());
        let setup: vo_catalog::SessionSetup = Arc::new(vo_adql::register_udfs);
        let engine =
            QueryEngine::start_with_setup(store, 2, vo_catalog::default_session_config(), Some(setup)).await.unwrap();
        let jobs = tempfile::tempdir().unwrap();
        let jobs_db = format!("sqlite://{}?mode=rwc", jobs.path().join("jobs.db").display());
        let jobs_pool = vo_uws::connect_pool(&jobs_db, 4).await.unwrap();
        let uws = vo_uws::UwsConfig { workers: 2, ..Default::default() };
        let service = TapService::new(engine, settings, jobs_pool, jobs.path().join("jobs"), uws).await.unwrap();
        Tap { service: Arc::new(service), _jobs: jobs }
    }

    /// A service built by the test itself, with the directory holding its jobs.
    pub fn from_service(service: Arc<TapService>, jobs: tempfile::TempDir) -> Tap {
        Tap { service, _jobs: jobs }
    }

    /// Sends a request and reads the whole answer.
    pub async fn call(&self, method: Method, resource: &str, params: Params, files: Vec<UploadedFile>) -> Reply {
        let mut request = DaliRequest::new(method, params, BASE);
        request.files = files;
        Reply::read(self.service.handle(resource, request).await).await
    }

    pub async fn get(&self, resource: &str, params: &[(&str, &str)]) -> Reply {
        self.call(Method::Get, resource, to_params(params), Vec::new()).await
    }

    /// A sync ADQL query (LANG=ADQL added) with further parameters.
    pub async fn sync(&self, query: &str, more: &[(&str, &str)]) -> Reply {
        let mut params = vec![("LANG", "ADQL"), ("QUERY", query)];
        params.extend_from_slice(more);
        self.call(Method::Post, "sync", to_params(&params), Vec::new()).await
    }

    /// A sync query that must succeed, decoded.
    pub async fn rows(&self, query: &str, more: &[(&str, &str)]) -> Table {
        let reply = self.sync(query, more).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.text());
        let table = reply.votable();
        assert_eq!(table.status(), "OK", "{query}: {:?}", table.trailing);
        assert!(table.trailing.is_empty(), "{query}: trailing {:?}", table.trailing);
        table
    }
}

pub fn to_params(pairs: &[(&str, &str)]) -> Params {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// An inline upload part.
pub fn part(name: &str, content: impl Into<Bytes>) -> UploadedFile {
    UploadedFile {
        part_name: name.into(),
        file_name: Some(format!("{name}.vot")),
        content_type: Some("application/x-votable+xml".into()),
        data: content.into(),
    }
}

/// A whole answer.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Reply {
    pub async fn read(response: DaliResponse) -> Reply {
        let body = match response.body {
            Body::Empty => Bytes::new(),
            Body::Bytes(b) => b,
            Body::Stream(mut stream) => {
                let mut all = Vec::new();
                while let Some(chunk) = stream.next().await {
                    all.extend_from_slice(&chunk.expect("body chunk"));
                }
                all.into()
            }
        };
        Reply { status: response.status, content_type: response.content_type, headers: response.headers, body }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn votable(&self) -> Table {
        Table::parse(&self.body)
    }

    /// Asserts a DALI error document with `status` whose message contains `expect`; returns it.
    pub fn assert_error(&self, status: u16, expect: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(self.content_type.starts_with("application/x-votable+xml"), "{}", self.content_type);
        let table = self.votable();
        assert_eq!(table.status(), "ERROR", "{}", self.text());
        let message = table.message().unwrap_or_default();
        assert!(message.to_lowercase().contains(&expect.to_lowercase()), "wanted '{expect}' in: {message}");
        message
    }
}

/// A decoded VOTable result: its rows, its leading INFOs and the INFOs after the table.
pub struct Table {
    pub batches: Vec<RecordBatch>,
    pub fields: Vec<String>,
    pub infos: Vec<Info>,
    pub trailing: Vec<Info>,
}

impl Table {
    pub fn parse(body: &[u8]) -> Table {
        let (doc, batches) =
            vo_votable::read_all(body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)));
        let resource = doc.resources.first().expect("a RESOURCE");
        let fields = doc.first_table().map(|t| t.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default();
        Table { batches, fields, infos: resource.infos.clone(), trailing: resource.trailing_infos.clone() }
    }

    /// The leading QUERY_STATUS.
    pub fn status(&self) -> &str {
        self.infos.iter().find(|i| i.name == "QUERY_STATUS").map(|i| i.value.as_str()).expect("QUERY_STATUS")
    }

    /// The QUERY_STATUS after the table (OVERFLOW, or ERROR mid-stream), if any.
    pub fn trailing_status(&self) -> Option<&Info> {
        self.trailing.iter().find(|i| i.name == "QUERY_STATUS")
    }

    /// The message of the leading QUERY_STATUS.
    pub fn message(&self) -> Option<String> {
        self.infos.iter().find(|i| i.name == "QUERY_STATUS").and_then(|i| i.content.clone())
    }

    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    fn column(&self, name: &str) -> Vec<&dyn Array> {
        let index = self.fields.iter().position(|f| f == name).unwrap_or_else(|| panic!("no column {name}"));
        self.batches.iter().map(|b| b.column(index).as_ref()).collect()
    }

    /// An integer column (nulls panic).
    pub fn ints(&self, name: &str) -> Vec<i64> {
        let mut out = Vec::new();
        for array in self.column(name) {
            let any = array.as_any();
            for i in 0..array.len() {
                assert!(array.is_valid(i), "null in {name}");
                out.push(if let Some(a) = any.downcast_ref::<Int64Array>() {
                    a.value(i)
                } else if let Some(a) = any.downcast_ref::<Int32Array>() {
                    a.value(i).into()
                } else if let Some(a) = any.downcast_ref::<Int16Array>() {
                    a.value(i).into()
                } else {
                    panic!("{name} is {:?}, not an integer", array.data_type())
                });
            }
        }
        out
    }

    /// A floating-point column, nulls as NaN.
    pub fn floats(&self, name: &str) -> Vec<f64> {
        let mut out = Vec::new();
        for array in self.column(name) {
            let any = array.as_any();
            for i in 0..array.len() {
                out.push(if array.is_null(i) {
                    f64::NAN
                } else if let Some(a) = any.downcast_ref::<Float64Array>() {
                    a.value(i)
                } else if let Some(a) = any.downcast_ref::<Float32Array>() {
                    a.value(i).into()
                } else {
                    panic!("{name} is {:?}, not floating-point", array.data_type())
                });
            }
        }
        out
    }

    pub fn strings(&self, name: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for array in self.column(name) {
            let a = array.as_any().downcast_ref::<StringArray>().unwrap_or_else(|| panic!("{name} is not text"));
            out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i).to_string())));
        }
        out
    }
}

/// A TABLEDATA VOTable for uploads: `fields` are (name, datatype), `rows` the cell texts.
pub fn upload_votable(fields: &[(&str, &str)], rows: &[Vec<String>]) -> String {
    let mut doc = String::from(
        "<?xml version=\"1.0\"?>\n<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n<RESOURCE><TABLE>\n",
    );
    for (name, datatype) in fields {
        let size = if *datatype == "char" { " arraysize=\"*\"" } else { "" };
        doc.push_str(&format!("<FIELD name=\"{name}\" datatype=\"{datatype}\"{size}/>\n"));
    }
    doc.push_str("<DATA><TABLEDATA>\n");
    for row in rows {
        doc.push_str("<TR>");
        for cell in row {
            doc.push_str(&format!("<TD>{cell}</TD>"));
        }
        doc.push_str("</TR>\n");
    }
    doc.push_str("</TABLEDATA></DATA>\n</TABLE></RESOURCE>\n</VOTABLE>\n");
    doc
}

/// An upload of positions: 20 demo stars (so each matches itself) and two empty-sky points.
pub fn positions_upload() -> (String, Vec<(i64, f64, f64)>) {
    let mut rows: Vec<(i64, f64, f64)> =
        (0..20u64).map(|i| demo::star(i * 1499)).map(|s| (s.source_id, s.ra, s.dec)).collect();
    rows.push((1, 0.0, 90.0));
    rows.push((2, 359.99, -89.99));
    let cells: Vec<Vec<String>> =
        rows.iter().map(|(id, ra, dec)| vec![id.to_string(), format!("{ra:?}"), format!("{dec:?}")]).collect();
    (upload_votable(&[("id", "long"), ("ra", "double"), ("dec", "double")], &cells), rows)
}

/// Waits (bounded) until `done` holds; panics with `what` if it never does.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "{what} did not happen within 60 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
