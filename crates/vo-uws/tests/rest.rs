//! The REST surface: bad input, owners, job-list filters, parameters, uploads, WAIT.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{Harness, LIST_URL, body_text, quick_config};
use vo_dali::{Method, UploadedFile};
use vo_uws::time::{format_instant, now_millis, parse_instant};
use vo_uws::{UwsConfig, xml::UWS_NAMESPACE};

#[tokio::test]
async fn unknown_jobs_and_resources_are_404() {
    let h = Harness::new(quick_config()).await;
    for path in ["nosuchjob", "nosuchjob/phase", "nosuchjob/results/result", "nosuchjob/parameters/x"] {
        let response = h.call(Method::Get, path, "").await;
        assert_eq!(response.status, 404, "{path}");
        assert!(body_text(response).await.contains("no job nosuchjob"));
    }
    let id = h.create("").await;
    assert_eq!(h.call(Method::Get, &format!("{id}/nonsense"), "").await.status, 404);
    assert_eq!(h.call(Method::Get, &format!("{id}/results/nothing"), "").await.status, 404);
    assert_eq!(h.call(Method::Get, &format!("{id}/parameters/nothing"), "").await.status, 404);
    assert_eq!(h.call(Method::Delete, "nosuchjob", "").await.status, 404);
    assert_eq!(h.call(Method::Put, &id, "").await.status, 405);
    assert_eq!(h.call(Method::Delete, "", "").await.status, 405);
}

#[tokio::test]
async fn bad_control_values_are_400_and_change_nothing() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("").await;
    let before = h.get_text(&id).await.1;
    let cases = [
        ("executionduration", "EXECUTIONDURATION=-5", "negative"),
        ("executionduration", "EXECUTIONDURATION=1e400", "whole number"),
        ("executionduration", "EXECUTIONDURATION=99999999999999999999", "whole number"),
        ("executionduration", "", "EXECUTIONDURATION"),
        ("destruction", "DESTRUCTION=tomorrow", "ISO 8601"),
        ("destruction", "DESTRUCTION=2001-01-01T00:00:00Z", "in the past"),
        ("phase", "PHASE=SUSPEND", "RUN or ABORT"),
        ("phase", "", "PHASE=RUN"),
    ];
    for (child, body, expected) in cases {
        let response = h.call(Method::Post, &format!("{id}/{child}"), body).await;
        assert_eq!(response.status, 400, "{child} {body}");
        let text = body_text(response).await;
        assert!(text.contains(expected), "{child} {body}: {text}");
    }
    assert_eq!(h.get_text(&id).await.1, before);
    // Bad values at creation are refused before a job exists.
    for body in ["EXECUTIONDURATION=-1", "DESTRUCTION=never", "PHASE=ABORT", "WAIT=1&LAST=0"] {
        let status = h.call(Method::Post, "", body).await.status;
        assert_eq!(status, if body.contains("LAST") { 303 } else { 400 }, "{body}");
    }
    for body in ["QUERY=a%00b", "NAME%00=1"] {
        let response = h.call(Method::Post, "", body).await;
        assert_eq!(response.status, 400, "{body}");
        assert!(body_text(response).await.contains("NUL character"));
        assert_eq!(h.call(Method::Post, &format!("{id}/parameters"), body).await.status, 400, "{body}");
    }
    for query in ["LAST=0", "LAST=x", "AFTER=later", "PHASE=FINISHED"] {
        assert_eq!(h.call(Method::Get, "", query).await.status, 400, "{query}");
    }
    assert_eq!(h.call(Method::Get, &id, "WAIT=forever").await.status, 400);
}

#[tokio::test]
async fn execution_duration_and_destruction_are_set_and_capped() {
    let config = UwsConfig {
        max_execution_duration: Some(Duration::from_secs(600)),
        max_retention: Duration::from_secs(86_400),
        ..quick_config()
    };
    let h = Harness::new(config).await;
    let id = h.create("").await;
    assert_eq!(h.call(Method::Post, &format!("{id}/executionduration"), "EXECUTIONDURATION=30").await.status, 303);
    assert_eq!(h.get_text(&format!("{id}/executionduration")).await.1, "30");
    h.call(Method::Post, &format!("{id}/executionduration"), "EXECUTIONDURATION=100000").await;
    assert_eq!(h.get_text(&format!("{id}/executionduration")).await.1, "600");

    let wanted = format_instant(now_millis() + 3_600_000);
    let answer = h.call(Method::Post, &format!("{id}/destruction"), &format!("DESTRUCTION={wanted}")).await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.header("Location"), Some(format!("{LIST_URL}/{id}").as_str()));
    assert_eq!(h.get_text(&format!("{id}/destruction")).await.1, wanted);
    h.call(Method::Post, &format!("{id}/destruction"), "DESTRUCTION=2999-01-01T00:00:00Z").await;
    let capped = parse_instant(&h.get_text(&format!("{id}/destruction")).await.1).unwrap();
    assert!(capped <= now_millis() + 86_400_000, "destruction is capped at the retention limit");
    // Quote and owner are empty text when absent; nil in XML.
    assert_eq!(h.get_text(&format!("{id}/quote")).await, (200, String::new()));
    assert_eq!(h.get_text(&format!("{id}/owner")).await, (200, String::new()));
    let doc = h.get_text(&id).await.1;
    assert!(doc.contains("<uws:quote xsi:nil=\"true\"/>"), "{doc}");
    assert!(doc.contains("<uws:ownerId xsi:nil=\"true\"/>"), "{doc}");
}

#[tokio::test]
async fn posting_to_the_job_url_is_explained() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=ok").await;
    let response = h.call(Method::Post, &id, "PHASE=RUN").await;
    assert_eq!(response.status, 400);
    assert!(body_text(response).await.contains(&format!("{LIST_URL}/{id}/phase")));
    let response = h.call(Method::Post, &id, "EXECUTIONDURATION=5").await;
    assert!(body_text(response).await.contains("/executionduration"));
    let response = h.call(Method::Post, &id, "QUERY=SELECT+1").await;
    assert_eq!(response.status, 403);
    assert!(body_text(response).await.contains(&format!("{LIST_URL}/{id}/parameters")));
    assert_eq!(h.phase(&id).await, "PENDING");
    assert_eq!(h.call(Method::Post, &id, "ACTION=BURN").await.status, 400);
    let deleted = h.call(Method::Post, &id, "ACTION=DELETE").await;
    assert_eq!(deleted.status, 303);
    assert_eq!(deleted.header("Location"), Some(LIST_URL));
    assert_eq!(h.call(Method::Get, &id, "").await.status, 404);
}

#[tokio::test]
async fn jobs_belong_to_their_owner() {
    let h = Harness::new(quick_config()).await;
    let alice = h.create_as(Some("alice"), "MODE=ok").await;
    let anonymous = h.create("MODE=ok").await;
    assert_eq!(h.call_as(Some("alice"), Method::Get, &alice, "").await.status, 200);
    assert_eq!(h.call_as(Some("bob"), Method::Get, &alice, "").await.status, 403);
    assert_eq!(h.call_as(None, Method::Get, &format!("{alice}/phase"), "").await.status, 403);
    assert_eq!(h.call_as(Some("bob"), Method::Delete, &alice, "").await.status, 403);
    assert_eq!(h.call_as(Some("alice"), Method::Get, &anonymous, "").await.status, 403);
    assert_eq!(h.call_as(Some("alice"), Method::Get, &format!("{alice}/owner"), "").await.status, 200);

    let alices_list = body_text(h.call_as(Some("alice"), Method::Get, "", "").await).await;
    assert!(alices_list.contains(&alice) && !alices_list.contains(&anonymous), "{alices_list}");
    assert!(alices_list.contains("<uws:ownerId>alice</uws:ownerId>"), "{alices_list}");
    let anonymous_list = body_text(h.call(Method::Get, "", "").await).await;
    assert!(anonymous_list.contains(&anonymous) && !anonymous_list.contains(&alice));
    let bobs_list = body_text(h.call_as(Some("bob"), Method::Get, "", "").await).await;
    assert!(!bobs_list.contains("jobref"), "{bobs_list}");
}

#[tokio::test]
async fn active_job_limit_per_owner() {
    let h = Harness::new(UwsConfig { max_active_jobs_per_owner: Some(2), ..quick_config() }).await;
    h.create_as(Some("carol"), "").await;
    let second = h.create_as(Some("carol"), "").await;
    let refused = h.call_as(Some("carol"), Method::Post, "", "").await;
    assert_eq!(refused.status, 403);
    assert!(body_text(refused).await.contains("2 active jobs"));
    h.create_as(Some("dave"), "").await;
    h.call_as(Some("carol"), Method::Post, &format!("{second}/phase"), "PHASE=ABORT").await;
    h.create_as(Some("carol"), "").await;
}

#[tokio::test]
async fn job_list_filters() {
    let h = Harness::new(quick_config()).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(h.create("MODE=ok").await);
        tokio::time::sleep(Duration::from_millis(3)).await; // distinct creation instants
    }
    h.call(Method::Post, &format!("{}/phase", ids[1]), "PHASE=ABORT").await;
    h.call(Method::Post, &format!("{}/phase", ids[2]), "PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&ids[2]).await, "COMPLETED");

    let list = body_text(h.call(Method::Get, "", "").await).await;
    assert!(list.contains(&format!("<uws:jobs xmlns:uws=\"{UWS_NAMESPACE}\"")) && list.contains("version=\"1.1\""));
    let positions: Vec<usize> = ids.iter().map(|id| list.find(id.as_str()).expect("listed")).collect();
    assert!(positions.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(list.contains("<uws:creationTime>") && list.contains("Z</uws:creationTime>"));

    let last_two = body_text(h.call(Method::Get, "", "LAST=2").await).await;
    assert_eq!(last_two.matches("<uws:jobref").count(), 2);
    assert!(last_two.contains(&ids[4]) && last_two.contains(&ids[3]));

    let aborted_or_done = body_text(h.call(Method::Get, "", "PHASE=ABORTED&PHASE=COMPLETED").await).await;
    assert_eq!(aborted_or_done.matches("<uws:jobref").count(), 2, "{aborted_or_done}");
    assert!(aborted_or_done.contains(&ids[1]) && aborted_or_done.contains(&ids[2]));

    let job_doc = h.get_text(&ids[2]).await.1;
    let creation = job_doc.split("<uws:creationTime>").nth(1).unwrap().split('<').next().unwrap().to_string();
    let after = body_text(h.call(Method::Get, "", &format!("AFTER={creation}")).await).await;
    assert_eq!(after.matches("<uws:jobref").count(), 2, "{after}");
    assert!(after.contains(&ids[3]) && after.contains(&ids[4]));
    let combined = body_text(h.call(Method::Get, "", &format!("AFTER={creation}&PHASE=PENDING&LAST=1")).await).await;
    assert_eq!(combined.matches("<uws:jobref").count(), 1);
    assert!(combined.contains(&ids[4]));
}

#[tokio::test]
async fn job_list_is_capped_at_the_newest_jobs() {
    let h = Harness::new(UwsConfig { max_listed_jobs: Some(2), ..quick_config() }).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(h.create("").await);
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    for query in ["", "LAST=10", "PHASE=PENDING&PHASE=QUEUED"] {
        let list = body_text(h.call(Method::Get, "", query).await).await;
        assert_eq!(list.matches("<uws:jobref").count(), 2, "{query}: {list}");
        assert!(list.contains(&ids[2]) && list.contains(&ids[1]) && !list.contains(&ids[0]), "{query}");
    }
    let one = body_text(h.call(Method::Get, "", "LAST=1").await).await;
    assert_eq!(one.matches("<uws:jobref").count(), 1);
}

#[tokio::test]
async fn parameters_can_be_edited_while_pending() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=fail&lang=ADQL").await;
    let edited = h.call(Method::Post, &format!("{id}/parameters"), "mode=ok&EXTRA=1").await;
    assert_eq!(edited.status, 303);
    let params = h.get_text(&format!("{id}/parameters")).await.1;
    assert!(!params.contains("fail"), "a name given again replaces the old value: {params}");
    assert!(params.contains("<uws:parameter id=\"mode\">ok</uws:parameter>"), "{params}");
    assert!(params.contains("<uws:parameter id=\"lang\">ADQL</uws:parameter>"), "{params}");
    assert_eq!(h.get_text(&format!("{id}/parameters/EXTRA")).await, (200, "1".to_string()));
    assert_eq!(h.call(Method::Post, &format!("{id}/parameters"), "PHASE=RUN").await.status, 400);
    h.call(Method::Post, &format!("{id}/phase"), "PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&id).await, "COMPLETED");
}

#[tokio::test]
async fn inline_uploads_are_kept_and_served_by_reference() {
    let h = Harness::new(quick_config()).await;
    let upload = UploadedFile {
        part_name: "mytable".into(),
        file_name: Some("t.vot".into()),
        content_type: Some("application/x-votable+xml".into()),
        data: Bytes::from_static(b"<VOTABLE/>"),
    };
    let id = h.create_with_files("MODE=upload&UPLOADED=mytable&UPLOAD=t,param:mytable", vec![upload]).await;
    let doc = h.get_text(&id).await.1;
    let url = format!("{LIST_URL}/{id}/parameters/mytable");
    assert!(
        doc.contains(&format!("<uws:parameter id=\"mytable\" byReference=\"true\">{url}</uws:parameter>")),
        "{doc}"
    );
    assert!(doc.contains("<uws:parameter id=\"UPLOAD\">t,param:mytable</uws:parameter>"), "{doc}");
    let content = h.call(Method::Get, &format!("{id}/parameters/mytable"), "").await;
    assert_eq!(content.content_type, "application/x-votable+xml");
    assert_eq!(body_text(content).await, "<VOTABLE/>");

    h.call(Method::Post, &format!("{id}/phase"), "PHASE=RUN").await;
    assert_eq!(h.wait_until_settled(&id).await, "COMPLETED");
    assert_eq!(h.get_text(&format!("{id}/results/result")).await.1, "<VOTABLE/>");
}

#[tokio::test]
async fn job_info_is_shown() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=info&PHASE=RUN").await;
    h.wait_until_settled(&id).await;
    let doc = h.get_text(&id).await.1;
    let expected = format!(
        "<uws:jobInfo>\n    <info name=\"rowCount\">42</info>\n    <info name=\"resultUrl\">{LIST_URL}/{id}/results/result</info>\n  </uws:jobInfo>"
    );
    assert!(doc.contains(&expected), "{doc}");
    assert_eq!(doc.matches("<uws:result ").count(), 1, "{doc}");
    assert!(doc.contains("size=\"4\" mime-type=\"text/plain\""), "{doc}");
    assert_eq!(h.get_text(&format!("{id}/results/result")).await.1, "done");
}

#[tokio::test]
async fn wait_blocks_until_the_phase_changes() {
    let h = Harness::new(quick_config()).await;
    let id = h.create("MODE=gate&PHASE=RUN").await;
    h.wait_for_started(1).await;
    let uws = h.uws.clone();
    let path = id.clone();
    let waiting = tokio::spawn(async move {
        let request = vo_dali::DaliRequest::new(Method::Get, vo_dali::Params::from_query("WAIT=30"), LIST_URL);
        body_text(uws.handle(&path, request).await).await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    h.gate.add_permits(1);
    let doc = waiting.await.unwrap();
    assert!(doc.contains("<uws:phase>COMPLETED</uws:phase>"), "WAIT returned before the change: {doc}");
}

#[tokio::test]
async fn wait_returns_at_once_when_it_must_not_block() {
    let h = Harness::new(UwsConfig { max_wait: Duration::from_millis(200), ..quick_config() }).await;
    let id = h.create("MODE=gate&PHASE=RUN").await;
    h.wait_for_started(1).await;
    // The client thinks the job is QUEUED: it has moved on, so there is nothing to wait for.
    let doc = body_text(h.call(Method::Get, &id, "WAIT=-1&PHASE=QUEUED").await).await;
    assert!(doc.contains("<uws:phase>EXECUTING</uws:phase>"));
    // The server's cap ends an indefinite wait.
    let doc = body_text(h.call(Method::Get, &id, "WAIT=-1").await).await;
    assert!(doc.contains("<uws:phase>EXECUTING</uws:phase>"));
    h.gate.add_permits(1);
    h.wait_until_settled(&id).await;
    // Finished jobs answer immediately.
    let doc = body_text(h.call(Method::Get, &id, "WAIT=-1").await).await;
    assert!(doc.contains("<uws:phase>COMPLETED</uws:phase>"));
}
