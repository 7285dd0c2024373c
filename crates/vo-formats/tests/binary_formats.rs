//! VOParquet and FITS: the table of every type written and read back (the parquet crate's
//! reader; a small FITS BINTABLE reader written from the standard here), with the endings,
//! empty results, bounded row groups and piecewise output.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{Float64Array, Int64Array, RecordBatch, UInt16Array};
use arrow_schema::{DataType, Field, Schema};
use common::{Cell, Leniency, assert_every_type, cells_of, every_type, every_type_batch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use vo_formats::{EndStatus, FormatKind, ResultInfo, encode_all, encoder_for, voparquet};

fn two_batches() -> (arrow_schema::SchemaRef, Vec<RecordBatch>) {
    let (schema, batch) = every_type_batch();
    (schema, vec![batch.slice(0, 3), batch.slice(3, 1)])
}

fn read_parquet(bytes: Vec<u8>) -> Vec<Vec<Cell>> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap().build().unwrap();
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        cells.resize(batch.num_columns(), Vec::new());
        for (i, column) in batch.columns().iter().enumerate() {
            cells[i].extend(cells_of(column.as_ref()));
        }
    }
    cells
}

#[test]
fn voparquet_round_trips_every_type_with_embedded_votable() {
    let (schema, batches) = two_batches();
    let info = ResultInfo { table_name: Some("every_type".into()), ..ResultInfo::default() };
    let bytes = encode_all(FormatKind::Parquet, info, &schema, &batches, &EndStatus::Ok).unwrap();
    let (rows, votable) = voparquet::read_footer(bytes.clone().into()).unwrap();
    assert_eq!(rows, 4);
    assert_every_type(&read_parquet(bytes.clone()), Leniency::default(), "parquet");

    let metadata = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap().metadata().clone();
    let key_values: HashMap<String, Option<String>> = metadata
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    assert_eq!(key_values[voparquet::VERSION_KEY].as_deref(), Some("1.0"));
    let (doc, data) = vo_votable::read_all(votable.as_bytes()).unwrap();
    assert!(data.iter().all(|b| b.num_rows() == 0), "the embedded VOTable has no data");
    let table = doc.first_table().unwrap();
    assert_eq!(table.name.as_deref(), Some("every_type"));
    assert_eq!(table.fields.len(), every_type().len());
    let ra = table.fields.iter().find(|f| f.name == "ra").unwrap();
    assert_eq!((ra.unit.as_deref(), ra.ucd.as_deref()), (Some("deg"), Some("pos.eq.ra;meta.main")));
    let name = table.fields.iter().find(|f| f.name == "name").unwrap();
    assert_eq!(name.arraysize.as_ref().map(|a| a.to_string()).as_deref(), Some("15*"));
    assert_eq!(doc.resources[0].infos[0].value, "OK");
    assert!(doc.resources[0].trailing_infos.is_empty());
    assert!(vo_votable::validate(votable.as_bytes()).is_empty());
}

#[test]
fn voparquet_records_overflow_and_error_in_the_footer() {
    let (schema, batches) = two_batches();
    for (status, value) in [(EndStatus::Overflow, "OVERFLOW"), (EndStatus::Error("disk full".into()), "ERROR")] {
        let bytes = encode_all(FormatKind::Parquet, ResultInfo::default(), &schema, &batches, &status).unwrap();
        let (rows, votable) = voparquet::read_footer(bytes.into()).unwrap();
        assert_eq!(rows, 4, "the rows before the end are kept");
        let (doc, _) = vo_votable::read_all(votable.as_bytes()).unwrap();
        let trailer = &doc.resources[0].trailing_infos[0];
        assert_eq!((trailer.name.as_str(), trailer.value.as_str()), ("QUERY_STATUS", value));
        assert_eq!(trailer.content.as_deref(), status.message());
    }
    let empty = encode_all(FormatKind::Parquet, ResultInfo::default(), &schema, &[], &EndStatus::Ok).unwrap();
    assert_eq!(voparquet::read_footer(empty.clone().into()).unwrap().0, 0);
    assert!(read_parquet(empty).iter().all(Vec::is_empty));
}

#[test]
fn voparquet_streams_bounded_row_groups() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("x", DataType::Float64, false),
    ]));
    let mut encoder = encoder_for(FormatKind::Parquet, ResultInfo::default()).unwrap();
    let mut out = Vec::new();
    let mut total = Vec::new();
    encoder.begin(&schema, &mut out).unwrap();
    total.append(&mut out);
    let mut sent_before_finish = 0;
    for start in (0..200_000i64).step_by(10_000) {
        let ids: Vec<i64> = (start..start + 10_000).collect();
        let xs: Vec<f64> = ids.iter().map(|&i| i as f64 * 0.5).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from(ids)), Arc::new(Float64Array::from(xs))],
        )
        .unwrap();
        encoder.write_batch(&batch, &mut out).unwrap();
        sent_before_finish += out.len();
        total.append(&mut out);
    }
    encoder.finish(&EndStatus::Ok, &mut out).unwrap();
    total.append(&mut out);
    assert!(sent_before_finish > total.len() / 2, "row groups leave before the end");
    let metadata = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(total)).unwrap().metadata().clone();
    assert_eq!(metadata.file_metadata().num_rows(), 200_000);
    assert!(metadata.num_row_groups() >= 3);
    assert!(metadata.row_groups().iter().all(|g| g.num_rows() <= 65_536));
}

/// A FITS BINTABLE read with nothing but the standard (FITS 4.0 §7.3).
struct FitsTable {
    header: HashMap<String, String>,
    columns: Vec<Vec<Cell>>,
}

fn header_blocks(bytes: &[u8], start: usize) -> (HashMap<String, String>, usize) {
    let mut cards = HashMap::new();
    let mut at = start;
    let mut last_key = String::new();
    loop {
        let card = std::str::from_utf8(&bytes[at..at + 80]).unwrap();
        at += 80;
        let key = card[..8].trim_end().to_string();
        if key == "END" {
            break;
        }
        if key == "CONTINUE" {
            let piece = card[10..].trim().trim_matches('\'').to_string();
            let value: &mut String = cards.get_mut(&last_key).unwrap();
            value.pop(); // the `&`
            value.push_str(&piece.replace("''", "'"));
            continue;
        }
        if &card[8..10] != "= " {
            continue;
        }
        let raw = card[10..].trim();
        let value = if let Some(quoted) = raw.strip_prefix('\'') {
            let end = quoted.rfind('\'').unwrap();
            quoted[..end].replace("''", "'").trim_end().to_string()
        } else {
            raw.split('/').next().unwrap().trim().to_string()
        };
        cards.insert(key.clone(), value);
        last_key = key;
    }
    (cards, at.div_ceil(2880) * 2880)
}

fn read_fits(bytes: &[u8]) -> FitsTable {
    assert_eq!(bytes.len() % 2880, 0);
    let (primary, table_start) = header_blocks(bytes, 0);
    assert_eq!(primary["NAXIS"], "0");
    let (header, data_start) = header_blocks(bytes, table_start);
    let number = |k: &str| header[k].parse::<usize>().unwrap();
    let (width, rows, fields) = (number("NAXIS1"), number("NAXIS2"), number("TFIELDS"));
    let heap_start = data_start + width * rows;
    assert!(heap_start + number("PCOUNT") <= bytes.len());
    let mut columns = vec![Vec::new(); fields];
    for row in 0..rows {
        let mut at = data_start + row * width;
        for (n, column) in columns.iter_mut().enumerate() {
            let n = n + 1;
            let tform = &header[&format!("TFORM{n}")];
            let null = header.get(&format!("TNULL{n}")).map(|v| v.parse::<i128>().unwrap());
            let zero = header.get(&format!("TZERO{n}")).map_or(0, |v| v.parse::<i128>().unwrap());
            let digits: String = tform.chars().take_while(char::is_ascii_digit).collect();
            let repeat = if digits.is_empty() { 1 } else { digits.parse::<usize>().unwrap() };
            let code = tform[digits.len()..].chars().next().unwrap();
            let (code, variable) = match code {
                'P' | 'Q' => (tform[digits.len() + 1..].chars().next().unwrap(), Some(code)),
                _ => (code, None),
            };
            let size = match code {
                'L' | 'B' | 'A' => 1,
                'I' => 2,
                'J' | 'E' => 4,
                _ => 8,
            };
            let element = |slice: &[u8]| -> Cell {
                let int = |v: i128| if Some(v) == null { Cell::Null } else { Cell::Int(v + zero) };
                match code {
                    'L' => match slice[0] {
                        b'T' => Cell::Bool(true),
                        b'F' => Cell::Bool(false),
                        _ => Cell::Null,
                    },
                    'B' => int(slice[0] as i128),
                    'I' => int(i16::from_be_bytes(slice.try_into().unwrap()) as i128),
                    'J' => int(i32::from_be_bytes(slice.try_into().unwrap()) as i128),
                    'K' => int(i64::from_be_bytes(slice.try_into().unwrap()) as i128),
                    'E' => Cell::Float(f32::from_be_bytes(slice.try_into().unwrap()) as f64),
                    _ => Cell::Float(f64::from_be_bytes(slice.try_into().unwrap())),
                }
            };
            let as_number = |c: Cell| match c {
                Cell::Int(i) => i as f64,
                Cell::Float(f) => f,
                _ => f64::NAN,
            };
            let cell = match (variable, code) {
                (Some(descriptor), _) => {
                    let (count, offset, used) = if descriptor == 'P' {
                        let c = i32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
                        let o = i32::from_be_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
                        (c, o, 8)
                    } else {
                        let c = i64::from_be_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
                        let o = i64::from_be_bytes(bytes[at + 8..at + 16].try_into().unwrap()) as usize;
                        (c, o, 16)
                    };
                    at += used;
                    let heap = &bytes[heap_start + offset..heap_start + offset + count * size];
                    Cell::Array(heap.chunks(size).map(|e| as_number(element(e))).collect())
                }
                (None, 'A') => {
                    let raw = &bytes[at..at + repeat];
                    at += repeat;
                    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
                    Cell::Text(String::from_utf8(raw[..end].to_vec()).unwrap())
                }
                (None, _) => {
                    let raw = &bytes[at..at + repeat * size];
                    at += repeat * size;
                    if repeat == 1 {
                        element(raw)
                    } else {
                        Cell::Array(raw.chunks(size).map(|e| as_number(element(e))).collect())
                    }
                }
            };
            column.push(cell);
        }
    }
    FitsTable { header, columns }
}

#[test]
fn fits_round_trips_every_type() {
    let (schema, batches) = two_batches();
    let info = ResultInfo {
        table_name: Some("every_type".into()),
        infos: vec![("QUERY".into(), "SELECT * FROM every_type".into(), None)],
        ..ResultInfo::default()
    };
    let bytes = encode_all(FormatKind::Fits, info, &schema, &batches, &EndStatus::Overflow).unwrap();
    let mut table = read_fits(&bytes);
    // FITS text is printable ASCII: other characters are written as `?`.
    let columns = every_type();
    let position = |name: &str| columns.iter().position(|c| c.field.name() == name).unwrap();
    let (name, unicode) = (position("name"), position("unicode"));
    assert_eq!(table.columns[name][1], Cell::Text("a, \"quoted\"?tab".into()));
    assert_eq!(table.columns[unicode][0], Cell::Text("? Centauri".into()));
    assert_eq!(table.columns[unicode][2], Cell::Text("??".into()));
    table.columns[name][1] = columns[name].expected[1].clone();
    table.columns[unicode][0] = columns[unicode].expected[0].clone();
    table.columns[unicode][2] = columns[unicode].expected[2].clone();
    assert_every_type(&table.columns, Leniency { empty_is_null: true, null_is_nan: true }, "fits");

    let h = &table.header;
    assert_eq!(h["EXTNAME"], "every_type");
    assert_eq!(h["QSTATUS"], "OVERFLOW");
    let n = position("ra") + 1;
    assert_eq!((h[&format!("TUNIT{n}")].as_str(), h[&format!("TUCD{n}")].as_str()), ("deg", "pos.eq.ra;meta.main"));
    assert_eq!(h[&format!("TCOMM{n}")], "Right ascension (ICRS)");
    assert_eq!(h[&format!("TFORM{}", position("pos") + 1)], "2D");
    assert_eq!(h[&format!("TFORM{}", position("region") + 1)], "1PD(6)");
    // A nullable unsigned column whose values fit the signed type is stored without TZERO
    // (astropy misreads TNULL with TZERO).
    let u64_column = position("u64") + 1;
    assert_eq!(h[&format!("TFORM{u64_column}")], "1K");
    assert!(!h.contains_key(&format!("TZERO{u64_column}")));
}

#[test]
fn fits_unsigned_64_bit_values_are_exact() {
    let schema = Arc::new(Schema::new(vec![Field::new("u", DataType::UInt64, true)]));
    let values = arrow_array::UInt64Array::from(vec![Some(u64::MAX), None, Some(1)]);
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(values)]).unwrap();
    let bytes = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap();
    let table = read_fits(&bytes);
    assert_eq!(table.columns[0], [Cell::Int(u64::MAX as i128), Cell::Null, Cell::Int(1)]);
    assert_eq!(
        (table.header["TZERO1"].as_str(), table.header["TNULL1"].as_str()),
        ("9223372036854775808", "-9223372036854775808")
    );

    let schema = Arc::new(Schema::new(vec![Field::new("u", DataType::UInt16, false)]));
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(UInt16Array::from(vec![0, 65535]))]).unwrap();
    let bytes = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap();
    let table = read_fits(&bytes);
    assert_eq!((table.header["TFORM1"].as_str(), table.header["TZERO1"].as_str()), ("1I", "32768"));
    assert_eq!(table.columns[0], [Cell::Int(0), Cell::Int(65535)]);
}

#[test]
fn fits_widens_integer_columns_that_use_every_value() {
    let schema = Arc::new(Schema::new(vec![Field::new("u", DataType::UInt16, true)]));
    let batch =
        RecordBatch::try_new(schema.clone(), vec![Arc::new(UInt16Array::from(vec![Some(0), Some(65535), None]))])
            .unwrap();
    let bytes = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap();
    let table = read_fits(&bytes);
    assert_eq!(table.header["TFORM1"], "1J");
    assert_eq!(table.columns[0], [Cell::Int(0), Cell::Int(65535), Cell::Null]);

    let schema = Arc::new(Schema::new(vec![Field::new("i", DataType::Int64, true)]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(Int64Array::from(vec![Some(i64::MIN), Some(i64::MAX), None]))],
    )
    .unwrap();
    let err = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap_err();
    assert!(err.to_string().contains("no TNULL is free"), "{err}");
}

#[test]
fn fits_error_ending_and_empty_result() {
    let (schema, batches) = two_batches();
    let long = "x".repeat(150);
    let bytes = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &batches, &EndStatus::Error(long.clone()))
        .unwrap();
    let table = read_fits(&bytes);
    assert_eq!((table.header["QSTATUS"].as_str(), table.header["QMESSAGE"].as_str()), ("ERROR", long.as_str()));
    assert_eq!(table.header["LONGSTRN"], "OGIP 1.0");
    let empty = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[], &EndStatus::Ok).unwrap();
    let table = read_fits(&empty);
    assert_eq!(table.header["NAXIS2"], "0");
    assert!(table.columns.iter().all(Vec::is_empty));
}

#[test]
fn fits_output_comes_in_bounded_pieces() {
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, false)]));
    let mut encoder = encoder_for(FormatKind::Fits, ResultInfo::default()).unwrap();
    let mut out = Vec::new();
    encoder.begin(&schema, &mut out).unwrap();
    for start in (0..600_000).step_by(100_000) {
        let xs: Vec<f64> = (start..start + 100_000).map(f64::from).collect();
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Float64Array::from(xs))]).unwrap();
        encoder.write_batch(&batch, &mut out).unwrap();
    }
    assert!(out.is_empty(), "FITS writes nothing before the end");
    let mut pieces = Vec::new();
    encoder
        .finish_streaming(&EndStatus::Ok, &mut |piece| {
            pieces.push(piece.to_vec());
            Ok(())
        })
        .unwrap();
    assert!(pieces.len() > 3);
    assert!(pieces.iter().all(|p| p.len() <= 2 * 1024 * 1024));
    let whole = pieces.concat();
    let table = read_fits(&whole);
    assert_eq!(table.columns[0].len(), 600_000);
    assert_eq!(table.columns[0][599_999], Cell::Float(599_999.0));
}
