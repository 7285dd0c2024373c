//! Every OAI-PMH verb and every error code.

mod common;

use common::{TestRegistry, error_code, registry_record, service, texts};

#[tokio::test]
async fn identify_describes_the_repository_with_the_registry_record() {
    let t = TestRegistry::new(2).await;
    let xml = t.get("verb=Identify").await;
    assert_eq!(error_code(&xml), None, "{xml}");
    assert!(xml.contains(r#"<request verb="Identify">https://example.org/oai</request>"#), "{xml}");
    assert_eq!(texts(&xml, "protocolVersion"), ["2.0"]);
    assert_eq!(texts(&xml, "adminEmail"), ["ops@example.org"]);
    assert_eq!(texts(&xml, "earliestDatestamp"), ["2026-01-10T08:00:00Z"]);
    assert_eq!(texts(&xml, "deletedRecord"), ["persistent"]);
    assert_eq!(texts(&xml, "granularity"), ["YYYY-MM-DDThh:mm:ssZ"]);
    assert!(xml.contains(r#"<ri:Resource xmlns="" xmlns:ri="http://www.ivoa.net/xml/RegistryInterface/v1.0""#));
    assert!(xml.contains(r#"xsi:type="vg:Registry""#));
    assert!(xml.contains("<managedAuthority>example.org</managedAuthority>"));
}

#[tokio::test]
async fn identify_takes_no_arguments() {
    let t = TestRegistry::new(0).await;
    let xml = t.get("verb=Identify&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&xml).as_deref(), Some("badArgument"));
    // badArgument and badVerb responses must not echo the arguments.
    assert!(xml.contains("<request>https://example.org/oai</request>"), "{xml}");
}

#[tokio::test]
async fn bad_verbs() {
    let t = TestRegistry::new(0).await;
    for query in ["", "verb=Fly", "verb=identify", "verb=Identify&verb=ListSets"] {
        let xml = t.get(query).await;
        assert_eq!(error_code(&xml).as_deref(), Some("badVerb"), "{query}: {xml}");
        assert!(xml.contains("<request>https://example.org/oai</request>"));
    }
}

#[tokio::test]
async fn list_metadata_formats_for_the_repository_and_for_an_item() {
    let t = TestRegistry::new(1).await;
    let xml = t.get("verb=ListMetadataFormats").await;
    assert_eq!(texts(&xml, "metadataPrefix"), ["ivo_vor", "oai_dc"]);
    assert!(xml.contains("<metadataNamespace>http://www.ivoa.net/xml/RegistryInterface/v1.0</metadataNamespace>"));
    let item = t.get("verb=ListMetadataFormats&identifier=ivo://example.org/svc0000").await;
    assert_eq!(error_code(&item), None);
    assert!(item.contains(r#"identifier="ivo://example.org/svc0000""#), "{item}");
    let unknown = t.get("verb=ListMetadataFormats&identifier=ivo://example.org/nothing").await;
    assert_eq!(error_code(&unknown).as_deref(), Some("idDoesNotExist"));
    // Arguments are echoed for errors other than badVerb/badArgument.
    assert!(unknown.contains(r#"identifier="ivo://example.org/nothing""#));
}

#[tokio::test]
async fn a_deleted_item_has_no_metadata_formats() {
    let t = TestRegistry::new(1).await;
    t.get("verb=Identify").await;
    t.source.replace(common::records(0));
    let xml = t.get("verb=ListMetadataFormats&identifier=ivo://example.org/svc0000").await;
    assert_eq!(error_code(&xml).as_deref(), Some("noMetadataFormats"), "{xml}");
}

#[tokio::test]
async fn list_sets_offers_ivo_managed() {
    let t = TestRegistry::new(0).await;
    let xml = t.get("verb=ListSets").await;
    assert_eq!(texts(&xml, "setSpec"), ["ivo_managed"]);
    let token = t.get("verb=ListSets&resumptionToken=abc").await;
    assert_eq!(error_code(&token).as_deref(), Some("badResumptionToken"));
}

#[tokio::test]
async fn without_sets_set_requests_get_no_set_hierarchy() {
    let t = TestRegistry::with(common::records(1), |config| config.sets = false).await;
    assert_eq!(error_code(&t.get("verb=ListSets").await).as_deref(), Some("noSetHierarchy"));
    let xml = t.get("verb=ListIdentifiers&metadataPrefix=ivo_vor&set=ivo_managed").await;
    assert_eq!(error_code(&xml).as_deref(), Some("noSetHierarchy"));
    let plain = t.get("verb=ListIdentifiers&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&plain), None);
    assert!(!plain.contains("<setSpec>"));
}

#[tokio::test]
async fn get_record_in_both_formats() {
    let t = TestRegistry::new(1).await;
    let xml = t.get("verb=GetRecord&identifier=ivo://example.org/svc0000&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&xml), None, "{xml}");
    assert!(xml.contains("<datestamp>2026-01-10T08:00:00Z</datestamp>"));
    assert!(xml.contains("<setSpec>ivo_managed</setSpec>"));
    assert!(xml.contains(r#"created="2026-01-10T08:00:00Z" updated="2026-01-10T08:00:00Z" status="active""#), "{xml}");
    assert!(xml.contains(r#"xsi:type="cs:ConeSearch""#));
    let dc = t.get("verb=GetRecord&identifier=ivo://example.org/svc0000&metadataPrefix=oai_dc").await;
    assert!(dc.contains("<dc:title>svc0</dc:title>"), "{dc}");
    assert!(dc.contains("<dc:identifier>ivo://example.org/svc0000</dc:identifier>"));
    assert!(dc.contains("<dc:publisher>Example Data Centre</dc:publisher>"));
}

#[tokio::test]
async fn identifiers_compare_case_insensitively() {
    let t = TestRegistry::new(1).await;
    let xml = t.get("verb=GetRecord&identifier=IVO://Example.ORG/SVC0000&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&xml), None, "{xml}");
    assert!(xml.contains("<identifier>ivo://example.org/svc0000</identifier>"));
}

#[tokio::test]
async fn get_record_errors() {
    let t = TestRegistry::new(1).await;
    let unknown_format = t.get("verb=GetRecord&identifier=ivo://example.org/svc0000&metadataPrefix=marc21").await;
    assert_eq!(error_code(&unknown_format).as_deref(), Some("cannotDisseminateFormat"));
    let unknown_id = t.get("verb=GetRecord&identifier=ivo://example.org/none&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&unknown_id).as_deref(), Some("idDoesNotExist"));
    let missing = t.get("verb=GetRecord&metadataPrefix=ivo_vor").await;
    assert_eq!(error_code(&missing).as_deref(), Some("badArgument"));
}

#[tokio::test]
async fn list_errors() {
    let t = TestRegistry::new(3).await;
    let cases = [
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=ListRecords&metadataPrefix=ivo_vor&set=no_such_set", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=ivo_vor&until=2000-01-01", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=ivo_vor&from=2030-01-01T00:00:00Z", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=ivo_vor&from=01/01/2026", "badArgument"),
        ("verb=ListIdentifiers&metadataPrefix=ivo_vor&until=2026-01-01&from=2026-02-01", "badArgument"),
        ("verb=ListIdentifiers&metadataPrefix=ivo_vor&resumptionToken=x", "badArgument"),
        ("verb=ListIdentifiers&resumptionToken=not-a-token", "badResumptionToken"),
        ("verb=ListIdentifiers&metadataPrefix=ivo_vor&color=blue", "badArgument"),
    ];
    for (query, expected) in cases {
        let xml = t.get(query).await;
        assert_eq!(error_code(&xml).as_deref(), Some(expected), "{query}: {xml}");
    }
}

#[tokio::test]
async fn from_and_until_select_by_datestamp() {
    let t = TestRegistry::new(3).await;
    t.get("verb=Identify").await;
    t.clock.advance(3600);
    let mut changed = common::records(3);
    changed[3] = service("ivo://example.org/svc0001", "renamed");
    t.source.replace(changed);
    let all = t.get("verb=ListIdentifiers&metadataPrefix=ivo_vor").await;
    assert_eq!(texts(&all, "identifier").len(), 5);
    let recent = t.get("verb=ListIdentifiers&metadataPrefix=ivo_vor&from=2026-01-10T08:30:00Z").await;
    assert_eq!(texts(&recent, "identifier"), ["ivo://example.org/svc0001"], "{recent}");
    assert_eq!(texts(&recent, "datestamp"), ["2026-01-10T09:00:00Z"]);
    let early = t.get("verb=ListIdentifiers&metadataPrefix=ivo_vor&until=2026-01-10T08:30:00Z").await;
    assert_eq!(texts(&early, "identifier").len(), 4);
    let by_day = t.get("verb=ListIdentifiers&metadataPrefix=ivo_vor&from=2026-01-10&until=2026-01-10").await;
    assert_eq!(texts(&by_day, "identifier").len(), 5);
}

#[tokio::test]
async fn the_registry_record_is_listed_like_any_other() {
    let t = TestRegistry::with(vec![registry_record()], |_| {}).await;
    let xml = t.get("verb=ListRecords&metadataPrefix=ivo_vor&set=ivo_managed").await;
    assert_eq!(common::header_identifiers(&xml), ["ivo://example.org/registry"]);
    assert!(!xml.contains("<resumptionToken"), "a single page has no token: {xml}");
}

#[tokio::test]
async fn handle_answers_xml_with_status_200_even_for_protocol_errors() {
    let t = TestRegistry::new(0).await;
    let response = t.registry.handle(&vo_dali::Params::from_query("verb=Nope")).await;
    assert_eq!(response.status, 200);
    assert!(response.content_type.starts_with("text/xml"));
}
