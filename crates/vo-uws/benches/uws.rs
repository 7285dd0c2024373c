//! Job system speed, in process (no HTTP): the creation → completion round trip of a trivial
//! job, and the job list over 100,000 stored jobs with the LAST, AFTER and PHASE filters.
//!
//! ```text
//! cargo bench -p vo-uws --bench uws
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use vo_dali::{Body, DaliRequest, DaliResponse, Method, Params};
use vo_uws::{JobContext, JobExecutor, JobFailure, MAIN_RESULT, UwsConfig, UwsService};

const LIST_URL: &str = "http://bench.invalid/async";
const STORED_JOBS: usize = 100_000;

struct Trivial;

#[async_trait::async_trait]
impl JobExecutor for Trivial {
    async fn execute(&self, ctx: JobContext) -> Result<(), JobFailure> {
        ctx.write_result(MAIN_RESULT, "text/plain", b"42").await
    }
}

async fn call(uws: &UwsService, method: Method, path: &str, query: &str) -> DaliResponse {
    uws.handle(path, DaliRequest::new(method, Params::from_query(query), LIST_URL)).await
}

fn text(response: DaliResponse) -> String {
    match response.body {
        Body::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    }
}

async fn round_trip(uws: &UwsService) {
    let created = call(uws, Method::Post, "", "PHASE=RUN&QUERY=SELECT+1").await;
    let job_id = created.header("Location").unwrap().rsplit('/').next().unwrap().to_string();
    loop {
        let doc = text(call(uws, Method::Get, &job_id, "WAIT=10").await);
        if doc.contains("<uws:phase>COMPLETED</uws:phase>") {
            break;
        }
        assert!(!doc.contains("<uws:phase>ERROR</uws:phase>"), "{doc}");
    }
}

fn bench_uws(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("meta.db").display());
    let uws = runtime.block_on(async {
        let pool = vo_uws::connect_pool(&url, 8).await.unwrap();
        let config = UwsConfig { reaper_interval: Duration::from_secs(3600), ..UwsConfig::default() };
        UwsService::new(pool, dir.path().join("jobs"), Arc::new(Trivial), config).await.unwrap()
    });

    c.bench_function("round trip: create with PHASE=RUN, WAIT until COMPLETED", |b| {
        b.iter(|| runtime.block_on(round_trip(&uws)))
    });

    // Fill the job list to 100,000 jobs (PENDING, created through the REST layer), timing it.
    let started = Instant::now();
    let missing = STORED_JOBS.saturating_sub(STORED_JOBS.min(count_jobs(&runtime, &uws)));
    runtime.block_on(async {
        for i in 0..missing {
            call(&uws, Method::Post, "", &format!("QUERY=SELECT+{i}&RUNID=bench")).await;
        }
    });
    let elapsed = started.elapsed();
    println!(
        "created {missing} PENDING jobs in {:.1} s: {:.0} jobs/s (one at a time)",
        elapsed.as_secs_f64(),
        missing as f64 / elapsed.as_secs_f64()
    );
    let recent = text(runtime.block_on(call(&uws, Method::Get, "", "LAST=100")));
    let after = recent.rsplit("<uws:creationTime>").next().unwrap().split('<').next().unwrap().to_string();

    let mut group = c.benchmark_group("job list of 100,000 jobs");
    group.sample_size(20);
    for (name, query) in [
        ("LAST=10", "LAST=10".to_string()),
        ("AFTER (last ~100 jobs)", format!("AFTER={after}")),
        ("PHASE=EXECUTING (none)", "PHASE=EXECUTING".to_string()),
        ("PHASE=EXECUTING&PHASE=QUEUED (none)", "PHASE=EXECUTING&PHASE=QUEUED".to_string()),
        ("PHASE=PENDING&LAST=50", "PHASE=PENDING&LAST=50".to_string()),
        ("no filter (capped at the default 10,000)", String::new()),
    ] {
        group.bench_function(name, |b| b.iter(|| runtime.block_on(call(&uws, Method::Get, "", &query))));
    }
    // The same database seen by a service configured without the list cap.
    let uncapped = runtime.block_on(async {
        let pool = vo_uws::connect_pool(&url, 8).await.unwrap();
        let config =
            UwsConfig { max_listed_jobs: None, reaper_interval: Duration::from_secs(3600), ..UwsConfig::default() };
        UwsService::new(pool, dir.path().join("jobs"), Arc::new(Trivial), config).await.unwrap()
    });
    group.sample_size(10);
    group.bench_function("no filter, no cap (all 100,000)", |b| {
        b.iter(|| runtime.block_on(call(&uncapped, Method::Get, "", "")))
    });
    group.finish();
}

fn count_jobs(runtime: &tokio::runtime::Runtime, uws: &UwsService) -> usize {
    text(runtime.block_on(call(uws, Method::Get, "", "PHASE=PENDING&PHASE=COMPLETED"))).matches("<uws:jobref").count()
}

criterion_group!(benches, bench_uws);
criterion_main!(benches);
