//! Every UWS phase transition over real HTTP, including a server restart in the middle of a job.

mod common;

use std::sync::Arc;

use common::{
    Storage, TestServer, client, create_job, get_text, post_form, quick_config, wait_for_phase, wait_until_settled,
};
use vo_actix::MountOptions;
use vo_uws::time::{format_instant, now_millis};

#[actix_web::test]
async fn job_life_cycle_over_http() {
    let storage = Storage::new().await;
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), MountOptions::default()).await;
    let http = client();

    let job = create_job(&http, &server, "MS=10&RUNID=http-test").await;
    let (status, doc) = get_text(&http, &job).await;
    assert_eq!(status, 200);
    assert!(doc.contains("<uws:phase>PENDING</uws:phase>") && doc.contains("version=\"1.1\""), "{doc}");

    // Settings while PENDING: each answers 303 back to the job.
    for (child, body) in [
        ("executionduration", "EXECUTIONDURATION=120".to_string()),
        ("destruction", format!("DESTRUCTION={}", format_instant(now_millis() + 3_600_000))),
        ("parameters", "MS=20".to_string()),
    ] {
        let response = post_form(&http, &format!("{job}/{child}"), &body).await;
        assert_eq!(response.status().as_u16(), 303, "{child}");
        assert_eq!(response.headers()["location"], job.as_str());
    }
    assert_eq!(get_text(&http, &format!("{job}/executionduration")).await.1, "120");
    assert_eq!(get_text(&http, &format!("{job}/parameters/MS")).await.1, "20");

    let run = post_form(&http, &format!("{job}/phase"), "PHASE=RUN").await;
    assert_eq!(run.status().as_u16(), 303);
    assert_eq!(wait_until_settled(&http, &job).await, "COMPLETED");

    let result = http.get(format!("{job}/results/result")).send().await.unwrap();
    assert_eq!(result.status().as_u16(), 200);
    assert_eq!(result.headers()["content-type"], "text/plain");
    assert_eq!(result.headers()["content-length"], "11");
    assert_eq!(result.text().await.unwrap(), "slept 20 ms");

    // Illegal now that it is COMPLETED.
    assert_eq!(post_form(&http, &format!("{job}/phase"), "PHASE=ABORT").await.status().as_u16(), 403);
    assert_eq!(post_form(&http, &format!("{job}/parameters"), "MS=1").await.status().as_u16(), 403);

    let deleted = http.delete(&job).send().await.unwrap();
    assert_eq!(deleted.status().as_u16(), 303);
    assert_eq!(deleted.headers()["location"], server.list_url().as_str());
    assert_eq!(get_text(&http, &job).await.0, 404);
    assert_eq!(get_text(&http, &format!("{job}/results/result")).await.0, 404);
    server.stop().await;
}

#[actix_web::test]
async fn abort_failure_and_action_delete_over_http() {
    let storage = Storage::new().await;
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), MountOptions::default()).await;
    let http = client();

    let running = create_job(&http, &server, "MODE=gate&PHASE=RUN").await;
    wait_for_phase(&http, &running, "EXECUTING").await;
    assert_eq!(post_form(&http, &format!("{running}/phase"), "PHASE=ABORT").await.status().as_u16(), 303);
    assert_eq!(get_text(&http, &format!("{running}/phase")).await.1, "ABORTED");
    assert_eq!(post_form(&http, &format!("{running}/phase"), "PHASE=RUN").await.status().as_u16(), 403);

    let failing = create_job(&http, &server, "MODE=fail&PHASE=RUN").await;
    assert_eq!(wait_until_settled(&http, &failing).await, "ERROR");
    let error = http.get(format!("{failing}/error")).send().await.unwrap();
    assert_eq!(error.status().as_u16(), 200);
    assert!(error.text().await.unwrap().contains("this job was asked to fail"));

    let wrong_place = post_form(&http, &failing, "PHASE=RUN").await;
    assert_eq!(wrong_place.status().as_u16(), 400);
    assert!(wrong_place.text().await.unwrap().contains(&format!("{failing}/phase")));

    let deleted = post_form(&http, &failing, "ACTION=DELETE").await;
    assert_eq!(deleted.status().as_u16(), 303);
    assert_eq!(get_text(&http, &failing).await.0, 404);

    let list = get_text(&http, &format!("{}?PHASE=ABORTED", server.list_url())).await.1;
    assert!(list.contains(&format!("xlink:href=\"{running}\"")), "{list}");
    server.stop().await;
}

#[actix_web::test]
async fn bad_values_are_rejected_and_the_server_keeps_serving() {
    let storage = Storage::new().await;
    let server = TestServer::start(Arc::new(storage.service(quick_config()).await), MountOptions::default()).await;
    let http = client();
    let job = create_job(&http, &server, "").await;
    let cases = [
        ("executionduration", "EXECUTIONDURATION=-10", 400),
        ("executionduration", "EXECUTIONDURATION=100000000000000000000000", 400),
        ("destruction", "DESTRUCTION=10000-99-99T99:99:99Z", 400),
        ("destruction", "DESTRUCTION=1999-01-01T00:00:00Z", 400),
        ("phase", "PHASE=PAUSE", 400),
    ];
    for (child, body, status) in cases {
        let response = post_form(&http, &format!("{job}/{child}"), body).await;
        assert_eq!(response.status().as_u16(), status, "{child} {body}");
        assert!(response.text().await.unwrap().contains("QUERY_STATUS"), "a DALI error document");
    }
    assert_eq!(get_text(&http, &server.url("0123456789abcdef0123456789abcdef")).await.0, 404);
    assert_eq!(get_text(&http, &format!("{}?LAST=-1", server.list_url())).await.0, 400);
    assert_eq!(get_text(&http, &format!("{job}/phase")).await, (200, "PENDING".to_string()));
    server.stop().await;
}

#[actix_web::test]
async fn restart_in_the_middle_of_a_job() {
    let storage = Storage::new().await;
    let config = vo_uws::UwsConfig { workers: 1, ..quick_config() };
    let service = Arc::new(storage.service(config.clone()).await);
    let server = TestServer::start(service.clone(), MountOptions::default()).await;
    let http = client();

    let finished = create_job(&http, &server, "MS=1&PHASE=RUN").await;
    assert_eq!(wait_until_settled(&http, &finished).await, "COMPLETED");
    let interrupted = create_job(&http, &server, "MODE=gate&PHASE=RUN").await;
    wait_for_phase(&http, &interrupted, "EXECUTING").await;
    let queued = create_job(&http, &server, "PHASE=RUN").await;
    assert_eq!(get_text(&http, &format!("{queued}/phase")).await.1, "QUEUED");

    // Stop the server and the service, then start both again on the same database and files.
    let old_origin = server.origin.clone();
    server.stop().await;
    drop(service);
    let server = TestServer::start(Arc::new(storage.service(config).await), MountOptions::default()).await;
    let moved = |url: &str| url.replace(&old_origin, &server.origin);

    for job in [&interrupted, &queued] {
        let job = moved(job);
        assert_eq!(get_text(&http, &format!("{job}/phase")).await.1, "ERROR");
        let (status, error) = get_text(&http, &format!("{job}/error")).await;
        assert_eq!(status, 200);
        assert!(error.contains("server restarted"), "{error}");
    }
    let (status, result) = get_text(&http, &format!("{}/results/result", moved(&finished))).await;
    assert_eq!((status, result.as_str()), (200, "slept 1 ms"));
    let list = get_text(&http, &server.list_url()).await.1;
    assert_eq!(list.matches("<uws:jobref").count(), 3, "{list}");
    // The restarted service runs new jobs.
    let fresh = create_job(&http, &server, "PHASE=RUN").await;
    assert_eq!(wait_until_settled(&http, &fresh).await, "COMPLETED");
    server.stop().await;
}

#[actix_web::test]
async fn held_archived_and_pending_abort_over_http() {
    let storage = Storage::new().await;
    let config = vo_uws::UwsConfig {
        workers: 1,
        queue_size: 1,
        destruction_policy: vo_uws::DestructionPolicy::Archive,
        ..quick_config()
    };
    let server = TestServer::start(Arc::new(storage.service(config).await), MountOptions::default()).await;
    let http = client();

    // PENDING → ABORTED.
    let pending = create_job(&http, &server, "").await;
    assert_eq!(post_form(&http, &format!("{pending}/phase"), "PHASE=ABORT").await.status().as_u16(), 303);
    assert_eq!(get_text(&http, &format!("{pending}/phase")).await.1, "ABORTED");

    // One job executing, one queued: the next RUN finds the queue full and the job is HELD
    // until the client sends RUN again.
    let executing = create_job(&http, &server, "MODE=gate&PHASE=RUN").await;
    wait_for_phase(&http, &executing, "EXECUTING").await;
    let queued = create_job(&http, &server, "PHASE=RUN").await;
    let held = create_job(&http, &server, "PHASE=RUN").await;
    assert_eq!(get_text(&http, &format!("{queued}/phase")).await.1, "QUEUED");
    assert_eq!(get_text(&http, &format!("{held}/phase")).await.1, "HELD");
    storage.gate.add_permits(1);
    assert_eq!(wait_until_settled(&http, &queued).await, "COMPLETED");
    assert_eq!(get_text(&http, &format!("{held}/phase")).await.1, "HELD");
    assert_eq!(post_form(&http, &format!("{held}/phase"), "PHASE=RUN").await.status().as_u16(), 303);
    assert_eq!(wait_until_settled(&http, &held).await, "COMPLETED");

    // Destruction time reached → ARCHIVED: metadata kept, results gone, listed on request only.
    let soon = format_instant(now_millis() + 200);
    assert_eq!(post_form(&http, &format!("{held}/destruction"), &format!("DESTRUCTION={soon}")).await.status(), 303);
    wait_for_phase(&http, &held, "ARCHIVED").await;
    assert_eq!(get_text(&http, &format!("{held}/results/result")).await.0, 404);
    let archived = get_text(&http, &format!("{}?PHASE=ARCHIVED", server.list_url())).await.1;
    assert!(archived.contains(&format!("xlink:href=\"{held}\"")), "{archived}");
    assert!(!get_text(&http, &server.list_url()).await.1.contains(&held));
    server.stop().await;
}
