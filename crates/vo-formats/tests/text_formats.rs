//! VOTable, CSV, TSV and JSON: the table of every type written and read back with independent
//! readers (vo-votable's reader, arrow-csv, serde_json), plus empty results and endings.

mod common;

use std::io::Cursor;
use std::sync::Arc;

use arrow_array::{ArrayRef, Int32Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use common::{Cell, Leniency, assert_every_type, cells_of, every_type, every_type_batch};
use vo_formats::{EndStatus, FormatError, FormatKind, ResultInfo, encode_all, encoder_for};

/// Splits the batch in two so every encoder sees more than one batch.
fn two_batches() -> (arrow_schema::SchemaRef, Vec<RecordBatch>) {
    let (schema, batch) = every_type_batch();
    (schema, vec![batch.slice(0, 1), batch.slice(1, 3)])
}

fn read_votable(bytes: &[u8]) -> (vo_votable::model::VoTable, Vec<Vec<Cell>>) {
    let (doc, batches) = vo_votable::read_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    let columns = doc.first_table().unwrap().fields.len();
    let mut cells = vec![Vec::new(); columns];
    for batch in &batches {
        for (i, column) in batch.columns().iter().enumerate() {
            cells[i].extend(cells_of(column.as_ref()));
        }
    }
    (doc, cells)
}

#[test]
fn votable_serializations_round_trip_every_type() {
    let (schema, batches) = two_batches();
    let cases = [
        (FormatKind::VotableBinary2, Leniency::default()),
        (FormatKind::VotableTabledata, Leniency { empty_is_null: true, ..Leniency::default() }),
        (FormatKind::VotableBinary, Leniency { empty_is_null: true, null_is_nan: true }),
    ];
    for (format, leniency) in cases {
        let bytes = encode_all(format, ResultInfo::default(), &schema, &batches, &EndStatus::Ok).unwrap();
        let (doc, cells) = read_votable(&bytes);
        assert_every_type(&cells, leniency, format.short_name());
        let table = doc.first_table().unwrap();
        let field = |name: &str| table.fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("ra").unit.as_deref(), Some("deg"));
        assert_eq!(field("id").description.as_deref(), Some("Unique identifier"));
        assert_eq!(field("pos").xtype.as_deref(), Some("point"));
        assert_eq!(field("obs_time").xtype.as_deref(), Some("timestamp"));
        assert_eq!(field("unicode").datatype.as_str(), "unicodeChar", "{}", format.short_name());
        let resource = &doc.resources[0];
        assert_eq!(resource.infos[0].name, "QUERY_STATUS");
        assert_eq!(resource.infos[0].value, "OK");
        assert!(resource.trailing_infos.is_empty());
    }
}

#[test]
fn votable_document_carries_result_info() {
    let (schema, batch) = every_type_batch();
    let info = ResultInfo {
        infos: vec![
            ("standardID".into(), "ivo://ivoa.net/std/TAP".into(), None),
            ("QUERY".into(), "SELECT * FROM t WHERE a < 3".into(), Some("the query".into())),
        ],
        resource_description: Some("Result of a test".into()),
        table_name: Some("result_S123".into()),
        params: vec![vo_votable::model::Param::new("radius", vo_votable::model::Datatype::Double, "0.5")],
        coosys: Some(("ICRS".into(), Some("J2016.0".into()), vec!["ra".into(), "dec".into()])),
    };
    let bytes = encode_all(FormatKind::VotableBinary2, info, &schema, &[batch], &EndStatus::Overflow).unwrap();
    let (doc, _) = read_votable(&bytes);
    let resource = &doc.resources[0];
    let names: Vec<&str> = resource.infos.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["QUERY_STATUS", "standardID", "QUERY"]);
    assert_eq!(resource.infos[2].value, "SELECT * FROM t WHERE a < 3");
    assert_eq!(resource.infos[2].content.as_deref(), Some("the query"));
    assert_eq!(resource.description.as_deref(), Some("Result of a test"));
    assert_eq!(resource.params[0].field.name, "radius");
    assert_eq!(resource.coosys[0].epoch.as_deref(), Some("J2016.0"));
    let table = &resource.tables[0];
    assert_eq!(table.name.as_deref(), Some("result_S123"));
    let coosys_id = resource.coosys[0].id.clone();
    assert!(coosys_id.is_some());
    assert_eq!(table.fields[1].reference, coosys_id);
    assert_eq!(table.fields[0].reference, None);
    assert_eq!(resource.trailing_infos[0].value, "OVERFLOW");
}

#[test]
fn votable_error_mid_stream_keeps_the_document_valid() {
    let schema = Arc::new(Schema::new(vec![Field::new("big", DataType::UInt64, true)]));
    let ok = RecordBatch::try_new(schema.clone(), vec![Arc::new(UInt64Array::from(vec![1, 2]))]).unwrap();
    let too_big = RecordBatch::try_new(schema.clone(), vec![Arc::new(UInt64Array::from(vec![3, u64::MAX]))]).unwrap();
    for format in [FormatKind::VotableBinary2, FormatKind::VotableTabledata, FormatKind::VotableBinary] {
        let mut encoder = encoder_for(format, ResultInfo::default()).unwrap();
        let mut out = Vec::new();
        encoder.begin(&schema, &mut out).unwrap();
        encoder.write_batch(&ok, &mut out).unwrap();
        let err = encoder.write_batch(&too_big, &mut out).unwrap_err();
        match &err {
            FormatError::Value { column, row, .. } => assert_eq!((column.as_str(), *row), ("big", 3)),
            other => panic!("unexpected error {other}"),
        }
        encoder.finish(&EndStatus::Error(err.to_string()), &mut out).unwrap();
        let (doc, cells) = read_votable(&out);
        assert_eq!(cells[0], [Cell::Int(1), Cell::Int(2)]);
        let trailer = &doc.resources[0].trailing_infos[0];
        assert_eq!(trailer.value, "ERROR");
        assert!(trailer.content.as_deref().unwrap().contains("row 3"), "{trailer:?}");
        let problems = vo_votable::validate(&out[..]);
        assert!(problems.is_empty(), "{problems:?}");
    }
}

#[test]
fn empty_results_have_metadata_and_no_rows() {
    let (schema, _) = every_type_batch();
    for format in [FormatKind::VotableBinary2, FormatKind::VotableTabledata, FormatKind::VotableBinary] {
        let bytes = encode_all(format, ResultInfo::default(), &schema, &[], &EndStatus::Overflow).unwrap();
        let (doc, cells) = read_votable(&bytes);
        assert_eq!(cells.len(), every_type().len());
        assert!(cells.iter().all(Vec::is_empty));
        assert_eq!(doc.resources[0].trailing_infos[0].value, "OVERFLOW");
    }
    let csv = encode_all(FormatKind::Csv, ResultInfo::default(), &schema, &[], &EndStatus::Ok).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,ra,dec,mag,") && csv.ends_with("nothing\r\n") && csv.lines().count() == 1);
    let json = encode_all(FormatKind::Json, ResultInfo::default(), &schema, &[], &EndStatus::Ok).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["data"], serde_json::json!([]));
    assert_eq!(json["metadata"].as_array().unwrap().len(), every_type().len());
}

/// Reads CSV/TSV with arrow-csv: integer, float and boolean columns typed, the rest as text
/// (arrays are then split on spaces).
fn read_delimited(bytes: &[u8], delimiter: u8) -> Vec<Vec<Cell>> {
    let columns = every_type();
    let kind = |c: &common::Column| c.expected.iter().find(|c| **c != Cell::Null).cloned().unwrap_or(Cell::Null);
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| {
            let data_type = match kind(c) {
                Cell::Int(_) => DataType::Int64,
                Cell::Float(_) => DataType::Float64,
                Cell::Bool(_) => DataType::Boolean,
                _ => DataType::Utf8,
            };
            Field::new(c.field.name(), data_type, true)
        })
        .collect();
    let reader = arrow_csv::ReaderBuilder::new(Arc::new(Schema::new(fields)))
        .with_header(true)
        .with_delimiter(delimiter)
        .build(Cursor::new(bytes))
        .unwrap();
    let mut cells = vec![Vec::new(); columns.len()];
    for batch in reader {
        let batch = batch.unwrap_or_else(|e| panic!("arrow-csv: {e}"));
        for (i, column) in batch.columns().iter().enumerate() {
            let is_array = matches!(kind(&columns[i]), Cell::Array(_));
            cells[i].extend(cells_of(column.as_ref()).into_iter().map(|cell| match cell {
                Cell::Text(text) if is_array => {
                    Cell::Array(text.split_whitespace().map(|t| t.parse::<f64>().unwrap()).collect())
                }
                other => other,
            }));
        }
    }
    cells
}

#[test]
fn csv_round_trips_every_type_through_arrow_csv() {
    let (schema, batches) = two_batches();
    let bytes = encode_all(FormatKind::Csv, ResultInfo::default(), &schema, &batches, &EndStatus::Overflow).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"a, \"\"quoted\"\"\ttab\""), "{text}");
    assert!(text.contains(",NaN,Infinity,") && text.contains(",-Infinity,"), "{text}");
    assert!(!text.contains('#'), "overflow is not signalled in CSV");
    let cells = read_delimited(&bytes, b',');
    assert_every_type(&cells, Leniency { empty_is_null: true, ..Leniency::default() }, "csv");
}

#[test]
fn tsv_round_trips_every_type_through_arrow_csv() {
    let (schema, batches) = two_batches();
    let bytes = encode_all(FormatKind::Tsv, ResultInfo::default(), &schema, &batches, &EndStatus::Ok).unwrap();
    let mut cells = read_delimited(&bytes, b'\t');
    // TSV cannot hold a tab inside a cell: it became a space.
    let name = every_type().iter().position(|c| c.field.name() == "name").unwrap();
    assert_eq!(cells[name][1], Cell::Text("a, \"quoted\" tab".into()));
    cells[name][1] = Cell::Text("a, \"quoted\"\ttab".into());
    assert_every_type(&cells, Leniency { empty_is_null: true, ..Leniency::default() }, "tsv");
}

#[test]
fn csv_and_tsv_end_an_error_with_a_comment_line() {
    let (schema, batch) = every_type_batch();
    for (format, ending) in [(FormatKind::Csv, "\r\n"), (FormatKind::Tsv, "\n")] {
        let status = EndStatus::Error("query timed out\nafter 60 s".into());
        let bytes = encode_all(format, ResultInfo::default(), &schema, std::slice::from_ref(&batch), &status).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with(&format!("{ending}# ERROR: query timed out after 60 s{ending}")), "{text}");
    }
}

fn json_cell(value: &serde_json::Value) -> Cell {
    match value {
        serde_json::Value::Null => Cell::Null,
        serde_json::Value::Bool(b) => Cell::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Cell::Int(i as i128),
            (None, Some(u)) => Cell::Int(u as i128),
            _ => Cell::Float(n.as_f64().unwrap()),
        },
        serde_json::Value::String(s) => Cell::Text(s.clone()),
        serde_json::Value::Array(items) => Cell::Array(
            items
                .iter()
                .map(|i| match json_cell(i) {
                    Cell::Int(v) => v as f64,
                    Cell::Float(v) => v,
                    other => panic!("array element {other:?}"),
                })
                .collect(),
        ),
        other => panic!("unexpected JSON {other}"),
    }
}

#[test]
fn json_round_trips_every_type_through_serde_json() {
    let (schema, batches) = two_batches();
    let status = EndStatus::Error("worker lost".into());
    let info = ResultInfo { infos: vec![("QUERY".into(), "SELECT 1".into(), None)], ..ResultInfo::default() };
    let bytes = encode_all(FormatKind::Json, info, &schema, &batches, &status).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let columns = every_type();
    let rows = doc["data"].as_array().unwrap();
    let mut cells = vec![Vec::new(); columns.len()];
    for row in rows {
        for (i, value) in row.as_array().unwrap().iter().enumerate() {
            cells[i].push(json_cell(value));
        }
    }
    // JSON has no NaN or infinity: they are null.
    let mut expected_nulls = 0;
    for (column, cells) in columns.iter().zip(cells.iter_mut()) {
        for (want, got) in column.expected.iter().zip(cells.iter_mut()) {
            if matches!(want, Cell::Float(f) if !f.is_finite()) && *got == Cell::Null {
                *got = want.clone();
                expected_nulls += 1;
            }
        }
    }
    assert_eq!(expected_nulls, 5);
    assert_every_type(&cells, Leniency::default(), "json");
    let ra = &doc["metadata"][1];
    assert_eq!(
        (ra["name"].as_str(), ra["unit"].as_str(), ra["datatype"].as_str()),
        (Some("ra"), Some("deg"), Some("double"))
    );
    assert_eq!(doc["metadata"][24]["xtype"], "point");
    assert_eq!(doc["metadata"][24]["arraysize"], "2");
    assert_eq!(doc["infos"][0]["value"], "SELECT 1");
    assert_eq!((doc["status"].as_str(), doc["message"].as_str()), (Some("ERROR"), Some("worker lost")));
}

#[test]
fn unsigned_64_bit_values_above_i64_max_are_exact_in_text_formats() {
    let schema = Arc::new(Schema::new(vec![Field::new("u", DataType::UInt64, true)]));
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(UInt64Array::from(vec![u64::MAX]))]).unwrap();
    let csv = encode_all(FormatKind::Csv, ResultInfo::default(), &schema, std::slice::from_ref(&batch), &EndStatus::Ok)
        .unwrap();
    assert_eq!(csv, b"u\r\n18446744073709551615\r\n");
    let json = encode_all(FormatKind::Json, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["data"][0][0].as_u64(), Some(u64::MAX));
}

#[test]
fn misuse_and_mismatched_batches_are_errors() {
    let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
    let other: ArrayRef = Arc::new(StringArray::from(vec!["x"]));
    let wrong = RecordBatch::try_from_iter([("a", other)]).unwrap();
    let right = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(vec![1]))]).unwrap();
    for format in [FormatKind::VotableBinary2, FormatKind::Csv, FormatKind::Tsv, FormatKind::Json, FormatKind::Html] {
        let mut encoder = encoder_for(format, ResultInfo::default()).unwrap();
        let mut out = Vec::new();
        assert!(matches!(encoder.write_batch(&right, &mut out), Err(FormatError::Usage(_))), "{format:?}");
        encoder.begin(&schema, &mut out).unwrap();
        let before = out.len();
        assert!(matches!(encoder.write_batch(&wrong, &mut out), Err(FormatError::Usage(_))), "{format:?}");
        assert_eq!(out.len(), before, "{format:?}: a refused batch writes nothing");
    }
    assert!(matches!(encoder_for(FormatKind::Text, ResultInfo::default()), Err(FormatError::UnsupportedFormat(_))));
}

#[test]
fn unsupported_column_types_fail_in_begin() {
    let schema = Arc::new(Schema::new(vec![Field::new(
        "s",
        DataType::Struct(vec![Field::new("x", DataType::Int32, true)].into()),
        true,
    )]));
    for format in [FormatKind::VotableBinary2, FormatKind::Csv, FormatKind::Json] {
        let mut encoder = encoder_for(format, ResultInfo::default()).unwrap();
        let err = encoder.begin(&schema, &mut Vec::new()).unwrap_err();
        assert!(matches!(err, FormatError::UnsupportedType { ref column, .. } if column == "s"), "{format:?}: {err}");
    }
}

#[test]
fn html_page_holds_every_type() {
    let (schema, batches) = two_batches();
    let info = ResultInfo { table_name: Some("every & all".into()), ..ResultInfo::default() };
    let bytes = encode_all(FormatKind::Html, info, &schema, &batches, &EndStatus::Error("boom <now>".into())).unwrap();
    let html = String::from_utf8(bytes).unwrap();
    assert!(html.contains("<title>every &amp; all</title>"));
    assert!(html.contains(r#"<th title="Right ascension (ICRS) | pos.eq.ra;meta.main">ra [deg]</th>"#));
    assert_eq!(html.matches("<tr><td>").count(), 4);
    assert!(html.contains("<td>Messier 1 &lt;crab&gt; &amp; co</td>"));
    assert!(html.contains("<td>10.5 -20.25</td>"));
    assert!(html.ends_with("<p class=\"query-status\">ERROR: boom &lt;now&gt;</p>\n</body></html>\n"));
}

#[test]
fn votable_accepts_nulls_in_columns_declared_non_nullable() {
    // An engine may declare a column NOT NULL and still produce nulls (e.g. after an outer join).
    let declared = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, false)]));
    let batch =
        RecordBatch::try_from_iter([("a", Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef)]).unwrap();
    for format in [FormatKind::VotableBinary2, FormatKind::Parquet, FormatKind::Fits, FormatKind::Csv] {
        let bytes = encode_all(format, ResultInfo::default(), &declared, std::slice::from_ref(&batch), &EndStatus::Ok);
        assert!(bytes.is_ok(), "{format:?}: {:?}", bytes.err());
    }
    let bytes =
        encode_all(FormatKind::VotableBinary2, ResultInfo::default(), &declared, &[batch], &EndStatus::Ok).unwrap();
    let (_, cells) = read_votable(&bytes);
    assert_eq!(cells[0], [Cell::Int(1), Cell::Null]);
}
