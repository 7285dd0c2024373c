//! Writer behaviour: streaming output, trailing INFOs, metadata documents read back unchanged.

use std::sync::Arc;

use arrow_array::{Float64Array, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use vo_votable::model::{
    ArraySize, CooSys, Datatype, Field as VoField, FieldRef, Group, Info, Limit, Link, Param, Resource, ResourceType,
    Table, TimeSys, Values, ValuesOption, VoTable,
};
use vo_votable::read_all;
use vo_votable::writer::{Serialization, VotableWriter};

fn batch(start: i32, len: i32) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("n", DataType::Int32, true),
        Field::new("x", DataType::Float64, true),
        Field::new("s", DataType::Utf8, true),
    ]));
    let n: Int32Array = (start..start + len).map(|i| (i % 5 != 0).then_some(i)).collect();
    let x: Float64Array = (start..start + len).map(|i| Some(i as f64 / 7.0)).collect();
    let s: StringArray = (start..start + len).map(|i| Some(format!("row {i} ★"))).collect();
    RecordBatch::try_new(schema, vec![Arc::new(n), Arc::new(x), Arc::new(s)]).unwrap()
}

#[test]
fn draining_the_output_between_batches_is_safe() {
    for serialization in [Serialization::TableData, Serialization::Binary, Serialization::Binary2] {
        let batches: Vec<RecordBatch> = (0..5).map(|k| batch(k * 37, 37)).collect();
        // The strings are not ASCII: `fields_for_batch` declares them unicodeChar.
        let fields = vo_votable::convert::fields_for_batch(&batches[0]).unwrap();
        assert_eq!(fields[2].datatype, Datatype::UnicodeChar);
        let doc = vo_votable::writer::results_document(fields);
        let mut whole = VotableWriter::new(Vec::new(), doc.clone(), serialization).unwrap();
        let mut drained = VotableWriter::new(Vec::new(), doc, serialization).unwrap();
        let mut sent = Vec::new();
        for b in &batches {
            whole.write_batch(b).unwrap();
            drained.write_batch(b).unwrap();
            sent.append(drained.get_mut());
        }
        let whole = whole.finish(&[]).unwrap();
        sent.extend(drained.finish(&[]).unwrap());
        assert_eq!(sent, whole, "{serialization:?}");
        // Everything handed out so far is complete base64 lines: each line decodes on its own.
        let (_, read) = read_all(&whole[..]).unwrap();
        assert_eq!(read.iter().map(|b| b.num_rows()).sum::<usize>(), 185);
        assert_eq!(read[0].column(2).slice(0, 37).as_ref(), batches[0].column(2).as_ref());
    }
}

#[test]
fn trailing_infos_go_after_the_table() {
    let b = batch(0, 3);
    let mut w = VotableWriter::for_schema(Vec::new(), &b.schema(), Serialization::Binary2).unwrap();
    w.write_batch(&b).unwrap();
    let overflow = Info::new("QUERY_STATUS", "OVERFLOW").with_content("MAXREC reached");
    let bytes = w.finish(std::slice::from_ref(&overflow)).unwrap();
    let mut reader = vo_votable::reader::VotableReader::new(&bytes[..]).unwrap();
    assert_eq!(reader.document().resources[0].infos[0].value, "OK");
    assert!(reader.by_ref().all(|b| b.is_ok()));
    assert_eq!(reader.trailing_infos(), std::slice::from_ref(&overflow));
    assert_eq!(reader.document().resources[0].trailing_infos, vec![overflow]);
}

#[test]
fn row_api_writes_values() {
    use vo_votable::writer::Value;
    let fields = vec![
        VoField::new("id", Datatype::Long),
        VoField::new("pos", Datatype::Double).with_arraysize(ArraySize::fixed(2)).with_xtype("point"),
        VoField::new("name", Datatype::Char).with_arraysize(ArraySize::variable()),
    ];
    let doc = vo_votable::writer::results_document(fields);
    let mut w = VotableWriter::new(Vec::new(), doc, Serialization::TableData).unwrap();
    w.write_row(&[Value::Int(1), Value::Array(vec![10.0.into(), 20.0.into()]), "M31".into()]).unwrap();
    w.write_row(&[Value::Int(2), Value::Null, Value::Null]).unwrap();
    assert!(w.write_row(&[Value::Text("x".into()), Value::Null, Value::Null]).is_err());
    let xml = String::from_utf8(w.finish(&[]).unwrap()).unwrap();
    assert!(xml.contains("<TR><TD>1</TD><TD>10.0 20.0</TD><TD>M31</TD></TR>"), "{xml}");
    assert!(xml.contains("<TR><TD>2</TD><TD>NaN NaN</TD><TD/></TR>"), "{xml}");
}

#[test]
fn metadata_document_reads_back_unchanged() {
    let mut doc = VoTable { id: Some("doc".into()), description: Some("all elements".into()), ..VoTable::default() };
    doc.infos.push(Info::new("service", "test"));
    doc.coosys.push(CooSys {
        id: Some("icrs".into()),
        system: "ICRS".into(),
        epoch: Some("J2016.0".into()),
        refposition: Some("BARYCENTER".into()),
        ..CooSys::default()
    });
    doc.timesys.push(TimeSys {
        id: Some("tdb".into()),
        timeorigin: Some("MJD-origin".into()),
        timescale: "TDB".into(),
        refposition: "BARYCENTER".into(),
    });
    let mut field = VoField::new("ra", Datatype::Double).with_unit("deg").with_ucd("pos.eq.ra;meta.main");
    field.id = Some("ra".into());
    field.reference = Some("icrs".into());
    field.values = Some(Values {
        min: Some(Limit { value: "0".into(), inclusive: true }),
        max: Some(Limit { value: "360".into(), inclusive: false }),
        ..Values::default()
    });
    field.links.push(Link { href: Some("http://example.org/ra?x=1&y=2".into()), ..Link::default() });
    let mut band = Param::new("band", Datatype::Char, "G");
    band.field.arraysize = Some(ArraySize::variable());
    band.field.id = Some("band".into());
    band.field.values = Some(Values {
        options: vec![ValuesOption { name: Some("green".into()), value: "G".into(), options: vec![] }],
        ..Values::default()
    });
    let group = Group {
        name: Some("position".into()),
        field_refs: vec![FieldRef { reference: "ra".into(), ..FieldRef::default() }],
        param_refs: vec![FieldRef { reference: "band".into(), ..FieldRef::default() }],
        ..Group::default()
    };
    let table = Table {
        name: Some("t".into()),
        nrows: Some(0),
        description: Some("a table".into()),
        fields: vec![field],
        params: vec![band],
        groups: vec![group],
        ..Table::default()
    };
    let mut results = Resource::results_with(table);
    results.infos.push(Info::new("QUERY_STATUS", "OK"));
    results.trailing_infos.push(Info::new("QUERY_STATUS", "OVERFLOW"));
    let meta = Resource {
        resource_type: ResourceType::Meta,
        utype: Some("adhoc:service".into()),
        params: vec![Param::new("accessURL", Datatype::Char, "http://example.org/links")],
        ..Resource::default()
    };
    doc.resources = vec![results, meta];
    let mut doc_in = doc.clone();
    doc_in.resources[1].params[0].field.arraysize = Some(ArraySize::variable());
    let xml = doc_in.to_xml_string();
    let (read, batches) = read_all(xml.as_bytes()).unwrap();
    assert!(batches.is_empty());
    assert_eq!(read, doc_in, "{xml}");
    assert!(vo_votable::validate(xml.as_bytes()).is_empty(), "{:?}", vo_votable::validate(xml.as_bytes()));
}

/// The async writer streams through a 64 KiB pipe to a concurrent reader: the same bytes as the
/// synchronous writer, and its buffer holds one batch's text, not the document.
#[cfg(feature = "tokio")]
#[test]
fn async_writer_streams_the_same_document_through_a_small_pipe() {
    use tokio::io::AsyncReadExt;
    use vo_votable::writer::AsyncVotableWriter;
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for serialization in [Serialization::TableData, Serialization::Binary2] {
        let batches: Vec<RecordBatch> = (0..200).map(|k| batch(k * 2_000, 2_000)).collect();
        let fields = vo_votable::convert::fields_for_batch(&batches[0]).unwrap();
        let doc = vo_votable::writer::results_document(fields);
        let mut sync = VotableWriter::new(Vec::new(), doc.clone(), serialization).unwrap();
        for b in &batches {
            sync.write_batch(b).unwrap();
        }
        let expected = sync.finish(&[Info::new("QUERY_STATUS", "OVERFLOW")]).unwrap();
        let (received, largest_buffer) = runtime.block_on(async {
            let (sink, mut source) = tokio::io::duplex(64 * 1024);
            let reader = async move {
                let mut received = Vec::new();
                source.read_to_end(&mut received).await.unwrap();
                received
            };
            let writer = async {
                let mut writer = AsyncVotableWriter::new(sink, doc, serialization).await.unwrap();
                let mut largest = 0;
                for b in &batches {
                    writer.write_batch(b).await.unwrap();
                    largest = largest.max(writer.buffer_capacity());
                }
                assert_eq!(writer.rows_written(), 400_000);
                drop(writer.finish(&[Info::new("QUERY_STATUS", "OVERFLOW")]).await.unwrap());
                largest
            };
            let (received, largest) = tokio::join!(reader, writer);
            (received, largest)
        });
        assert_eq!(received, expected, "{serialization:?}");
        assert!(expected.len() > 10 * 1024 * 1024, "a document of {} bytes", expected.len());
        assert!(largest_buffer < 2 * 1024 * 1024, "{serialization:?}: buffer of {largest_buffer} bytes");
    }
}
