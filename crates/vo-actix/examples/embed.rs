//! Embedding a DALI service with a UWS job list in your own actix-web application.
//!
//! ```text
//! cargo run -p vo-actix --example embed            # listens on 127.0.0.1:8080 (PORT to change)
//! curl -i -d 'NAME=Vega&SECONDS=2&PHASE=RUN' http://127.0.0.1:8080/greeter/async
//! curl 'http://127.0.0.1:8080/greeter/async/<job id>?WAIT=10'
//! curl http://127.0.0.1:8080/greeter/async/<job id>/results/result
//! ```
//! Jobs and results are kept in `./embed-data` (DATA_DIR to change), so they survive restarts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use vo_actix::{MountOptions, mount};
use vo_dali::{DaliError, DaliRequest, DaliResponse, DaliService};
use vo_uws::{JobContext, JobExecutor, JobFailure, MAIN_RESULT, UwsConfig, UwsService};

/// The protocol-specific part: a job that greets NAME after SECONDS seconds.
struct SlowGreeting;

#[async_trait::async_trait]
impl JobExecutor for SlowGreeting {
    async fn validate(&self, params: &vo_dali::Params, _uploads: &[String]) -> Result<(), JobFailure> {
        params.require("NAME")?;
        Ok(())
    }

    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let name = ctx.params().require("NAME")?.to_string();
        let seconds = ctx.params().get_u64("SECONDS")?.unwrap_or(1).min(600);
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        ctx.set_info("sleptSeconds", &seconds.to_string()).await?;
        ctx.write_result(MAIN_RESULT, "text/plain", format!("Hello, {name}!\n").as_bytes()).await
    }
}

/// The service: a landing page and the `async` job list, as a TAP service would lay them out.
struct Greeter {
    jobs: UwsService,
}

#[async_trait::async_trait]
impl DaliService for Greeter {
    async fn handle(&self, resource: &str, mut request: DaliRequest) -> DaliResponse {
        match resource.split_once('/').map_or((resource, ""), |(first, rest)| (first, rest)) {
            ("", _) => DaliResponse::text("A greeting service. POST NAME=... to async.\n"),
            ("async", rest) => {
                // The job list's own URL is the base for its links.
                request.base_url = format!("{}/async", request.base_url);
                self.jobs.handle(rest, request).await
            }
            _ => DaliResponse::error(&DaliError::not_found(format!("no resource '{resource}'"))),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Jobs get a multi-threaded runtime of their own: actix-web's main runtime is single-threaded
    // and should only serve requests.
    let jobs_runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let jobs_handle = jobs_runtime.handle().clone();
    actix_web::rt::System::new().block_on(serve(jobs_handle))
}

async fn serve(jobs_runtime: tokio::runtime::Handle) -> Result<(), Box<dyn std::error::Error>> {
    let data_dir = PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "embed-data".into()));
    std::fs::create_dir_all(&data_dir)?;
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);

    let pool = vo_uws::connect_pool(&format!("sqlite://{}?mode=rwc", data_dir.join("meta.db").display()), 8).await?;
    let config = UwsConfig { workers: 2, runtime: Some(jobs_runtime), ..UwsConfig::default() };
    let jobs = UwsService::new(pool, data_dir.join("jobs"), Arc::new(SlowGreeting), config).await?;
    let service: Arc<dyn DaliService> = Arc::new(Greeter { jobs });

    println!("listening on http://127.0.0.1:{port}/greeter");
    HttpServer::new(move || {
        App::new()
            // Someone's existing application...
            .route("/", web::get().to(|| async { HttpResponse::Ok().body("my application\n") }))
            // ...with the DALI service mounted in one line.
            .service(mount("/greeter", service.clone(), MountOptions::default()))
    })
    // Answers stream; without this, keep-alive clients wait ~40 ms for each (see `no_delay`).
    .on_connect(vo_actix::no_delay)
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
