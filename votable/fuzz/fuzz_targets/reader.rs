//! Fuzzes the reader: arbitrary documents, and arbitrary binary data behind a header that
//! declares every datatype × arraysize (so the BINARY/BINARY2 decoders see deep inputs).
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run reader` from `votable/`.

#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use vo_votable::reader::VotableReader;

const HEADER: &str = r#"<VOTABLE version="1.5" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>
<FIELD name="a" datatype="boolean"/><FIELD name="b" datatype="bit" arraysize="*"/>
<FIELD name="c" datatype="unsignedByte" arraysize="2x*"><VALUES null="7"/></FIELD>
<FIELD name="d" datatype="short"/><FIELD name="e" datatype="int" arraysize="3"/>
<FIELD name="f" datatype="long" arraysize="4*"/><FIELD name="g" datatype="char" arraysize="*"/>
<FIELD name="h" datatype="unicodeChar" arraysize="5"/><FIELD name="i" datatype="float"/>
<FIELD name="j" datatype="double" arraysize="*"/><FIELD name="k" datatype="floatComplex"/>
<FIELD name="l" datatype="doubleComplex" arraysize="*"/><FIELD name="m" datatype="bit"/>
<DATA>"#;

fn consume(bytes: &[u8]) {
    if let Ok(reader) = VotableReader::new(bytes) {
        for batch in reader.with_batch_size(7) {
            if batch.is_err() {
                break;
            }
        }
    }
    let _ = vo_votable::validate(bytes);
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((mode, rest)) if mode % 3 == 1 => {
            let stream = base64::engine::general_purpose::STANDARD.encode(rest);
            let doc = format!("{HEADER}<BINARY2><STREAM encoding=\"base64\">{stream}</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>");
            consume(doc.as_bytes());
        }
        Some((mode, rest)) if mode % 3 == 2 => {
            let mut doc = HEADER.as_bytes().to_vec();
            doc.extend_from_slice(b"<TABLEDATA>");
            doc.extend_from_slice(rest);
            consume(&doc);
        }
        _ => consume(data),
    }
});
