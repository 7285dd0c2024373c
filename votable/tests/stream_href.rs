//! STREAM href: binary data in a separate file, raw or base64.

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use vo_votable::reader::VotableReader;

fn document(href: &str, encoding: &str) -> String {
    format!(
        r#"<VOTABLE version="1.5" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>
<FIELD name="n" datatype="int"/><FIELD name="s" datatype="char" arraysize="*"/>
<DATA><BINARY2><STREAM href="{href}"{encoding}/></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>"#
    )
}

/// Two BINARY2 rows: (5, "ab") and (null, "").
fn rows() -> Vec<u8> {
    let mut raw = vec![0x00];
    raw.extend_from_slice(&5i32.to_be_bytes());
    raw.extend_from_slice(&2i32.to_be_bytes());
    raw.extend_from_slice(b"ab");
    raw.push(0x80);
    raw.extend_from_slice(&0i32.to_be_bytes());
    raw.extend_from_slice(&0i32.to_be_bytes());
    raw
}

fn check(reader: VotableReader<impl std::io::BufRead>) {
    let batches: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
    let n = batches[0].column(0).as_primitive::<Int32Type>();
    assert_eq!(n.value(0), 5);
    assert!(n.is_null(1));
    assert_eq!(batches[0].column(1).as_string::<i32>().value(0), "ab");
}

#[test]
fn relative_raw_stream_next_to_the_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rows.bin"), rows()).unwrap();
    let doc_path = dir.path().join("doc.vot");
    std::fs::write(&doc_path, document("rows.bin", "")).unwrap();
    check(VotableReader::from_path(&doc_path).unwrap());
}

#[test]
fn absolute_file_url_with_base64() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("rows.b64");
    std::fs::write(&data, base64::engine::general_purpose::STANDARD.encode(rows())).unwrap();
    let doc = document(&format!("file://{}", data.display()), r#" encoding="base64""#);
    check(VotableReader::with_base_dir(doc.as_bytes(), None).unwrap());
}

#[test]
fn documents_from_anyone_cannot_name_local_files() {
    // An upload must not make the server read its own files.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("rows.bin");
    std::fs::write(&data, rows()).unwrap();
    for href in [format!("file://{}", data.display()), data.display().to_string(), "/etc/passwd".to_string()] {
        let e = VotableReader::new(document(&href, "").as_bytes()).err().expect(&href);
        assert!(e.to_string().contains("external data is not read"), "{href}: {e}");
        assert!(!e.to_string().contains("No such file"), "{href}: the error must not probe the file system: {e}");
    }
}

#[test]
fn remote_and_missing_streams_are_clear_errors() {
    let trusted = |doc: String| VotableReader::with_base_dir(std::io::Cursor::new(doc.into_bytes()), None);
    let e = trusted(document("http://example.org/x.bin", "")).err().unwrap();
    assert!(e.to_string().contains("only file: URLs"), "{e}");
    let e = trusted(document("/nonexistent/x.bin", "")).err().unwrap();
    assert!(e.to_string().contains("cannot open STREAM"), "{e}");
    assert_eq!(e.position().unwrap().line, 3);
}
