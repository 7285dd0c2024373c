//! Round trips of published resource records, and records of every type written from scratch.

#[path = "../examples/samples/mod.rs"]
mod samples;

use samples::{base_record, records_of_every_type};
use vo_resource::resource::{Resource, ResourceType, Status, read_resource, write_resource};
use vo_resource::xml::{XmlWriter, ns, parse_document};
use vo_resource::{CapabilityExtension, InterfaceKind};

fn record(name: &str) -> String {
    let path = format!("{}/resources/records/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Writes `resource` under the same root element name as `original` (the VODataService samples
/// use an unqualified `resource` root), then compares infosets.
fn assert_round_trip(original: &str, resource: &Resource) {
    let original_root = parse_document(original).unwrap();
    let mut w = XmlWriter::new();
    let mut attributes: Vec<(&str, Option<&str>)> = vec![("xmlns:ri", Some(ns::RI))];
    attributes.extend(ns::RESOURCE_NAMESPACES.iter().map(|(k, v)| (*k, Some(*v))));
    let element = if original_root.name.is(ns::RI, "Resource") { "ri:Resource" } else { "resource" };
    resource.write_element(&mut w, element, &attributes);
    let written = w.finish();
    let written_root = parse_document(&written).unwrap();
    if let Some(difference) = original_root.infoset_difference(&written_root) {
        panic!("infosets differ: {difference}\n--- written:\n{written}");
    }
}

#[test]
fn cone_search_record_round_trips_with_its_stc_profile() {
    let original = record("vods-conesearch.xml");
    let resource = read_resource(&original).unwrap();
    assert_eq!(resource.resource_type, ResourceType::CatalogService);
    assert_eq!(resource.curation.publisher.ivo_id.as_deref(), Some("ivo://adil.ncsa/adil"));
    assert_eq!(resource.content.relationships[0].relationship_type, "service-for");
    let CapabilityExtension::ConeSearch(cone) = &resource.capabilities[0].extension else {
        panic!("expected a cone search capability");
    };
    assert_eq!(cone.max_sr, Some(10.0));
    assert_eq!(cone.test_query.as_ref().unwrap().ra, 102.2);
    assert_eq!(resource.capabilities[0].interfaces[0].url(), Some("http://adil.ncsa.uiuc.edu/vocone?survey=f&"));
    assert!(resource.coverage.as_ref().unwrap().stc_resource_profile.is_some());
    assert_round_trip(&original, &resource);
}

#[test]
fn catalog_service_record_round_trips_with_params_and_tableset() {
    let original = record("vods-catalogservice.xml");
    let resource = read_resource(&original).unwrap();
    let InterfaceKind::ParamHttp(http) = &resource.capabilities[0].interfaces[0].kind else {
        panic!("expected ParamHTTP");
    };
    assert_eq!(http.params.len(), 2);
    assert_eq!(http.result_type.as_deref(), Some("application/xml+votable"));
    let table = resource.tableset.as_ref().unwrap().table("default").unwrap();
    assert_eq!(table.table_type.as_deref(), Some("output"));
    assert_eq!(table.columns[1].data_type.as_ref().unwrap().arraysize.as_deref(), Some("*"));
    assert_eq!(resource.coverage.as_ref().unwrap().wavebands.len(), 8);
    assert_round_trip(&original, &resource);
}

#[test]
fn records_of_every_type_read_back_identical() {
    for resource in records_of_every_type() {
        let xml = write_resource(&resource);
        let read = read_resource(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        assert_eq!(read, resource, "{xml}");
    }
}

#[test]
fn deleted_status_and_unknown_types_are_handled() {
    let resource = Resource { status: Status::Deleted, ..base_record(ResourceType::Service, "ivo://example.org/gone") };
    assert_eq!(read_resource(&write_resource(&resource)).unwrap().status, Status::Deleted);
    let odd = write_resource(&resource).replace("vr:Service", "vr:Spaceship");
    let err = read_resource(&odd).unwrap_err();
    assert!(err.to_string().contains("unknown xsi:type vr:Spaceship"), "{err}");
}

#[test]
fn missing_required_parts_are_named() {
    let xml = write_resource(&base_record(ResourceType::Service, "ivo://example.org/x"));
    let without_title = xml.replace("<title>Example vr:Service</title>", "");
    let err = read_resource(&without_title).unwrap_err();
    assert!(err.to_string().contains("lacks the required <title>"), "{err}");
    let without_status = xml.replace(" status=\"active\"", "");
    assert!(read_resource(&without_status).unwrap_err().to_string().contains("attribute status"));
}
