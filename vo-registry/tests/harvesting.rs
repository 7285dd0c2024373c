//! Harvesting over several pages, datestamps of changed records, deleted records.

mod common;

use common::{TestRegistry, error_code, header_identifiers, resumption_token, service, texts};

async fn harvest(t: &TestRegistry, verb: &str) -> (Vec<String>, Vec<String>) {
    let mut identifiers = Vec::new();
    let mut pages = Vec::new();
    let mut xml = t.get(&format!("verb={verb}&metadataPrefix=ivo_vor")).await;
    loop {
        assert_eq!(error_code(&xml), None, "{xml}");
        identifiers.extend(header_identifiers(&xml));
        let token = resumption_token(&xml);
        pages.push(xml);
        match token {
            Some(token) => xml = t.get(&format!("verb={verb}&resumptionToken={token}")).await,
            None => break,
        }
    }
    (identifiers, pages)
}

#[tokio::test]
async fn two_hundred_fifty_records_come_in_pages_of_one_hundred() {
    let t = TestRegistry::new(248).await; // + registry + authority = 250
    let (identifiers, pages) = harvest(&t, "ListRecords").await;
    assert_eq!(pages.len(), 3);
    assert_eq!(identifiers.len(), 250);
    let mut unique = identifiers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 250);
    assert!(pages[0].contains(r#"completeListSize="250" cursor="0""#), "{}", &pages[0][pages[0].len() - 600..]);
    assert!(pages[0].contains(r#"expirationDate="2026-01-11T08:00:00Z""#));
    assert!(pages[1].contains(r#"completeListSize="250" cursor="100""#));
    // The last page ends with an empty token.
    assert!(pages[2].contains(r#"<resumptionToken completeListSize="250" cursor="200"/>"#));
    assert_eq!(header_identifiers(&pages[2]).len(), 50);
}

#[tokio::test]
async fn list_identifiers_pages_the_same_way() {
    let t = TestRegistry::new(248).await;
    let (identifiers, pages) = harvest(&t, "ListIdentifiers").await;
    assert_eq!(pages.len(), 3);
    assert_eq!(identifiers.len(), 250);
    assert!(!pages[0].contains("<metadata>"));
}

#[tokio::test]
async fn page_size_is_configurable() {
    let t = TestRegistry::with(common::records(8), |config| config.page_size = 3).await;
    let (identifiers, pages) = harvest(&t, "ListIdentifiers").await;
    assert_eq!(identifiers.len(), 10);
    assert_eq!(pages.len(), 4);
}

#[tokio::test]
async fn tokens_expire() {
    let t = TestRegistry::new(150).await;
    let first = t.get("verb=ListRecords&metadataPrefix=ivo_vor").await;
    let token = resumption_token(&first).unwrap();
    t.clock.advance(24 * 3600 + 1);
    let xml = t.get(&format!("verb=ListRecords&resumptionToken={token}")).await;
    assert_eq!(error_code(&xml).as_deref(), Some("badResumptionToken"));
    assert!(xml.contains("expired"));
}

#[tokio::test]
async fn a_token_only_continues_its_own_verb() {
    let t = TestRegistry::new(150).await;
    let first = t.get("verb=ListRecords&metadataPrefix=ivo_vor").await;
    let token = resumption_token(&first).unwrap();
    let xml = t.get(&format!("verb=ListIdentifiers&resumptionToken={token}")).await;
    assert_eq!(error_code(&xml).as_deref(), Some("badResumptionToken"));
}

#[tokio::test]
async fn changed_content_gets_a_new_datestamp_unchanged_content_keeps_it() {
    let t = TestRegistry::new(2).await;
    assert_eq!(t.registry.sync().await.unwrap().added, 4);
    t.clock.advance(60);
    assert!(!t.registry.sync().await.unwrap().changed());
    t.clock.advance(60);
    let mut records = common::records(2);
    records[2].capabilities[0].interfaces[0].access_urls[0].url = "https://example.org/moved/scs?".into();
    t.source.replace(records);
    let report = t.registry.sync().await.unwrap();
    assert_eq!(report.updated, 1);
    let xml = t.get("verb=GetRecord&identifier=ivo://example.org/svc0000&metadataPrefix=ivo_vor").await;
    assert_eq!(texts(&xml, "datestamp"), ["2026-01-10T08:02:00Z"]);
    assert!(xml.contains(r#"created="2026-01-10T08:00:00Z" updated="2026-01-10T08:02:00Z""#), "{xml}");
    let other = t.get("verb=GetRecord&identifier=ivo://example.org/svc0001&metadataPrefix=ivo_vor").await;
    assert_eq!(texts(&other, "datestamp"), ["2026-01-10T08:00:00Z"]);
}

#[tokio::test]
async fn a_service_that_disappears_becomes_a_deleted_record_and_can_return() {
    let t = TestRegistry::new(2).await;
    t.get("verb=Identify").await;
    t.clock.advance(600);
    t.source.replace(common::records(1));
    let xml = t.get("verb=GetRecord&identifier=ivo://example.org/svc0001&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&xml), None, "{xml}");
    assert!(xml.contains(r#"<header status="deleted">"#), "{xml}");
    assert_eq!(texts(&xml, "datestamp"), ["2026-01-10T08:10:00Z"]);
    assert!(!xml.contains("<metadata>"));
    let list = t.get("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-01-10T08:05:00Z").await;
    assert_eq!(header_identifiers(&list), ["ivo://example.org/svc0001"]);
    assert!(list.contains(r#"<header status="deleted">"#));

    t.clock.advance(600);
    let mut back = common::records(1);
    back.push(service("ivo://example.org/svc0001", "svc1"));
    t.source.replace(back);
    let report = t.registry.sync().await.unwrap();
    assert_eq!(report.undeleted, 1);
    let xml = t.get("verb=GetRecord&identifier=ivo://example.org/svc0001&metadataPrefix=ivo_vor").await;
    assert!(!xml.contains("status=\"deleted\""));
    assert_eq!(texts(&xml, "datestamp"), ["2026-01-10T08:20:00Z"]);
}

#[tokio::test]
async fn records_marked_deleted_by_the_server_are_deleted_records() {
    let t = TestRegistry::new(1).await;
    t.get("verb=Identify").await;
    let mut records = common::records(1);
    records[2].status = vo_resource::Status::Deleted;
    t.source.replace(records);
    let xml = t.get("verb=ListIdentifiers&metadataPrefix=oai_dc").await;
    assert_eq!(xml.matches(r#"<header status="deleted">"#).count(), 1, "{xml}");
}
