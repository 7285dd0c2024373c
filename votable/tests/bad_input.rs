//! Broken and hostile documents: every one must give an error with a position, never a panic
//! and never unbounded memory.

use vo_votable::reader::VotableReader;
use vo_votable::{Error, Position, read_all};

const HEAD: &str = r#"<?xml version="1.0"?>
<VOTABLE version="1.5" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><TABLE>
<FIELD name="a" datatype="int"/><FIELD name="b" datatype="char" arraysize="*"/>
"#;

fn tabledata(rows: &str) -> String {
    format!("{HEAD}<DATA><TABLEDATA>\n{rows}</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>")
}

fn error_of(doc: &str) -> Error {
    match read_all(doc.as_bytes()) {
        Ok(_) => panic!("document was accepted:\n{doc}"),
        Err(e) => e,
    }
}

fn position_of(doc: &str) -> Position {
    let e = error_of(doc);
    e.position().unwrap_or_else(|| panic!("error without position: {e}"))
}

#[test]
fn good_document_reads() {
    let (_, batches) = read_all(tabledata("<TR><TD>1</TD><TD>x</TD></TR>\n").as_bytes()).unwrap();
    assert_eq!(batches[0].num_rows(), 1);
}

#[test]
fn wrong_number_of_cells() {
    let p = position_of(&tabledata("<TR><TD>1</TD><TD>x</TD></TR>\n<TR><TD>1</TD></TR>\n"));
    assert_eq!(p.line, 7);
    let e = error_of(&tabledata("<TR><TD>1</TD><TD>x</TD><TD>y</TD></TR>\n"));
    assert!(e.to_string().contains("more cells"), "{e}");
}

#[test]
fn value_that_does_not_fit() {
    let e = error_of(&tabledata("<TR><TD>1</TD><TD>x</TD></TR>\n<TR><TD>99999999999</TD><TD>y</TD></TR>\n"));
    assert!(matches!(e, Error::Value { .. }), "{e}");
    assert_eq!(e.position().unwrap().line, 7);
    let e = error_of(&tabledata("<TR><TD>abc</TD><TD>x</TD></TR>\n"));
    assert!(e.to_string().contains("'abc' is not a valid int"), "{e}");
}

#[test]
fn truncated_documents() {
    let full = tabledata("<TR><TD>1</TD><TD>x</TD></TR>\n<TR><TD>2</TD><TD>y</TD></TR>\n");
    for cut in [10, 60, 150, full.len() / 2, full.len() - 20, full.len() - 3] {
        let e = error_of(&full[..cut]);
        assert!(e.position().is_some(), "cut at {cut}: {e}");
    }
}

#[test]
fn truncated_and_corrupt_binary() {
    let good = "AAAAAQAAAAF4"; // int 1, then char count 1, "x"
    let doc = |stream: &str| {
        format!(
            "{HEAD}<DATA><BINARY><STREAM encoding=\"base64\">{stream}</STREAM></BINARY></DATA></TABLE></RESOURCE></VOTABLE>"
        )
    };
    assert_eq!(read_all(doc(good).as_bytes()).unwrap().1[0].num_rows(), 1);
    // A row cut in the middle.
    let e = error_of(&doc("AAAAAQAAAA"));
    assert!(e.to_string().contains("middle of a row"), "{e}");
    assert!(e.position().is_some());
    // Not base64.
    let e = error_of(&doc("AAAA!!!!"));
    assert!(e.to_string().contains("base64"), "{e}");
    // A negative array length.
    let e = error_of(&doc("AAAAAf////8="));
    assert!(e.to_string().contains("negative array length"), "{e}");
    // A huge array length with no data behind it: an error, not a 16 GB allocation.
    let e = error_of(&doc("AAAAAX////8="));
    assert!(e.to_string().contains("middle of a row"), "{e}");
}

#[test]
fn undeclared_namespace_prefix() {
    let doc = r#"<v:VOTABLE version="1.5"><v:RESOURCE/></v:VOTABLE>"#;
    let e = error_of(doc);
    assert!(e.to_string().contains("undeclared namespace prefix 'v'"), "{e}");
    assert_eq!(e.position(), Some(Position { line: 1, column: 1 }));
}

#[test]
fn prefixed_votable_namespace_is_fine() {
    let doc = r#"<v:VOTABLE xmlns:v="http://www.ivoa.net/xml/VOTable/v1.3" version="1.4"><v:RESOURCE><v:TABLE>
<v:FIELD name="a" datatype="short"/><v:DATA><v:TABLEDATA><v:TR><v:TD>7</v:TD></v:TR></v:TABLEDATA></v:DATA>
</v:TABLE></v:RESOURCE></v:VOTABLE>"#;
    let (doc, batches) = read_all(doc.as_bytes()).unwrap();
    assert_eq!(doc.version, "1.4");
    assert_eq!(batches[0].num_rows(), 1);
}

#[test]
fn foreign_root_is_refused() {
    let e = error_of(r#"<VOTABLE xmlns="http://example.org/other"><RESOURCE/></VOTABLE>"#);
    assert!(e.to_string().contains("not a VOTable namespace"), "{e}");
}

#[test]
fn entity_expansion_is_refused() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<VOTABLE version="1.5"><RESOURCE><INFO name="x" value="y">&lol3;</INFO></RESOURCE></VOTABLE>"#;
    let e = error_of(laughs);
    assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    assert_eq!(e.position().unwrap().line, 2);
    // Without a DTD, a custom entity is undefined: refused, not dropped.
    let e = error_of(r#"<VOTABLE version="1.5"><RESOURCE><INFO name="x" value="y">&lol;</INFO></RESOURCE></VOTABLE>"#);
    assert!(e.to_string().contains("undefined entity &lol;"), "{e}");
}

#[test]
fn absurd_arraysize_is_refused() {
    let doc = r#"<VOTABLE version="1.5"><RESOURCE><TABLE><FIELD name="a" datatype="double" arraysize="2000000000"/>
<DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"#;
    let e = error_of(doc);
    assert!(e.to_string().contains("bad arraysize '2000000000'"), "{e}");
    assert_eq!(e.position().unwrap().line, 1);
}

#[test]
fn unknown_datatype_and_fits() {
    let e = error_of(r#"<VOTABLE><RESOURCE><TABLE><FIELD name="a" datatype="integer"/></TABLE></RESOURCE></VOTABLE>"#);
    assert!(e.to_string().contains("unknown datatype 'integer'"), "{e}");
    let fits =
        format!("{HEAD}<DATA><FITS extnum=\"1\"><STREAM href=\"x.fits\"/></FITS></DATA></TABLE></RESOURCE></VOTABLE>");
    let e = error_of(&fits);
    assert!(matches!(e, Error::Unsupported { .. }) && e.to_string().contains("FITS"), "{e}");
}

#[test]
fn mismatched_tags() {
    let e = error_of(&tabledata("<TR><TD>1</TD><TD>x</TR>\n"));
    assert!(matches!(e, Error::Xml { .. }), "{e}");
    assert!(e.position().is_some());
}

#[test]
fn errors_stop_the_iterator() {
    let doc = tabledata("<TR><TD>1</TD><TD>x</TD></TR>\n<TR><TD>zz</TD><TD>y</TD></TR>\n");
    let mut reader = VotableReader::new(doc.as_bytes()).unwrap();
    assert!(reader.next().unwrap().is_err());
    assert!(reader.next().is_none());
}
