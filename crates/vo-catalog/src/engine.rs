//! The query engine: DataFusion on a tokio runtime of its own.
//!
//! Web servers run handlers on single-threaded workers (actix); a query that scans, sorts or
//! encodes megabytes would stall every other request on that worker. So queries are planned and
//! executed on the engine's multi-threaded runtime, and their results cross back as byte chunks
//! through a bounded channel: a slow client applies back-pressure, and a client that goes away
//! drops the receiver, which stops the query.

use std::future::Future;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use datafusion::catalog::{MemorySchemaProvider, SchemaProvider, TableProvider};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::error::{CatalogError, Result};
use crate::session::default_session_config;
use crate::store::CatalogStore;

/// Chunks sent through the result channel before the producer waits for the client.
const CHANNEL_CHUNKS: usize = 8;
/// Encoded bytes accumulated before a chunk is sent.
const CHUNK_BYTES: usize = 256 * 1024;

/// Something to do to every new session (e.g. register the ADQL geometry functions).
pub type SessionSetup = Arc<dyn Fn(&SessionContext) + Send + Sync>;

/// A table provider added to one query's session only (e.g. a TAP upload, or TAP_SCHEMA).
pub type ExtraTable = (String, String, Arc<dyn TableProvider>);

/// DataFusion over the catalogue store, on its own runtime.
pub struct QueryEngine {
    /// Always `Some` until dropped (taken in `Drop`, which must not block).
    runtime: Option<tokio::runtime::Runtime>,
    store: Arc<CatalogStore>,
    config: SessionConfig,
    setup: Option<SessionSetup>,
    ctx: RwLock<SessionContext>,
}

impl QueryEngine {
    /// Starts the engine's runtime with `threads` workers (0: one per core) and registers every
    /// table of `store`.
    pub async fn start(store: Arc<CatalogStore>, threads: usize) -> Result<Arc<Self>> {
        Self::start_with_config(store, threads, default_session_config()).await
    }

    pub async fn start_with_config(
        store: Arc<CatalogStore>,
        threads: usize,
        config: SessionConfig,
    ) -> Result<Arc<Self>> {
        Self::start_with_setup(store, threads, config, None).await
    }

    /// Like [`start`](Self::start), running `setup` on every session the engine creates.
    pub async fn start_with_setup(
        store: Arc<CatalogStore>,
        threads: usize,
        config: SessionConfig,
        setup: Option<SessionSetup>,
    ) -> Result<Arc<Self>> {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.enable_all().thread_name("query-engine");
        if threads > 0 {
            builder.worker_threads(threads);
        }
        let runtime = builder.build().map_err(|e| CatalogError::io("query-engine runtime", e))?;
        let ctx = store.session_context(config.clone()).await?;
        if let Some(setup) = &setup {
            setup(&ctx);
        }
        Ok(Arc::new(QueryEngine { runtime: Some(runtime), store, config, setup, ctx: RwLock::new(ctx) }))
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.runtime.as_ref().expect("runtime present until drop").handle()
    }

    pub fn store(&self) -> &Arc<CatalogStore> {
        &self.store
    }

    /// The current session (cheap to clone; shares the registered tables and caches).
    pub fn context(&self) -> SessionContext {
        self.ctx.read().expect("engine lock poisoned").clone()
    }

    /// Re-reads the store's table list and, if it changed, registers the tables in a new session.
    pub async fn refresh(&self) -> Result<bool> {
        if !self.store.reload().await? {
            return Ok(false);
        }
        let ctx = self.store.session_context(self.config.clone()).await?;
        if let Some(setup) = &self.setup {
            setup(&ctx);
        }
        *self.ctx.write().expect("engine lock poisoned") = ctx;
        Ok(true)
    }

    /// A session for one query: every catalogue table (sharing the engine's providers, caches and
    /// runtime, so this is cheap) plus `extra` tables visible to this session only.
    pub async fn query_context(&self, extra: &[ExtraTable]) -> Result<SessionContext> {
        let base = self.context();
        if extra.is_empty() {
            return Ok(base);
        }
        let ctx = SessionContext::new_with_config_rt(self.config.clone(), base.runtime_env());
        for udf in base.state().scalar_functions().values() {
            ctx.register_udf(udf.as_ref().clone());
        }
        let base_catalog = base.catalog("datafusion").expect("default catalog");
        let catalog = ctx.catalog("datafusion").expect("default catalog");
        let mut schemas: std::collections::HashMap<String, Arc<dyn SchemaProvider>> = Default::default();
        let mut schema_of = |name: &str| -> Result<Arc<dyn SchemaProvider>> {
            if let Some(s) = schemas.get(name) {
                return Ok(s.clone());
            }
            let s: Arc<dyn SchemaProvider> = Arc::new(MemorySchemaProvider::new());
            catalog.register_schema(name, s.clone())?;
            schemas.insert(name.to_string(), s.clone());
            Ok(s)
        };
        for schema_name in base_catalog.schema_names() {
            let Some(base_schema) = base_catalog.schema(&schema_name) else { continue };
            let target = schema_of(&schema_name)?;
            for table in base_schema.table_names() {
                if let Some(provider) = base_schema.table(&table).await? {
                    target.register_table(table, provider)?;
                }
            }
        }
        for (schema, table, provider) in extra {
            let target = schema_of(schema)?;
            if target.table_exist(table) {
                target.deregister_table(table)?;
            }
            target.register_table(table.clone(), provider.clone())?;
        }
        Ok(ctx)
    }

    /// Runs `work` on the engine's runtime and waits for it.
    pub async fn run<F, Fut, T>(&self, work: F) -> Result<T>
    where
        F: FnOnce(SessionContext) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let ctx = self.context();
        self.handle()
            .spawn(async move { work(ctx).await })
            .await
            .map_err(|e| CatalogError::DataFusion(datafusion::error::DataFusionError::External(Box::new(e))))
    }

    /// Plans `plan` physically and starts it, so that planning errors surface before anything is
    /// sent to the client. The returned stream must be consumed on the engine's runtime (see
    /// [`stream_encoded`](Self::stream_encoded)).
    pub async fn start_query(&self, plan: LogicalPlan) -> Result<SendableRecordBatchStream> {
        self.run(move |ctx| async move {
            let physical = ctx.state().create_physical_plan(&plan).await?;
            datafusion::physical_plan::execute_stream(physical, ctx.task_ctx())
        })
        .await?
        .map_err(Into::into)
    }

    /// Drives `stream` on the engine's runtime through `encode`, which turns batches into bytes,
    /// and returns the receiving end of a bounded channel of chunks. Dropping the receiver stops
    /// the query; so does reaching `time_limit`, after which the document ends with an error.
    pub fn stream_encoded<E>(
        &self,
        mut stream: SendableRecordBatchStream,
        mut encode: E,
        time_limit: Option<std::time::Duration>,
    ) -> mpsc::Receiver<std::io::Result<Bytes>>
    where
        E: BatchEncoder + 'static,
    {
        let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
        self.handle().spawn(async move {
            let deadline = time_limit.map(|limit| tokio::time::Instant::now() + limit);
            let expired = async move {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::pin!(expired);
            let mut out = Vec::with_capacity(CHUNK_BYTES * 2);
            let send = async |out: &mut Vec<u8>, force: bool| -> bool {
                if out.is_empty() || (!force && out.len() < CHUNK_BYTES) {
                    return true;
                }
                let chunk = Bytes::from(std::mem::replace(out, Vec::with_capacity(CHUNK_BYTES * 2)));
                tx.send(Ok(chunk)).await.is_ok()
            };
            if let Err(e) = encode.begin(stream.schema(), &mut out) {
                let _ = tx.send(Err(std::io::Error::other(e))).await;
                return;
            }
            loop {
                let next = tokio::select! {
                    next = stream.next() => next,
                    // The client went away: stop reading (and so stop the query).
                    _ = tx.closed() => return,
                    _ = &mut expired => Some(Err(datafusion::error::DataFusionError::ResourcesExhausted(format!(
                        "the query ran longer than the limit of {} and was cancelled; run it as an async job",
                        time_limit.map(describe_limit).unwrap_or_default()
                    )))),
                };
                let step = match next {
                    None => Step::Done,
                    Some(Ok(batch)) => encode.batch(&batch, &mut out),
                    Some(Err(e)) => Step::Failed(e.strip_backtrace()),
                };
                match step {
                    Step::Continue => {
                        if !send(&mut out, false).await {
                            return;
                        }
                    }
                    Step::Done | Step::Stop => {
                        if let Err(e) = encode.finish(None, &mut out) {
                            let _ = tx.send(Err(std::io::Error::other(e))).await;
                            return;
                        }
                        send(&mut out, true).await;
                        return;
                    }
                    Step::Failed(message) => {
                        let _ = encode.finish(Some(&message), &mut out);
                        send(&mut out, true).await;
                        return;
                    }
                }
            }
        });
        rx
    }
}

impl Drop for QueryEngine {
    fn drop(&mut self) {
        // The engine may be dropped on an async thread (e.g. when a server stops), where a
        // runtime must not block on its workers; queries still running are abandoned.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A time limit as a person would write it: whole seconds, or milliseconds under a second.
fn describe_limit(limit: std::time::Duration) -> String {
    if limit >= std::time::Duration::from_secs(1) {
        format!("{} s", limit.as_secs())
    } else {
        format!("{} ms", limit.as_millis())
    }
}

/// What an encoder wants after a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Keep sending batches.
    Continue,
    /// Enough rows (e.g. MAXREC reached): finish the document, stop the query.
    Stop,
    /// The stream ended.
    Done,
    /// Encoding failed with this message: finish the document with an error.
    Failed(String),
}

/// Turns a result's batches into the bytes of a document, incrementally.
pub trait BatchEncoder: Send {
    fn begin(&mut self, schema: arrow_schema::SchemaRef, out: &mut Vec<u8>) -> std::result::Result<(), String>;
    fn batch(&mut self, batch: &arrow_array::RecordBatch, out: &mut Vec<u8>) -> Step;
    /// Closes the document; `error` is set when the query failed mid-stream.
    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>) -> std::result::Result<(), String>;
}

/// The chunks of an encoded result as a stream (for an HTTP body).
pub fn chunk_stream(
    receiver: mpsc::Receiver<std::io::Result<Bytes>>,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures::stream::unfold(receiver, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) })
}
