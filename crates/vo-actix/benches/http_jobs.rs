//! Jobs per second through real HTTP: a UWS job list mounted with vo-actix on 127.0.0.1, and
//! N concurrent clients (default 50) each creating a trivial job with `PHASE=RUN`, blocking with
//! `WAIT` until it completes, downloading its result and deleting it.
//!
//! ```text
//! cargo bench -p vo-actix --bench http_jobs            # 50 clients, 2000 jobs
//! cargo bench -p vo-actix --bench http_jobs -- 50 5000 # clients, jobs
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{App, HttpServer};
use vo_actix::{MountOptions, mount};
use vo_uws::{JobContext, JobExecutor, JobFailure, MAIN_RESULT, UwsConfig, UwsService};

struct Trivial;

#[async_trait::async_trait]
impl JobExecutor for Trivial {
    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
        ctx.write_result(MAIN_RESULT, "text/plain", b"42").await
    }
}

/// One client's loop; returns the round-trip latency of each job.
async fn client_loop(http: reqwest::Client, list_url: String, jobs: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(jobs);
    for _ in 0..jobs {
        let started = Instant::now();
        let created = http
            .post(&list_url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("QUERY=SELECT+1&PHASE=RUN")
            .send()
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 303);
        let job_url = created.headers()["location"].to_str().unwrap().to_string();
        loop {
            let doc = http.get(format!("{job_url}?WAIT=30")).send().await.unwrap().text().await.unwrap();
            if doc.contains("<uws:phase>COMPLETED</uws:phase>") {
                break;
            }
            assert!(!doc.contains("<uws:phase>ERROR</uws:phase>"), "{doc}");
        }
        let result = http.get(format!("{job_url}/results/result")).send().await.unwrap().text().await.unwrap();
        assert_eq!(result, "42");
        latencies.push(started.elapsed());
        assert_eq!(http.delete(&job_url).send().await.unwrap().status().as_u16(), 303);
    }
    latencies
}

fn main() {
    // `cargo bench` passes --bench; take the numbers among the arguments.
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let clients = numbers.first().copied().unwrap_or(50);
    let jobs = numbers.get(1).copied().unwrap_or(2000);
    actix_web::rt::System::new().block_on(run(clients, jobs));
}

async fn run(clients: usize, jobs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("meta.db").display());
    let pool = vo_uws::connect_pool(&url, 8).await.unwrap();
    let config = UwsConfig { workers: 8, ..UwsConfig::default() };
    let uws = UwsService::new(pool, dir.path().join("jobs"), Arc::new(Trivial), config).await.unwrap();
    let service: Arc<dyn vo_dali::DaliService> = Arc::new(uws);
    let server = HttpServer::new(move || App::new().service(mount("/async", service.clone(), MountOptions::default())))
        .workers(2)
        .bind(("127.0.0.1", 0))
        .unwrap();
    let list_url = format!("http://{}/async", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let per_client = jobs.div_ceil(clients);
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let tasks: Vec<_> =
        (0..clients).map(|_| actix_web::rt::spawn(client_loop(http.clone(), list_url.clone(), per_client))).collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    let cpu = process_cpu_seconds().zip(cpu_before).map(|(after, before)| after - before);
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "{} jobs by {clients} concurrent clients over HTTP in {:.2} s: {:.0} jobs/s \
         (create+RUN, WAIT to COMPLETED, download result, DELETE)",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "round-trip latency per job: median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(0.5),
        percentile(0.9),
        percentile(0.99),
        percentile(1.0)
    );
    if let Some(cpu) = cpu {
        // CPU time is a steadier figure than wall time on a machine shared with other work.
        println!(
            "CPU time of the process (server and clients together): {:.2} s, {:.2} ms per job",
            cpu,
            cpu * 1000.0 / latencies.len() as f64
        );
    }
    handle.stop(false).await;
}

/// User plus system CPU time of this process so far, from /proc (Linux); None elsewhere.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}
