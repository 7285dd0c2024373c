//! Your own actix-web application serving your catalogue over TAP and Simple Cone Search, built
//! from the AstroCloud-rs crates without the `astrocloud` server.
//!
//! ```text
//! cargo run -p vo-examples --example embed_data_centre            # checks itself over HTTP, then exits
//! cargo run -p vo-examples --example embed_data_centre -- --serve # keeps serving on 127.0.0.1:8090
//! ```
//!
//! The pieces, bottom up:
//! 1. a catalogue store (`vo-catalog`): HEALPix-sorted Parquet files plus their metadata in SQLite,
//!    here filled with 20,000 generated stars (`astrocloud ingest` does the same for your files);
//! 2. the query engine: DataFusion on a runtime of its own, with the ADQL functions registered;
//! 3. the services: TAP (`vo-tap`, with async jobs in the same database) and SCS (`vo-cone`);
//! 4. mounted in an actix-web `App` next to the application's own routes (`vo-actix`).
//!
//! Without `--serve` it listens on an ephemeral loopback port, sends a cone search and the same
//! cone as an ADQL query to itself, checks that both find the same stars, and stops.

use std::sync::Arc;

use actix_web::{App, HttpResponse, HttpServer, web};
use arrow_array::{Array, Int64Array, StringArray};
use vo_actix::{MountOptions, mount};
use vo_catalog::{CatalogStore, IngestOptions, QueryEngine, Quiet, TableSpec, connect_metadata_db, demo};
use vo_cone::{ConeService, ConeSettings};
use vo_dali::DaliService;
use vo_tap::{TapService, TapSettings};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let serve_forever = std::env::args().any(|a| a == "--serve");
    // Async TAP jobs get a multi-threaded runtime of their own; actix-web's runtime serves requests.
    let jobs_runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let jobs = jobs_runtime.handle().clone();
    actix_web::rt::System::new().block_on(run(serve_forever, jobs))
}

async fn run(serve_forever: bool, jobs_runtime: tokio::runtime::Handle) -> Result<(), Error> {
    // 1. The catalogue store, in a temporary directory (use a permanent one in production).
    let dir = tempfile::tempdir()?;
    let metadata_url = format!("sqlite://{}?mode=rwc", dir.path().join("metadata.db").display());
    let pool = connect_metadata_db(&metadata_url).await?;
    let store = Arc::new(CatalogStore::open(dir.path().join("catalog"), pool.clone()).await?);
    let spec = TableSpec { table: "my.stars".into(), metadata: demo::metadata(), ..Default::default() };
    let source = vec![demo::source(20_000, 4_096)];
    let report = vo_catalog::ingest(&store, source, &spec, &IngestOptions::default(), &Quiet).await?;
    println!("ingested my.stars: {} rows", report.rows);

    // 2. The query engine, with ADQL's geometry functions in every session.
    let setup: vo_catalog::SessionSetup = Arc::new(vo_adql::register_udfs);
    let engine = QueryEngine::start_with_setup(store, 2, vo_catalog::default_session_config(), Some(setup)).await?;

    // 3. The services.
    let uws = vo_uws::UwsConfig { workers: 2, runtime: Some(jobs_runtime), ..Default::default() };
    let tap = TapService::new(engine.clone(), TapSettings::default(), pool, dir.path().join("jobs"), uws).await?;
    let tap: Arc<dyn DaliService> = Arc::new(tap);
    let cone: Arc<dyn DaliService> = Arc::new(ConeService::new(engine, ConeSettings::default()));

    // 4. Mounted in the application.
    let bind = if serve_forever { "127.0.0.1:8090" } else { "127.0.0.1:0" };
    let server = HttpServer::new(move || {
        App::new()
            .route("/", web::get().to(|| async { HttpResponse::Ok().body("my data centre: /tap, /scs/my.stars\n") }))
            .service(mount("/tap", tap.clone(), MountOptions::default()))
            .service(mount("/scs", cone.clone(), MountOptions::default()))
    })
    .on_connect(vo_actix::no_delay)
    .workers(1)
    .bind(bind)?;
    let base = format!("http://{}", server.addrs()[0]);
    println!("serving {base}/tap and {base}/scs/my.stars?");
    let server = server.run();
    if serve_forever {
        return Ok(server.await?);
    }
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let checked = check(&base).await;
    handle.stop(true).await;
    running.await??;
    checked
}

/// A 1° cone around (180°, 0°) through SCS and through TAP: the same stars.
async fn check(base: &str) -> Result<(), Error> {
    let client = reqwest::Client::new();
    let scs = reqwest::Url::parse_with_params(
        &format!("{base}/scs/my.stars"),
        &[("RA", "180"), ("DEC", "0"), ("SR", "1"), ("VERB", "1")],
    )?;
    let cone_ids = source_ids(&client.get(scs).send().await?.bytes().await?)?;
    let adql = "SELECT source_id FROM my.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 180, 0, 1))";
    let tap = reqwest::Url::parse_with_params(&format!("{base}/tap/sync"), &[("LANG", "ADQL"), ("QUERY", adql)])?;
    let tap_ids = source_ids(&client.get(tap).send().await?.bytes().await?)?;
    println!("cone search: {} stars; the same cone in ADQL: {} stars", cone_ids.len(), tap_ids.len());
    if cone_ids.is_empty() || cone_ids != tap_ids {
        return Err(format!("SCS found {cone_ids:?} but TAP found {tap_ids:?}").into());
    }
    println!("both found the same stars");
    Ok(())
}

/// The sorted `source_id` column of a VOTable result: a long in TAP, a string in SCS (SCS 1.03
/// wants the ID_MAIN column as char).
fn source_ids(votable: &[u8]) -> Result<Vec<i64>, Error> {
    let (document, batches) = vo_votable::read_all(votable)?;
    let table = document.first_table().ok_or("no TABLE in the answer")?;
    let column = table.fields.iter().position(|f| f.name == "source_id").ok_or("no source_id column")?;
    let mut ids = Vec::new();
    for batch in &batches {
        let values = batch.column(column);
        if let Some(longs) = values.as_any().downcast_ref::<Int64Array>() {
            ids.extend(longs.iter().flatten());
        } else if let Some(strings) = values.as_any().downcast_ref::<StringArray>() {
            for id in strings.iter().flatten() {
                ids.push(id.parse()?);
            }
        } else {
            return Err(format!("source_id is a {}", values.data_type()).into());
        }
    }
    ids.sort_unstable();
    Ok(ids)
}
