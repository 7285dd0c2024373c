//! Async queries through UWS: the result equals the sync one, the job tells its plan and row
//! count, and a failing query ends in ERROR with an error document.

use vo_dali::{Method, UploadedFile};

use crate::support::{BASE, Reply, Tap, part, positions_upload, to_params};

impl Tap {
    /// Creates a job with PHASE=RUN and returns its id.
    async fn submit(&self, params: &[(&str, &str)], files: Vec<UploadedFile>) -> String {
        let mut all = vec![("PHASE", "RUN")];
        all.extend_from_slice(params);
        let reply = self.call(Method::Post, "async", to_params(&all), files).await;
        assert_eq!(reply.status, 303, "{}", reply.text());
        let location = reply.header("Location").expect("a Location").to_string();
        let id = location.strip_prefix(&format!("{BASE}/async/")).unwrap_or_else(|| panic!("{location}"));
        id.to_string()
    }

    /// Waits (blocking WAIT requests, a bounded number of them) until the job has finished.
    async fn settle(&self, id: &str) -> String {
        for _ in 0..60 {
            let phase = self.get(&format!("async/{id}/phase"), &[]).await.text();
            if !["PENDING", "QUEUED", "EXECUTING"].contains(&phase.trim()) {
                return phase.trim().to_string();
            }
            let reply = self.get(&format!("async/{id}"), &[("WAIT", "5"), ("PHASE", phase.trim())]).await;
            assert_eq!(reply.status, 200, "{}", reply.text());
        }
        panic!("job {id} did not finish");
    }

    async fn result(&self, id: &str) -> Reply {
        let reply = self.get(&format!("async/{id}/results/result"), &[]).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_result_equals_sync_and_the_job_tells_plan_and_rows() {
    let tap = Tap::start().await;
    let query = "SELECT source_id, ra, dec, phot_g_mean_mag FROM demo.stars \
                 WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 120, -30, 6)) ORDER BY source_id";
    let id = tap.submit(&[("LANG", "ADQL"), ("QUERY", query), ("RESPONSEFORMAT", "votable/td")], Vec::new()).await;
    assert_eq!(tap.settle(&id).await, "COMPLETED");
    let result = tap.result(&id).await;
    let from_job = result.votable();
    let from_sync = tap.rows(query, &[]).await;
    assert!(from_sync.num_rows() > 20);
    assert_eq!(from_job.ints("source_id"), from_sync.ints("source_id"));
    for column in ["ra", "dec", "phot_g_mean_mag"] {
        assert_eq!(from_job.floats(column), from_sync.floats(column));
    }
    assert_eq!(from_job.status(), "OK");

    let job = tap.get(&format!("async/{id}"), &[]).await.text();
    assert!(job.contains(&format!("<info name=\"rows\">{}</info>", from_sync.num_rows())), "{job}");
    let plan_start = job.find("<info name=\"plan\">").unwrap_or_else(|| panic!("no plan: {job}"));
    let plan = &job[plan_start..job[plan_start..].find("</info>").unwrap() + plan_start];
    assert!(plan.contains("demo.stars") || plan.contains("stars"), "{plan}");
    assert!(plan.contains("Sort") && plan.contains("Filter"), "{plan}");
    assert!(job.contains("<uws:parameter id=\"QUERY\">"), "{job}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_job_with_an_inline_upload() {
    let tap = Tap::start().await;
    let (votable, rows) = positions_upload();
    let query = "SELECT u.id, s.source_id FROM TAP_UPLOAD.mine AS u JOIN demo.stars AS s ON s.source_id = u.id";
    let params = [("LANG", "ADQL"), ("QUERY", query), ("UPLOAD", "mine,param:tab")];
    let id = tap.submit(&params, vec![part("tab", votable)]).await;
    assert_eq!(tap.settle(&id).await, "COMPLETED");
    let table = tap.result(&id).await.votable();
    let mut ids = table.ints("source_id");
    ids.sort_unstable();
    let mut want: Vec<i64> = rows.iter().map(|r| r.0).filter(|id| *id > 1000).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_async_queries_end_in_error_with_an_error_document() {
    let tap = Tap::start().await;
    for (params, expect) in [
        (vec![("LANG", "ADQL"), ("QUERY", "SELECT ra FROM demo.stars WHERE")], "line 1, column"),
        (vec![("LANG", "ADQL"), ("QUERY", "SELECT nosuchcolumn FROM demo.stars")], "nosuchcolumn"),
        (vec![("LANG", "SQL"), ("QUERY", "SELECT 1")], "unknown query language"),
        (vec![("LANG", "ADQL"), ("QUERY", "SELECT 1"), ("UPLOAD", "mine")], "UPLOAD"),
    ] {
        let id = tap.submit(&params, Vec::new()).await;
        assert_eq!(tap.settle(&id).await, "ERROR", "{params:?}");
        let error = tap.get(&format!("async/{id}/error"), &[]).await;
        // The error document of an async job is served with 200 [DALI §4.2].
        assert_eq!(error.status, 200, "{}", error.text());
        let table = error.votable();
        assert_eq!(table.status(), "ERROR");
        let message = table.message().unwrap_or_default();
        assert!(message.contains(expect), "{params:?}: {message}");
        let job = tap.get(&format!("async/{id}"), &[]).await.text();
        assert!(job.contains("<uws:errorSummary"), "{job}");
        // No result for a job that failed before running.
        assert_eq!(tap.get(&format!("async/{id}/results/result"), &[]).await.status, 404);
    }

    // Failing while running: ERROR too, and the partial result (ending in ERROR) stays readable.
    let query = crate::sync::failing_at_run_time();
    let id = tap.submit(&[("LANG", "ADQL"), ("QUERY", &query)], Vec::new()).await;
    assert_eq!(tap.settle(&id).await, "ERROR");
    let error = tap.get(&format!("async/{id}/error"), &[]).await.votable();
    assert!(error.message().unwrap_or_default().to_lowercase().contains("divide by zero"), "{:?}", error.message());
    let partial = tap.result(&id).await.votable();
    assert_eq!(partial.trailing_status().map(|i| i.value.as_str()), Some("ERROR"));
}
