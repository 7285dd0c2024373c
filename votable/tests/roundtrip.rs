//! Every datatype × arraysize × serialization written by the writer and read back by the reader.

#[path = "../examples/common/matrix.rs"]
mod matrix;

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use vo_votable::model::{Datatype, Info};
use vo_votable::reader::VotableReader;
use vo_votable::writer::{Serialization, Value, VotableWriter, declare_binary_nulls, results_document};

const SERIALIZATIONS: [Serialization; 3] = [Serialization::TableData, Serialization::Binary, Serialization::Binary2];

/// One cell of a canonical Arrow array as a `Value`.
fn cell(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::UInt8 => Value::Int(array.as_primitive::<UInt8Type>().value(row) as i64),
        DataType::Int16 => Value::Int(array.as_primitive::<Int16Type>().value(row) as i64),
        DataType::Int32 => Value::Int(array.as_primitive::<Int32Type>().value(row) as i64),
        DataType::Int64 => Value::Int(array.as_primitive::<Int64Type>().value(row)),
        DataType::Float32 => Value::Float(array.as_primitive::<Float32Type>().value(row) as f64),
        DataType::Float64 => Value::Float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => Value::Text(array.as_string::<i32>().value(row).to_string()),
        DataType::FixedSizeList(..) => {
            let items = array.as_fixed_size_list().value(row);
            Value::Array((0..items.len()).map(|i| cell(items.as_ref(), i)).collect())
        }
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(row);
            Value::Array((0..items.len()).map(|i| cell(items.as_ref(), i)).collect())
        }
        other => panic!("unexpected Arrow type {other}"),
    }
}

/// `true` when `got` is what reading `expected` back may give in `serialization`.
fn equivalent(expected: &Value, got: &Value, datatype: Datatype, serialization: Serialization) -> bool {
    let nan = |v: &Value| matches!(v, Value::Float(f) if f.is_nan());
    let nullish = |v: &Value| match v {
        Value::Null => true,
        Value::Float(f) => f.is_nan(),
        Value::Array(items) => items
            .iter()
            .all(|i| matches!(i, Value::Null) || nan(i) || datatype == Datatype::Bit && *i == Value::Bool(false)),
        Value::Text(t) => t.is_empty() && serialization != Serialization::Binary2,
        Value::Bool(false) => datatype == Datatype::Bit && serialization != Serialization::Binary2,
        _ => false,
    };
    match (expected, got) {
        (Value::Null, g) => nullish(g) || (datatype.is_character() && serialization != Serialization::Binary2),
        (Value::Float(e), Value::Float(g)) if e.is_nan() => g.is_nan(),
        (Value::Float(e), Value::Null) if e.is_nan() => true,
        (Value::Float(e), Value::Float(g)) => {
            if matches!(datatype, Datatype::Float | Datatype::FloatComplex) {
                (*e as f32) == (*g as f32)
            } else {
                e == g
            }
        }
        (Value::Text(e), Value::Null) => e.is_empty() && serialization == Serialization::TableData,
        (Value::Array(e), Value::Null) => e.is_empty() && serialization == Serialization::TableData,
        (Value::Array(e), Value::Array(g)) => {
            e.len() == g.len() && e.iter().zip(g).all(|(e, g)| equivalent(e, g, datatype, serialization))
        }
        (e, g) => e == g,
    }
}

fn write_case(case: &matrix::Case, serialization: Serialization) -> Vec<u8> {
    let mut fields = vec![case.field.clone()];
    if serialization == Serialization::Binary {
        declare_binary_nulls(&mut fields);
    }
    let mut writer = VotableWriter::new(Vec::new(), results_document(fields), serialization).unwrap();
    for value in &case.rows {
        writer.write_row(std::slice::from_ref(value)).unwrap();
    }
    writer.finish(&[Info::new("QUERY_STATUS", "OVERFLOW")]).unwrap()
}

/// Reads the first column, in batches of 4 rows so batch boundaries fall inside the data.
fn read_cells(bytes: &[u8]) -> Vec<Value> {
    let mut reader = VotableReader::new(bytes).unwrap().with_batch_size(4);
    let batches: Vec<RecordBatch> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(reader.trailing_infos()[0].value, "OVERFLOW");
    batches.iter().flat_map(|b| (0..b.num_rows()).map(|row| cell(b.column(0).as_ref(), row))).collect()
}

/// Reads the first column as one array.
fn read_column(bytes: &[u8]) -> ArrayRef {
    let batches: Vec<RecordBatch> = VotableReader::new(bytes).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(batches.len(), 1);
    batches[0].column(0).clone()
}

#[test]
fn every_datatype_and_arraysize_round_trips_in_every_serialization() {
    let mut checked = 0;
    for case in matrix::cases() {
        for serialization in SERIALIZATIONS {
            let bytes = write_case(&case, serialization);
            let cells = read_cells(&bytes);
            assert_eq!(cells.len(), case.rows.len(), "{} {:?}", case.id, serialization);
            for (row, (expected, got)) in case.rows.iter().zip(&cells).enumerate() {
                assert!(
                    equivalent(expected, got, case.field.datatype, serialization),
                    "{} {:?} row {row}: wrote {expected:?}, read {got:?}",
                    case.id,
                    serialization
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 900, "{checked}");
}

#[test]
fn binary2_is_lossless_for_arrow() {
    for case in matrix::cases() {
        let first = read_column(&write_case(&case, Serialization::Binary2));
        let schema =
            Arc::new(arrow_schema::Schema::new(vec![vo_votable::convert::field_to_arrow(&case.field).unwrap()]));
        let batch = RecordBatch::try_new(schema.clone(), vec![first.clone()]).unwrap();
        let mut writer = VotableWriter::for_schema(Vec::new(), &schema, Serialization::Binary2).unwrap();
        writer.write_batch(&batch).unwrap();
        let bytes = writer.finish(&[Info::new("QUERY_STATUS", "OVERFLOW")]).unwrap();
        let again = read_column(&bytes);
        assert_eq!(again.to_data(), first.to_data(), "{}", case.id);
    }
}

#[test]
fn tabledata_reads_the_same_whatever_the_input_buffer_size() {
    // Small buffers split rows and cells at every possible place, exercising the switch between
    // the fast row scanner and the event parser.
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for case in matrix::cases().into_iter().filter(|c| !matrix::disputed(&c.id)) {
        fields.push(case.field);
        columns.push(case.rows);
    }
    let mut writer = VotableWriter::new(Vec::new(), results_document(fields), Serialization::TableData).unwrap();
    for _ in 0..20 {
        for row in 0..matrix::ROWS {
            let values: Vec<Value> = columns.iter().map(|c| c[row].clone()).collect();
            writer.write_row(&values).unwrap();
        }
    }
    let bytes = writer.finish(&[]).unwrap();
    let reference: Vec<RecordBatch> = VotableReader::new(&bytes[..]).unwrap().collect::<Result<_, _>>().unwrap();
    for capacity in [1, 7, 64, 333, 4096] {
        let input = std::io::BufReader::with_capacity(capacity, &bytes[..]);
        let batches: Vec<RecordBatch> = VotableReader::new(input).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(batches, reference, "buffer capacity {capacity}");
    }
}
