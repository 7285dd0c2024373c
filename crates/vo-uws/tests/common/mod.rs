//! Test harness: a scripted executor and helpers to call a `UwsService` as a client would.
#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use sqlx::AnyPool;
use tokio::sync::Semaphore;
use vo_dali::{Body, DaliRequest, DaliResponse, Method, Params, UploadedFile};
use vo_uws::{JobContext, JobExecutor, JobFailure, MAIN_RESULT, UwsConfig, UwsService};

/// The job list URL the tests pretend the service is mounted at.
pub const LIST_URL: &str = "http://test.invalid/svc/async";

/// Does what the job's MODE parameter says:
/// `ok` (default) writes `result`; `fail`/`transient` fail; `panic` panics; `gate` waits for a
/// permit of [`Harness::gate`]; `partial` writes a partial result then waits for the gate;
/// `info` records jobInfo; `thread` writes the name of the thread it runs on; `upload` copies the upload named by its UPLOADED parameter.
/// Validation rejects jobs with a BAD parameter.
pub struct ScriptedExecutor {
    pub gate: Arc<Semaphore>,
    /// Counts runs whose future was dropped before finishing (aborted, timed out, shut down).
    pub stopped_early: Arc<AtomicUsize>,
    /// Counts runs that started.
    pub started: Arc<AtomicUsize>,
}

struct CountIfDropped {
    counter: Arc<AtomicUsize>,
    finished: bool,
}

impl Drop for CountIfDropped {
    fn drop(&mut self) {
        if !self.finished {
            self.counter.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[async_trait::async_trait]
impl JobExecutor for ScriptedExecutor {
    async fn validate(&self, params: &Params, _uploads: &[String]) -> Result<(), JobFailure> {
        if params.contains("BAD") {
            return Err(JobFailure::fatal("parameter BAD is not acceptable"));
        }
        Ok(())
    }

    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
        self.started.fetch_add(1, Ordering::SeqCst);
        let mut guard = CountIfDropped { counter: self.stopped_early.clone(), finished: false };
        let mode = ctx.params().get("MODE")?.unwrap_or("ok").to_string();
        let outcome = match mode.as_str() {
            "ok" => ctx.write_result(MAIN_RESULT, "text/plain", b"done").await,
            "fail" => Err(JobFailure::fatal("the query failed: no such table")),
            "transient" => Err(JobFailure::transient("the database is busy")),
            "panic" => panic!("scripted panic"),
            "gate" => {
                let _permit = self.gate.acquire().await.map_err(|_| JobFailure::fatal("gate closed"))?;
                ctx.write_result(MAIN_RESULT, "text/plain", b"released").await
            }
            "partial" => {
                ctx.write_result("partial", "text/plain", b"some rows").await?;
                let _permit = self.gate.acquire().await.map_err(|_| JobFailure::fatal("gate closed"))?;
                Ok(())
            }
            "thread" => {
                let name = std::thread::current().name().unwrap_or("unnamed").to_string();
                ctx.write_result(MAIN_RESULT, "text/plain", name.as_bytes()).await
            }
            "info" => {
                // Writing a result or an info entry again replaces it.
                ctx.set_info("rowCount", "0").await?;
                ctx.write_result(MAIN_RESULT, "text/csv", b"draft").await?;
                ctx.set_info("rowCount", "42").await?;
                ctx.set_info("resultUrl", &ctx.result_url(MAIN_RESULT)).await?;
                ctx.write_result(MAIN_RESULT, "text/plain", b"done").await
            }
            "upload" => {
                let name = ctx.params().require("UPLOADED")?;
                let upload = ctx.upload(name).ok_or_else(|| JobFailure::fatal(format!("no upload {name}")))?;
                let content = tokio::fs::read(&upload.path).await?;
                ctx.write_result(MAIN_RESULT, "application/octet-stream", &content).await
            }
            other => Err(JobFailure::fatal(format!("unknown MODE {other}"))),
        };
        guard.finished = true;
        outcome
    }
}

pub struct Harness {
    pub uws: UwsService,
    pub pool: AnyPool,
    pub dir: tempfile::TempDir,
    pub gate: Arc<Semaphore>,
    pub stopped_early: Arc<AtomicUsize>,
    pub started: Arc<AtomicUsize>,
    pub config: UwsConfig,
}

impl Harness {
    pub async fn new(config: UwsConfig) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let pool = test_database(&dir).await;
        let gate = Arc::new(Semaphore::new(0));
        let stopped_early = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let uws = start(&pool, &dir.path().join("jobs"), &gate, &stopped_early, &started, config.clone()).await;
        Harness { uws, pool, dir, gate, stopped_early, started, config }
    }

    /// Drops the service (as a server stopping would) and starts a new one on the same database
    /// and directory.
    pub async fn restart(self) -> Harness {
        let Harness { uws, pool, dir, gate, stopped_early, started, config } = self;
        drop(uws);
        let uws = start(&pool, &dir.path().join("jobs"), &gate, &stopped_early, &started, config.clone()).await;
        Harness { uws, pool, dir, gate, stopped_early, started, config }
    }

    pub fn jobs_dir(&self) -> PathBuf {
        self.dir.path().join("jobs")
    }

    pub async fn call(&self, method: Method, path: &str, query: &str) -> DaliResponse {
        self.call_as(None, method, path, query).await
    }

    pub async fn call_as(&self, owner: Option<&str>, method: Method, path: &str, query: &str) -> DaliResponse {
        let mut request = DaliRequest::new(method, Params::from_query(query), LIST_URL);
        request.owner = owner.map(str::to_string);
        self.uws.handle(path, request).await
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.call(Method::Get, path, "").await;
        (response.status, body_text(response).await)
    }

    /// Creates a job and returns its id (asserting the 303 to it).
    pub async fn create(&self, query: &str) -> String {
        self.create_as(None, query).await
    }

    pub async fn create_as(&self, owner: Option<&str>, query: &str) -> String {
        let response = self.call_as(owner, Method::Post, "", query).await;
        assert_eq!(response.status, 303, "creation answered {response:?}");
        job_id_from(&response)
    }

    pub async fn create_with_files(&self, query: &str, files: Vec<UploadedFile>) -> String {
        let mut request = DaliRequest::new(Method::Post, Params::from_query(query), LIST_URL);
        request.files = files;
        let response = self.uws.handle("", request).await;
        assert_eq!(response.status, 303, "creation answered {response:?}");
        job_id_from(&response)
    }

    pub async fn phase(&self, job_id: &str) -> String {
        let (status, text) = self.get_text(&format!("{job_id}/phase")).await;
        assert_eq!(status, 200, "{text}");
        text
    }

    /// Blocks (with WAIT, a bounded number of times) until the job is no longer QUEUED or
    /// EXECUTING; returns its phase.
    pub async fn wait_until_settled(&self, job_id: &str) -> String {
        for _ in 0..40 {
            let phase = self.phase(job_id).await;
            if phase != "QUEUED" && phase != "EXECUTING" {
                return phase;
            }
            let response = self.call(Method::Get, job_id, "WAIT=5").await;
            assert_eq!(response.status, 200);
        }
        panic!("job {job_id} did not settle");
    }

    /// Waits until `n` runs have started in the executor.
    pub async fn wait_for_started(&self, n: usize) {
        wait_for_count(&self.started, n).await;
    }

    /// Waits until the job reaches `phase` (polling a bounded number of times).
    pub async fn wait_for_phase(&self, job_id: &str, phase: &str) {
        for _ in 0..500 {
            if self.phase(job_id).await == phase {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job {job_id} never reached {phase}; it is {}", self.phase(job_id).await);
    }
}

async fn start(
    pool: &AnyPool,
    jobs_dir: &std::path::Path,
    gate: &Arc<Semaphore>,
    stopped_early: &Arc<AtomicUsize>,
    started: &Arc<AtomicUsize>,
    config: UwsConfig,
) -> UwsService {
    let executor = Arc::new(ScriptedExecutor {
        gate: gate.clone(),
        stopped_early: stopped_early.clone(),
        started: started.clone(),
    });
    UwsService::new(pool.clone(), jobs_dir.to_path_buf(), executor, config).await.unwrap()
}

pub fn job_id_from(response: &DaliResponse) -> String {
    let location = response.header("Location").expect("a Location header");
    let id = location.strip_prefix(&format!("{LIST_URL}/")).unwrap_or_else(|| panic!("odd location {location}"));
    id.to_string()
}

pub async fn body_text(response: DaliResponse) -> String {
    match response.body {
        Body::Empty => String::new(),
        Body::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Body::Stream(mut stream) => {
            let mut all = Vec::new();
            while let Some(chunk) = stream.next().await {
                all.extend_from_slice(&chunk.unwrap());
            }
            String::from_utf8_lossy(&all).into_owned()
        }
    }
}

pub fn quick_config() -> UwsConfig {
    UwsConfig { reaper_interval: Duration::from_millis(50), ..UwsConfig::default() }
}

/// Waits (a bounded number of times) until `counter` reaches `n`.
pub async fn wait_for_count(counter: &AtomicUsize, n: usize) {
    for _ in 0..500 {
        if counter.load(Ordering::SeqCst) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("counter stayed at {} instead of reaching {n}", counter.load(Ordering::SeqCst));
}

/// A fresh database: an SQLite file in `dir`, or, when `VO_UWS_TEST_POSTGRES` holds the URL of
/// a PostgreSQL server's maintenance database, a new PostgreSQL database on that server (so the
/// same suite checks that the SQL works on both).
pub async fn test_database(dir: &tempfile::TempDir) -> AnyPool {
    match std::env::var("VO_UWS_TEST_POSTGRES") {
        Err(_) => {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("meta.db").display());
            vo_uws::connect_pool(&url, 4).await.unwrap()
        }
        Ok(admin_url) => {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
            let name = format!("uws_test_{}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst), nanos);
            let admin = vo_uws::connect_pool(&admin_url, 1).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
            let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
            vo_uws::connect_pool(&format!("{base}/{name}"), 4).await.unwrap()
        }
    }
}
