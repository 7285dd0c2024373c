//! Round trips of published VOSI documents: read → write gives the same infoset.

use vo_resource::tableset::Detail;
use vo_resource::vosi::{read_availability, read_capabilities, read_table, read_tableset};
use vo_resource::xml::parse_document;
use vo_resource::{
    CapabilityExtension, InterfaceKind, TypeSystem, write_availability, write_capabilities, write_table, write_tableset,
};

fn record(name: &str) -> String {
    let path = format!("{}/resources/records/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_same_infoset(original: &str, written: &str) {
    let a = parse_document(original).expect("original parses");
    let b = parse_document(written).expect("written document parses");
    if let Some(difference) = a.infoset_difference(&b) {
        panic!("infosets differ: {difference}\n--- written:\n{written}");
    }
}

#[test]
fn dachs_tap_capabilities_round_trip() {
    let original = record("dachs-tap-capabilities.xml");
    let capabilities = read_capabilities(&original).unwrap();
    assert_eq!(capabilities.len(), 4);
    let CapabilityExtension::TableAccess(tap) = &capabilities[3].extension else {
        panic!("the last capability is TAP: {:?}", capabilities[3]);
    };
    assert_eq!(tap.data_models.len(), 4);
    assert_eq!(tap.languages[0].feature_lists[1].features[1].form, "POINT");
    assert_eq!(tap.output_limit.unwrap().hard.unwrap().value, 10_000_000);
    assert_eq!(capabilities[3].interfaces[0].mirror_urls[1].title.as_deref(), Some("Paris mirror"));
    assert!(matches!(capabilities[0].interfaces[0].kind, InterfaceKind::ParamHttp(_)));
    assert_same_infoset(&original, &write_capabilities(&capabilities));
}

#[test]
fn dachs_tableset_round_trips_and_keeps_unknown_type_systems() {
    let original = record("dachs-tables.xml");
    let tableset = read_tableset(&original).unwrap();
    let table = tableset.table("test.all").unwrap();
    let data_type = table.columns[0].data_type.as_ref().unwrap();
    assert!(matches!(&data_type.system, TypeSystem::Other(name) if name.local == "TAP"));
    assert_eq!(data_type.size, Some(42));
    assert_eq!(data_type.delim.as_deref(), Some(";"));
    assert_eq!(table.foreign_keys[0].columns[0].target_column, "testkey");
    assert_same_infoset(&original, &write_tableset(&tableset, Detail::Max));
}

#[test]
fn detail_min_leaves_out_columns_and_keys() {
    let tableset = read_tableset(&record("dachs-tables.xml")).unwrap();
    let min = read_tableset(&write_tableset(&tableset, Detail::Min)).unwrap();
    let table = min.table("test.all").unwrap();
    assert!(table.columns.is_empty());
    assert!(table.foreign_keys.is_empty());
    assert_eq!(table.nrows, Some(30));
    assert_eq!(table.description.as_deref(), Some("All test data in one table"));
}

#[test]
fn single_table_document_round_trips() {
    let tableset = read_tableset(&record("dachs-tables.xml")).unwrap();
    let table = tableset.table("test.all").unwrap();
    let xml = write_table(table);
    assert!(xml.contains("<vosi:table xmlns:vosi=\"http://www.ivoa.net/xml/VOSITables/v1.0\""));
    assert_eq!(&read_table(&xml).unwrap(), table);
}

#[test]
fn dachs_availability_round_trip() {
    let original = record("dachs-availability.xml");
    let availability = read_availability(&original).unwrap();
    assert!(availability.available);
    assert_eq!(availability.note, ["foo", "bar"]);
    assert_same_infoset(&original, &write_availability(&availability));
}

#[test]
fn wrong_root_is_a_clear_error() {
    let err = read_capabilities(&record("dachs-availability.xml")).unwrap_err();
    assert!(err.to_string().contains("expected root element capabilities"), "{err}");
}

#[test]
fn malformed_xml_reports_its_position() {
    let err = read_capabilities("<vosi:capabilities xmlns:vosi=\"http://www.ivoa.net/xml/VOSICapabilities/v1.0\">\n  <capability>\n</vosi:capabilities>").unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn invalid_values_name_the_element_and_line() {
    let xml = "<vosi:availability xmlns:vosi=\"http://www.ivoa.net/xml/VOSIAvailability/v1.0\">\n<vosi:available>maybe</vosi:available></vosi:availability>";
    let err = read_availability(xml).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("<available> at line 2, column 1"), "{message}");
    assert!(message.contains("\"maybe\""), "{message}");
}
