//! Job life cycles: running, failing, aborting, time limits, queueing, restarts, destruction.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{Harness, LIST_URL, body_text, quick_config, wait_for_count};
use vo_dali::Method;
use vo_uws::{DestructionPolicy, RESTART_MESSAGE, UwsConfig};

#[tokio::test]
async fn pending_job_runs_to_completion_and_can_be_deleted() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=ok&RUNID=r1").await;
    assert_eq!(h.phase(&id).await, "PENDING");

    let (status, doc) = h.get_text(&id).await;
    assert_eq!(status, 200);
    assert!(doc.contains("version=\"1.1\""), "{doc}");
    assert!(doc.contains("<uws:runId>r1</uws:runId>"), "{doc}");
    assert!(doc.contains("<uws:parameter id=\"MODE\">ok</uws:parameter>"), "{doc}");
    assert!(doc.contains("<uws:startTime xsi:nil=\"true\"/>"), "{doc}");
    assert!(doc.contains("<uws:results>\n  </uws:results>"), "{doc}");

    let run = h.call(Method::Post, &format!("{id}/phase"), "PHASE=RUN").await;
    assert_eq!(run.status, 303);
    assert_eq!(run.header("Location"), Some(format!("{LIST_URL}/{id}").as_str()));
    assert_eq!(h.wait_until_settled(&id).await, "COMPLETED");

    let (_, doc) = h.get_text(&id).await;
    assert!(doc.contains(&format!("xlink:href=\"{LIST_URL}/{id}/results/result\" size=\"4\"")), "{doc}");
    assert!(doc.contains("<uws:endTime>") && doc.contains("Z</uws:endTime>"), "{doc}");
    let (status, results) = h.get_text(&format!("{id}/results")).await;
    assert_eq!(status, 200);
    assert!(results.contains("<uws:result id=\"result\""), "{results}");
    let response = h.call(Method::Get, &format!("{id}/results/result"), "").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Length"), Some("4"));
    assert!(matches!(response.body, vo_dali::Body::Stream(_)), "results are streamed from disk");
    assert_eq!(body_text(response).await, "done");
    assert!(h.jobs_dir().join(&id).exists());

    let deleted = h.call(Method::Delete, &id, "").await;
    assert_eq!(deleted.status, 303);
    assert_eq!(deleted.header("Location"), Some(LIST_URL));
    for path in [id.clone(), format!("{id}/phase"), format!("{id}/results/result"), format!("{id}/parameters")] {
        assert_eq!(h.call(Method::Get, &path, "").await.status, 404, "{path} after DELETE");
    }
    assert!(!h.jobs_dir().join(&id).exists(), "job files are removed");
}

#[tokio::test]
async fn phase_run_with_the_creating_post_starts_the_job() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=ok&PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&id).await, "COMPLETED");
    // A second RUN (pyvo's run() after astroquery-style creation) changes nothing.
    assert_eq!(h.call(Method::Post, &format!("{id}/phase"), "PHASE=RUN").await.status, 303);
    assert_eq!(h.phase(&id).await, "COMPLETED");
}

#[tokio::test]
async fn invalid_parameters_give_a_job_in_error_with_its_document() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("BAD=1&PHASE=RUN").await;
    assert_eq!(h.phase(&id).await, "ERROR");
    let (status, doc) = h.get_text(&id).await;
    assert_eq!(status, 200);
    assert!(doc.contains("<uws:errorSummary type=\"fatal\" hasDetail=\"true\">"), "{doc}");
    assert!(doc.contains("parameter BAD is not acceptable"), "{doc}");
    let error = h.call(Method::Get, &format!("{id}/error"), "").await;
    assert_eq!(error.status, 200, "DALI serves the async error document with 200");
    assert_eq!(error.content_type, "application/x-votable+xml");
    let text = body_text(error).await;
    assert!(
        text.contains("<INFO name=\"QUERY_STATUS\" value=\"ERROR\">parameter BAD is not acceptable</INFO>"),
        "{text}"
    );
    // The parameters are checked again at RUN time, after edits.
    let id = h.create("MODE=ok").await;
    assert_eq!(h.call(Method::Post, &format!("{id}/parameters"), "BAD=yes").await.status, 303);
    assert_eq!(h.call(Method::Post, &format!("{id}/phase"), "PHASE=RUN").await.status, 303);
    assert_eq!(h.phase(&id).await, "ERROR");
}

#[tokio::test]
async fn failures_and_panics_end_in_error() {
    let h = Harness::new(quick_config()).await;
    let fatal = h.create("MODE=fail&PHASE=RUN").await;
    let transient = h.create("MODE=transient&PHASE=RUN").await;
    let panicking = h.create("MODE=panic&PHASE=RUN").await;
    for id in [&fatal, &transient, &panicking] {
        assert_eq!(h.wait_until_settled(id).await, "ERROR");
    }
    assert!(h.get_text(&fatal).await.1.contains("type=\"fatal\""));
    assert!(h.get_text(&transient).await.1.contains("type=\"transient\""));
    let (_, panic_doc) = h.get_text(&panicking).await;
    assert!(panic_doc.contains("internal error"), "{panic_doc}");
    assert!(body_text(h.call(Method::Get, &format!("{fatal}/error"), "").await).await.contains("no such table"));
    // A job that did not fail has no error document.
    let ok = h.create("PHASE=RUN").await;
    h.wait_until_settled(&ok).await;
    assert_eq!(h.call(Method::Get, &format!("{ok}/error"), "").await.status, 404);
}

#[tokio::test]
async fn abort_stops_the_running_work() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=gate&PHASE=RUN").await;
    h.wait_for_started(1).await;
    assert_eq!(h.phase(&id).await, "EXECUTING");
    assert_eq!(h.call(Method::Post, &format!("{id}/phase"), "PHASE=abort").await.status, 303);
    assert_eq!(h.phase(&id).await, "ABORTED");
    wait_for_count(&h.stopped_early, 1).await;
    assert_eq!(h.stopped_early.load(Ordering::SeqCst), 1, "the executor's future was dropped");
    // Releasing the gate afterwards must not resurrect the job.
    h.gate.add_permits(1);
    assert_eq!(h.phase(&id).await, "ABORTED");
    // Aborting again is harmless; a pending job can be aborted too.
    assert_eq!(h.call(Method::Post, &format!("{id}/phase"), "PHASE=ABORT").await.status, 303);
    let pending = h.create("MODE=ok").await;
    assert_eq!(h.call(Method::Post, &format!("{pending}/phase"), "PHASE=ABORT").await.status, 303);
    assert_eq!(h.phase(&pending).await, "ABORTED");
}

#[tokio::test]
async fn illegal_transitions_are_forbidden() {
    let h = Harness::new(quick_config()).await;
    let done = h.create("PHASE=RUN").await;
    h.wait_until_settled(&done).await;
    let aborted = h.create("").await;
    h.call(Method::Post, &format!("{aborted}/phase"), "PHASE=ABORT").await;

    let cases = [
        (done.as_str(), "phase", "PHASE=ABORT"),
        (aborted.as_str(), "phase", "PHASE=RUN"),
        (done.as_str(), "executionduration", "EXECUTIONDURATION=10"),
        (done.as_str(), "parameters", "MODE=fail"),
    ];
    for (id, child, body) in cases {
        let response = h.call(Method::Post, &format!("{id}/{child}"), body).await;
        assert_eq!(response.status, 403, "{child} {body}");
        assert!(body_text(response).await.contains("QUERY_STATUS"));
    }
    assert_eq!(h.phase(&done).await, "COMPLETED");
}

#[tokio::test]
async fn execution_duration_is_enforced() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=partial&EXECUTIONDURATION=1&PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&id).await, "ABORTED");
    let (_, doc) = h.get_text(&id).await;
    assert!(doc.contains("execution duration of 1 s"), "{doc}");
    assert!(doc.contains("<uws:result id=\"partial\""), "results so far are kept: {doc}");
    assert_eq!(h.get_text(&format!("{id}/results/partial")).await, (200, "some rows".to_string()));
    assert_eq!(h.call(Method::Get, &format!("{id}/error"), "").await.status, 200);
}

#[tokio::test]
async fn full_queue_holds_the_job_until_run_again() {
    let config = UwsConfig { workers: 1, queue_size: 1, ..quick_config() };
    let h = Harness::new(config).await;
    let first = h.create("MODE=gate&PHASE=RUN").await;
    h.wait_for_phase(&first, "EXECUTING").await;
    let second = h.create("MODE=gate&PHASE=RUN").await;
    assert_eq!(h.phase(&second).await, "QUEUED");
    let third = h.create("MODE=ok&PHASE=RUN").await;
    assert_eq!(h.phase(&third).await, "HELD");

    h.gate.add_permits(2);
    assert_eq!(h.wait_until_settled(&first).await, "COMPLETED");
    assert_eq!(h.wait_until_settled(&second).await, "COMPLETED");
    assert_eq!(h.phase(&third).await, "HELD", "a held job waits for the client");
    assert_eq!(h.call(Method::Post, &format!("{third}/phase"), "PHASE=RUN").await.status, 303);
    assert_eq!(h.wait_until_settled(&third).await, "COMPLETED");
}

#[tokio::test]
async fn restart_fails_interrupted_jobs_and_keeps_finished_ones() {
    let config = UwsConfig { workers: 1, ..quick_config() };
    let h = Harness::new(config).await;
    let finished = h.create("MODE=ok&PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&finished).await, "COMPLETED");
    let executing = h.create("MODE=gate&PHASE=RUN").await;
    h.wait_for_phase(&executing, "EXECUTING").await;
    let queued = h.create("MODE=ok&PHASE=RUN").await;
    assert_eq!(h.phase(&queued).await, "QUEUED");
    let pending = h.create("MODE=ok").await;

    let h = h.restart().await;
    for id in [&executing, &queued] {
        assert_eq!(h.phase(id).await, "ERROR", "job {id}");
        let error = body_text(h.call(Method::Get, &format!("{id}/error"), "").await).await;
        assert!(error.contains("server restarted"), "{error}");
        assert!(h.get_text(id).await.1.contains("type=\"transient\""));
    }
    assert_eq!(h.phase(&pending).await, "PENDING", "pending jobs survive a restart untouched");
    assert_eq!(h.get_text(&format!("{finished}/results/result")).await, (200, "done".to_string()));
    assert!(RESTART_MESSAGE.contains("server restarted"));
    // The new service runs jobs as usual.
    h.call(Method::Post, &format!("{pending}/phase"), "PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&pending).await, "COMPLETED");
}

#[tokio::test]
async fn reaper_deletes_jobs_at_destruction_time() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=ok&PHASE=RUN").await;
    h.wait_until_settled(&id).await;
    assert!(h.jobs_dir().join(&id).exists());
    let soon = vo_uws::time::format_instant(vo_uws::time::now_millis() + 300);
    assert_eq!(h.call(Method::Post, &format!("{id}/destruction"), &format!("DESTRUCTION={soon}")).await.status, 303);
    for _ in 0..500 {
        if h.call(Method::Get, &id, "").await.status == 404 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(h.call(Method::Get, &id, "").await.status, 404);
    assert!(!h.jobs_dir().join(&id).exists(), "result files are removed with the job");
}

#[tokio::test]
async fn destruction_stops_a_running_job() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=partial&PHASE=RUN").await;
    h.wait_for_started(1).await;
    let soon = vo_uws::time::format_instant(vo_uws::time::now_millis() + 200);
    assert_eq!(h.call(Method::Post, &format!("{id}/destruction"), &format!("DESTRUCTION={soon}")).await.status, 303);
    wait_for_count(&h.stopped_early, 1).await;
    for _ in 0..500 {
        if h.call(Method::Get, &id, "").await.status == 404 && !h.jobs_dir().join(&id).exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(h.call(Method::Get, &id, "").await.status, 404);
    assert!(!h.jobs_dir().join(&id).exists(), "the partial result is removed too");
}

#[tokio::test]
async fn archive_policy_keeps_metadata_only() {
    let config = UwsConfig { destruction_policy: DestructionPolicy::Archive, ..quick_config() };
    let h = Harness::new(config).await;
    let id = h.create("MODE=ok&PHASE=RUN").await;
    h.wait_until_settled(&id).await;
    let soon = vo_uws::time::format_instant(vo_uws::time::now_millis() + 200);
    h.call(Method::Post, &format!("{id}/destruction"), &format!("DESTRUCTION={soon}")).await;
    h.wait_for_phase(&id, "ARCHIVED").await;
    assert_eq!(h.call(Method::Get, &format!("{id}/results/result"), "").await.status, 404);
    assert!(!h.jobs_dir().join(&id).exists());
    let (_, default_list) = h.get_text("").await;
    assert!(!default_list.contains(&id), "ARCHIVED jobs are hidden by default: {default_list}");
    let archived = body_text(h.call(Method::Get, "", "PHASE=ARCHIVED").await).await;
    assert!(archived.contains(&id), "{archived}");
}

#[tokio::test]
async fn dropping_the_service_stops_running_jobs() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=gate&PHASE=RUN").await;
    h.wait_for_started(1).await;
    let stopped = h.stopped_early.clone();
    let store = h.pool.clone();
    drop(h.uws);
    wait_for_count(&stopped, 1).await;
    // The job is left EXECUTING for the next service start to mark as interrupted.
    let phase: String =
        sqlx::query_scalar("SELECT phase FROM uws_job WHERE job_id = $1").bind(&id).fetch_one(&store).await.unwrap();
    assert_eq!(phase, "EXECUTING");
}

#[test]
fn jobs_run_on_the_configured_runtime() {
    let jobs_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("uws-jobs")
        .enable_all()
        .build()
        .unwrap();
    let config = UwsConfig { runtime: Some(jobs_runtime.handle().clone()), ..quick_config() };
    let requests_runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    requests_runtime.block_on(async {
        let h = Harness::new(config).await;
        let id = h.create("MODE=thread&PHASE=RUN").await;
        assert_eq!(h.wait_until_settled(&id).await, "COMPLETED");
        assert_eq!(h.get_text(&format!("{id}/results/result")).await.1, "uws-jobs");
    });
}

#[tokio::test]
async fn in_memory_database_keeps_its_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let pool = vo_uws::connect_pool("sqlite::memory:", 8).await.unwrap();
    let executor = std::sync::Arc::new(common::ScriptedExecutor {
        gate: std::sync::Arc::new(tokio::sync::Semaphore::new(0)),
        stopped_early: Default::default(),
        started: Default::default(),
    });
    let uws = vo_uws::UwsService::new(pool, dir.path().join("jobs"), executor, quick_config()).await.unwrap();
    let request = |method, query: &str| vo_dali::DaliRequest::new(method, vo_dali::Params::from_query(query), LIST_URL);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let created = uws.handle("", request(Method::Post, "MODE=ok&PHASE=RUN")).await;
        ids.push(common::job_id_from(&created));
    }
    let list = body_text(uws.handle("", request(Method::Get, "")).await).await;
    assert!(ids.iter().all(|id| list.contains(id.as_str())), "{list}");
}
