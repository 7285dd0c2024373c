//! A real actix-web server on 127.0.0.1 (ephemeral port) serving a UWS job list, and a toy
//! executor whose jobs sleep, fail, or wait on a gate the test controls.
#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer};
use sqlx::AnyPool;
use tokio::sync::Semaphore;
use vo_actix::{MountOptions, mount};
use vo_dali::DaliService;
use vo_uws::{JobContext, JobExecutor, JobFailure, MAIN_RESULT, UwsConfig, UwsService};

/// `MODE=gate` waits for a permit of the gate; `MODE=fail` fails; otherwise the job sleeps
/// `MS` milliseconds (default 0) and writes `result` = "slept <MS> ms".
pub struct ToyExecutor {
    pub gate: Arc<Semaphore>,
}

#[async_trait::async_trait]
impl JobExecutor for ToyExecutor {
    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
        match ctx.params().get("MODE")?.unwrap_or("sleep") {
            "gate" => {
                let _permit = self.gate.acquire().await.map_err(|_| JobFailure::fatal("gate closed"))?;
            }
            "fail" => return Err(JobFailure::fatal("this job was asked to fail")),
            _ => {}
        }
        let millis = ctx.params().get_u64("MS")?.unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(millis)).await;
        ctx.write_result(MAIN_RESULT, "text/plain", format!("slept {millis} ms").as_bytes()).await
    }
}

/// The database and directory a job list lives in, kept across server restarts.
pub struct Storage {
    pub dir: tempfile::TempDir,
    pub pool: AnyPool,
    pub gate: Arc<Semaphore>,
}

impl Storage {
    pub async fn new() -> Storage {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("meta.db").display());
        let pool = vo_uws::connect_pool(&url, 8).await.unwrap();
        Storage { dir, pool, gate: Arc::new(Semaphore::new(0)) }
    }

    pub fn jobs_dir(&self) -> PathBuf {
        self.dir.path().join("jobs")
    }

    pub async fn service(&self, config: UwsConfig) -> UwsService {
        let executor = Arc::new(ToyExecutor { gate: self.gate.clone() });
        UwsService::new(self.pool.clone(), self.jobs_dir(), executor, config).await.unwrap()
    }
}

/// The path the job list is mounted at.
pub const MOUNT: &str = "/svc/async";

pub struct TestServer {
    /// `http://127.0.0.1:<port>`
    pub origin: String,
    handle: ServerHandle,
}

impl TestServer {
    pub async fn start(service: Arc<dyn DaliService>, options: MountOptions) -> TestServer {
        let server = HttpServer::new(move || App::new().service(mount(MOUNT, service.clone(), options.clone())))
            .on_connect(vo_actix::no_delay)
            .workers(2)
            .bind(("127.0.0.1", 0))
            .unwrap();
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        TestServer { origin: format!("http://{address}"), handle }
    }

    /// The absolute URL of the job list.
    pub fn list_url(&self) -> String {
        format!("{}{MOUNT}", self.origin)
    }

    pub fn url(&self, path: &str) -> String {
        if path.is_empty() { self.list_url() } else { format!("{}/{path}", self.list_url()) }
    }

    pub fn address(&self) -> String {
        self.origin.trim_start_matches("http://").to_string()
    }

    /// Stops at once: a graceful stop would wait for the clients' idle keep-alive connections.
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

/// An HTTP client that shows redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub const FORM: &str = "application/x-www-form-urlencoded";

pub async fn post_form(client: &reqwest::Client, url: &str, body: &str) -> reqwest::Response {
    client.post(url).header("Content-Type", FORM).body(body.to_string()).send().await.unwrap()
}

pub async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Creates a job with a form POST and returns its URL (asserting the 303).
pub async fn create_job(client: &reqwest::Client, server: &TestServer, body: &str) -> String {
    let response = post_form(client, &server.list_url(), body).await;
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&server.list_url()), "{location}");
    location
}

/// Blocks with WAIT (a bounded number of times) until the job is neither QUEUED nor EXECUTING.
pub async fn wait_until_settled(client: &reqwest::Client, job_url: &str) -> String {
    for _ in 0..40 {
        let (_, phase) = get_text(client, &format!("{job_url}/phase")).await;
        if phase != "QUEUED" && phase != "EXECUTING" {
            return phase;
        }
        let (status, _) = get_text(client, &format!("{job_url}?WAIT=5")).await;
        assert_eq!(status, 200);
    }
    panic!("job {job_url} did not settle");
}

/// Polls (a bounded number of times) until the job is in `phase`.
pub async fn wait_for_phase(client: &reqwest::Client, job_url: &str, phase: &str) {
    for _ in 0..500 {
        if get_text(client, &format!("{job_url}/phase")).await.1 == phase {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {job_url} never reached {phase}");
}

pub fn quick_config() -> UwsConfig {
    UwsConfig { reaper_interval: Duration::from_millis(50), ..UwsConfig::default() }
}
