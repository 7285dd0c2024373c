//! `validate`: each kind of problem is found, with its position where the reader knows it.

use vo_votable::validate::{Problem, Severity};

fn doc(fields: &str, rows: &str) -> String {
    format!(
        "<VOTABLE version=\"1.5\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n<RESOURCE>\n<TABLE>\n{fields}\n\
         <DATA><TABLEDATA>\n{rows}\n</TABLEDATA></DATA>\n</TABLE>\n</RESOURCE>\n</VOTABLE>\n"
    )
}

fn problems(xml: &str) -> Vec<Problem> {
    vo_votable::validate(xml.as_bytes())
}

fn only(xml: &str, severity: Severity) -> Vec<Problem> {
    problems(xml).into_iter().filter(|p| p.severity == severity).collect()
}

#[test]
fn a_clean_document_has_no_problems() {
    let xml = doc(
        r#"<FIELD name="id" datatype="long" ucd="meta.id;meta.main"/>
<FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
<FIELD name="name" datatype="char" arraysize="*"/>"#,
        "<TR><TD>1</TD><TD>10.5</TD><TD>alpha</TD></TR>",
    );
    assert_eq!(problems(&xml), vec![]);
}

#[test]
fn cell_counts_are_checked_with_the_row_position() {
    let xml = doc(r#"<FIELD name="a" datatype="int"/>"#, "<TR><TD>1</TD></TR>\n<TR><TD>1</TD><TD>2</TD></TR>");
    let errors = only(&xml, Severity::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("more cells"), "{}", errors[0]);
    assert_eq!(errors[0].line, 7, "the second row is on line 7: {}", errors[0]);
}

#[test]
fn values_that_do_not_fit_their_datatype_are_errors() {
    for (datatype, value) in [("int", "12x"), ("short", "70000"), ("double", "one"), ("boolean", "maybe")] {
        let xml = doc(&format!(r#"<FIELD name="a" datatype="{datatype}"/>"#), &format!("<TR><TD>{value}</TD></TR>"));
        let errors = only(&xml, Severity::Error);
        assert_eq!(errors.len(), 1, "{datatype} {value}: {errors:?}");
        assert!(errors[0].line == 6 && errors[0].column > 0, "{datatype}: {}", errors[0]);
    }
}

#[test]
fn unknown_datatypes_and_bad_arraysizes_are_errors() {
    let xml = doc(r#"<FIELD name="a" datatype="integer"/>"#, "");
    assert!(only(&xml, Severity::Error).iter().any(|p| p.message.contains("integer")), "{:?}", problems(&xml));
    let xml = doc(r#"<FIELD name="a" datatype="char" arraysize="ten"/>"#, "");
    assert!(only(&xml, Severity::Error).iter().any(|p| p.message.contains("ten")), "{:?}", problems(&xml));
}

#[test]
fn references_and_ids_are_checked() {
    let xml = doc(
        r#"<FIELD name="a" datatype="int" ID="x" ref="nowhere"/><FIELD name="b" datatype="int" ID="x"/>"#,
        "<TR><TD>1</TD><TD>2</TD></TR>",
    );
    let errors: Vec<String> = only(&xml, Severity::Error).into_iter().map(|p| p.message).collect();
    assert!(errors.iter().any(|m| m.contains("nowhere")), "{errors:?}");
    assert!(errors.iter().any(|m| m.contains("\"x\" is used more than once")), "{errors:?}");
}

#[test]
fn ucds_that_are_not_clean_ucd1_plus_are_warnings() {
    let xml = doc(
        r#"<FIELD name="a" datatype="double" ucd="pos.eq.ra;meta.main"/>
<FIELD name="b" datatype="double" ucd="meta.main;pos.eq.dec"/>
<FIELD name="c" datatype="double" ucd="pos.eq.nonsense"/>
<FIELD name="d" datatype="double" ucd="phys.distance"/>
<FIELD name="e" datatype="double" ucd="POS_EQ_RA_MAIN"/>"#,
        "<TR><TD>1</TD><TD>2</TD><TD>3</TD><TD>4</TD><TD>5</TD></TR>",
    );
    assert!(only(&xml, Severity::Error).is_empty(), "a bad UCD is not a structural error: {:?}", problems(&xml));
    let warnings: Vec<String> = only(&xml, Severity::Warning).into_iter().map(|p| p.message).collect();
    for name in ["'b'", "'c'", "'d'", "'e'"] {
        assert!(warnings.iter().any(|w| w.contains(name)), "no UCD warning for FIELD {name}: {warnings:?}");
    }
    assert!(!warnings.iter().any(|w| w.contains("'a'")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("'d'") && w.contains("pos.distance")), "{warnings:?}");
}

#[test]
fn malformed_xml_stops_with_its_position() {
    let xml = doc(r#"<FIELD name="a" datatype="int"/>"#, "<TR><TD>1</TD></TX>");
    let errors = only(&xml, Severity::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 6, "{}", errors[0]);
}

#[test]
fn every_bad_value_is_reported_with_its_line() {
    // Plain rows go through the reader's fast path; the CDATA row through its event path.
    let xml = doc(
        r#"<FIELD name="a" datatype="int"/><FIELD name="b" datatype="double"/>"#,
        "<TR><TD>1</TD><TD>1.5</TD></TR>\n\
         <TR><TD>x</TD><TD>2.5</TD></TR>\n\
         <TR><TD>3</TD><TD>3.5</TD></TR>\n\
         <TR><TD>4</TD><TD><![CDATA[four]]></TD></TR>\n\
         <TR><TD>5.5</TD><TD>five</TD></TR>",
    );
    let errors = only(&xml, Severity::Error);
    let lines: Vec<u64> = errors.iter().map(|p| p.line).collect();
    assert_eq!(lines, [7, 9, 10, 10], "{errors:?}");
    assert!(errors[0].message.contains("column 'a'") && errors[0].message.contains("'x'"), "{}", errors[0]);
    assert!(errors[1].message.contains("'four'"), "{}", errors[1]);
}

#[test]
fn rows_with_the_wrong_number_of_cells_do_not_stop_the_check() {
    let xml = doc(
        r#"<FIELD name="a" datatype="int"/><FIELD name="b" datatype="int"/>"#,
        "<TR><TD>1</TD></TR>\n<TR/>\n<TR><TD>1</TD><TD>2</TD><TD>3</TD><TD>4</TD></TR>\n<TR><TD>1</TD><TD>y</TD></TR>",
    );
    let errors = only(&xml, Severity::Error);
    let lines: Vec<u64> = errors.iter().map(|p| p.line).collect();
    assert_eq!(lines, [6, 7, 8, 9], "{errors:?}");
    assert!(errors[0].message.contains("row has 1 cells"), "{}", errors[0]);
    assert!(errors[1].message.contains("row has 0 cells"), "{}", errors[1]);
    assert!(errors[2].message.contains("more cells"), "{}", errors[2]);
    assert!(errors[3].message.contains("'y'"), "{}", errors[3]);
}

#[test]
fn bad_values_beyond_a_hundred_are_counted() {
    let rows: Vec<String> = (0..150).map(|i| format!("<TR><TD>bad{i}</TD></TR>")).collect();
    let xml = doc(r#"<FIELD name="a" datatype="long"/>"#, &rows.join("\n"));
    let errors = only(&xml, Severity::Error);
    assert_eq!(errors.len(), 101, "{:?}", &errors[99..]);
    assert_eq!(errors[99].line, 6 + 99);
    assert!(errors[100].message.contains("50 more bad values"), "{}", errors[100]);
}
