//! The TAP service, framework-free: `sync`, `async` (UWS), `capabilities`, `availability`,
//! `tables`, `examples`, and an HTML page at the root.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use sqlx::AnyPool;
use tokio::io::AsyncWriteExt;
use vo_catalog::{BatchEncoder, QueryEngine, Step};
use vo_dali::{Body, DaliError, DaliRequest, DaliResponse, DaliService, ErrorKind, Method, UploadedFile};
use vo_resource::tableset::{Detail, Table};
use vo_resource::vosi::{self, Availability};
use vo_uws::{JobContext, JobExecutor, JobFailure, MAIN_RESULT, UwsConfig, UwsService};

use crate::capabilities::capabilities;
use crate::examples::{examples, examples_document};
use crate::metadata::foreign_keys_of;
use crate::query::{TapMetadata, TapSettings, prepare};

/// What sync queries and async jobs share.
struct TapCore {
    engine: Arc<QueryEngine>,
    settings: TapSettings,
    metadata: RwLock<Arc<TapMetadata>>,
    up_since: chrono::DateTime<chrono::Utc>,
    /// Sync queries whose results are being produced (see [`TapService::running_sync_queries`]).
    running_sync: Arc<AtomicUsize>,
}

impl TapCore {
    /// The queryable metadata, rebuilt when the catalogue changed.
    fn metadata(&self) -> Result<Arc<TapMetadata>, DaliError> {
        let tables = self.engine.store().tables();
        {
            let current = self.metadata.read().expect("metadata lock poisoned");
            if current.is_current(&tables) {
                return Ok(current.clone());
            }
        }
        let fresh = Arc::new(TapMetadata::build(&tables)?);
        *self.metadata.write().expect("metadata lock poisoned") = fresh.clone();
        Ok(fresh)
    }

    async fn sync(&self, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let metadata = self.metadata()?;
        let prepared = prepare(&self.engine, &metadata, &request.params, &request.files, &self.settings).await?;
        let encoder = Counted::new(prepared.encoder()?, &self.running_sync);
        let stream = self.engine.start_query(prepared.plan).await.map_err(|e| DaliError::usage(e.to_string()))?;
        let receiver = self.engine.stream_encoded(stream, encoder, Some(self.settings.sync_timeout));
        let body = Body::Stream(Box::pin(vo_catalog::engine::chunk_stream(receiver)));
        Ok(DaliResponse::new(200, prepared.format.content_type, body))
    }
}

/// An encoder that counts itself in a gauge for as long as it exists. The engine's producer task
/// owns it together with the DataFusion stream and drops both when it ends (result complete,
/// query failed or timed out, client gone), so the gauge counts queries still doing work.
struct Counted<E> {
    inner: E,
    gauge: Arc<AtomicUsize>,
}

impl<E> Counted<E> {
    fn new(inner: E, gauge: &Arc<AtomicUsize>) -> Self {
        gauge.fetch_add(1, Ordering::SeqCst);
        Counted { inner, gauge: gauge.clone() }
    }
}

impl<E> Drop for Counted<E> {
    fn drop(&mut self) {
        self.gauge.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<E: BatchEncoder> BatchEncoder for Counted<E> {
    fn begin(&mut self, schema: arrow_schema::SchemaRef, out: &mut Vec<u8>) -> Result<(), String> {
        self.inner.begin(schema, out)
    }

    fn batch(&mut self, batch: &arrow_array::RecordBatch, out: &mut Vec<u8>) -> Step {
        self.inner.batch(batch, out)
    }

    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>) -> Result<(), String> {
        self.inner.finish(error, out)
    }
}

/// Runs TAP queries as UWS jobs.
struct TapJobs {
    core: Arc<TapCore>,
}

#[async_trait::async_trait]
impl JobExecutor for TapJobs {
    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let mut files = Vec::new();
        for upload in ctx.uploads() {
            files.push(UploadedFile {
                part_name: upload.name.clone(),
                file_name: upload.file_name.clone(),
                content_type: upload.content_type.clone(),
                data: tokio::fs::read(&upload.path).await?.into(),
            });
        }
        let core = &self.core;
        let metadata = core.metadata()?;
        let prepared = prepare(&core.engine, &metadata, ctx.params(), &files, &core.settings).await?;
        ctx.set_info("plan", &prepared.plan.display_indent().to_string()).await?;
        let encoder = prepared.encoder()?;
        let rows = encoder.row_counter();
        let failure = encoder.failure_slot();
        let stream = core.engine.start_query(prepared.plan).await.map_err(|e| DaliError::usage(e.to_string()))?;
        let mut receiver = core.engine.stream_encoded(stream, encoder, None);
        let path = ctx.result_path(MAIN_RESULT).await?;
        let mut file = tokio::fs::File::create(&path).await?;
        while let Some(chunk) = receiver.recv().await {
            file.write_all(&chunk?).await?;
        }
        file.flush().await?;
        drop(file);
        ctx.add_result(MAIN_RESULT, &prepared.format.content_type, &path).await?;
        ctx.set_info("rows", &rows.load(std::sync::atomic::Ordering::Relaxed).to_string()).await?;
        // A query that failed after its first rows: the partial result (ending in
        // QUERY_STATUS=ERROR) stays downloadable, and the job ends in ERROR with the reason.
        let failed = failure.lock().unwrap_or_else(|p| p.into_inner()).take();
        match failed {
            Some(message) => Err(JobFailure::fatal(message)),
            None => Ok(()),
        }
    }
}

/// A TAP 1.1 service over the catalogue store.
pub struct TapService {
    core: Arc<TapCore>,
    uws: UwsService,
}

impl TapService {
    /// Starts the service; async jobs live in `pool` and their files under `jobs_dir`.
    pub async fn new(
        engine: Arc<QueryEngine>,
        settings: TapSettings,
        pool: AnyPool,
        jobs_dir: std::path::PathBuf,
        uws: UwsConfig,
    ) -> Result<Self, DaliError> {
        let metadata = Arc::new(TapMetadata::build(&engine.store().tables())?);
        let core = Arc::new(TapCore {
            engine,
            settings,
            metadata: RwLock::new(metadata),
            up_since: chrono::Utc::now(),
            running_sync: Arc::default(),
        });
        let uws = UwsService::new(pool, jobs_dir, Arc::new(TapJobs { core: core.clone() }), uws)
            .await
            .map_err(|e| DaliError::internal(format!("starting the job system: {e}")))?;
        Ok(TapService { core, uws })
    }

    pub fn settings(&self) -> &TapSettings {
        &self.core.settings
    }

    /// How many sync queries are producing results right now: a query counts from the moment
    /// its result starts until it completes, fails, times out or its client goes away. For
    /// monitoring, and for tests that check a gone client stops its query.
    pub fn running_sync_queries(&self) -> usize {
        self.core.running_sync.load(Ordering::SeqCst)
    }

    fn tables_response(&self, name: Option<&str>, request: &DaliRequest) -> Result<DaliResponse, DaliError> {
        let metadata = self.core.metadata()?;
        let vosi_table = |t: &vo_catalog::TableMeta| -> Table {
            let mut table = vo_catalog::vosi::vosi_table(t);
            publish_as_queried(&mut table);
            table
        };
        match name {
            Some(name) => {
                let table = metadata
                    .table(name)
                    .ok_or_else(|| DaliError::not_found(format!("no table {name} in this service")))?;
                Ok(DaliResponse::xml(vosi::write_table(&vosi_table(table))))
            }
            None => {
                let detail = match request.params.get("DETAIL")? {
                    None => Detail::Max,
                    Some(d) => Detail::parse(d).ok_or_else(|| DaliError::usage("DETAIL must be min or max"))?,
                };
                let mut set = vo_catalog::vosi::vosi_tableset(metadata.tables.iter());
                set.schemas.iter_mut().flat_map(|s| s.tables.iter_mut()).for_each(publish_as_queried);
                Ok(DaliResponse::xml(vosi::write_tableset(&set, detail)))
            }
        }
    }

    fn root_page(&self, base: &str) -> DaliResponse {
        let page = format!(
            "<!DOCTYPE html>\n<html><head><title>TAP service</title></head><body>\n<h1>Table Access Protocol service</h1>\n\
             <p>Point TOPCAT, pyvo or astroquery at <code>{base}</code>.</p>\n<ul>\n\
             <li><a href=\"{base}/capabilities\">capabilities</a></li>\n<li><a href=\"{base}/availability\">availability</a></li>\n\
             <li><a href=\"{base}/tables\">tables</a></li>\n<li><a href=\"{base}/examples\">examples</a></li>\n\
             <li><a href=\"{base}/async\">async jobs</a></li>\n</ul>\n</body></html>\n"
        );
        DaliResponse::ok("text/html; charset=utf-8", page)
    }
}

/// A VOSI table as TAP_SCHEMA describes it: with its foreign keys, and column names as ADQL
/// must write them (taplint checks that the two agree).
fn publish_as_queried(table: &mut Table) {
    table.foreign_keys = foreign_keys_of(&table.name);
    for column in &mut table.columns {
        column.name = vo_adql::query_identifier(&column.name).into_owned();
    }
}

fn get_only(request: &DaliRequest) -> Result<(), DaliError> {
    match request.method {
        Method::Get | Method::Head => Ok(()),
        _ => Err(DaliError::new(ErrorKind::MethodNotAllowed, "this resource answers GET only")),
    }
}

#[async_trait::async_trait]
impl DaliService for TapService {
    async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse {
        let resource = resource.trim_matches('/');
        let base = request.base_url.clone();
        let result = match resource.split_once('/').map_or((resource, None), |(a, b)| (a, Some(b))) {
            ("", None) => Ok(self.root_page(&base)),
            ("sync", None) => self.core.sync(&request).await,
            ("async", rest) => {
                let mut job_request = request;
                job_request.base_url = format!("{base}/async");
                return self.uws.handle(rest.unwrap_or(""), job_request).await;
            }
            ("capabilities", None) => get_only(&request)
                .map(|_| DaliResponse::xml(vosi::write_capabilities(&capabilities(&base, &self.core.settings)))),
            ("availability", None) => get_only(&request).map(|_| {
                let mut availability = Availability::up();
                availability.up_since = Some(self.core.up_since.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                DaliResponse::xml(vosi::write_availability(&availability))
            }),
            ("tables", name) => get_only(&request).and_then(|_| self.tables_response(name, &request)),
            ("examples", None) => get_only(&request).and_then(|_| {
                let metadata = self.core.metadata()?;
                Ok(DaliResponse::ok(
                    "application/xhtml+xml; charset=utf-8",
                    examples_document(&examples(&metadata.tables), &base),
                ))
            }),
            _ => Err(DaliError::not_found(format!("no resource {resource} in this TAP service"))),
        };
        result.unwrap_or_else(|e| DaliResponse::error(&e))
    }
}
