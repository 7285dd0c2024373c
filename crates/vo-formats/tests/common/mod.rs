//! A result with a column of every Arrow type the query engine produces, the values each column
//! must read back as, and a comparison that knows what each format cannot distinguish.
//!
//! Shared by the integration tests and the `write_all` example (which includes this file).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, StringDictionaryBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::*;
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// A cell value as a reader should give it back, independent of the Arrow type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i128),
    /// Compared bit-for-bit except that every NaN equals every NaN.
    Float(f64),
    Text(String),
    Array(Vec<f64>),
}

impl Cell {
    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

/// What a format cannot tell apart, so a comparison must accept either.
#[derive(Debug, Clone, Copy, Default)]
pub struct Leniency {
    /// Empty strings (and empty arrays) may come back as nulls (TABLEDATA, CSV) and vice versa.
    pub empty_is_null: bool,
    /// Null floats may come back as NaN (VOTable BINARY, FITS) and null strings as empty.
    pub null_is_nan: bool,
}

fn meta(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Column name, Arrow field, array, and the cells a reader must give back.
pub struct Column {
    pub field: Field,
    pub array: ArrayRef,
    pub expected: Vec<Cell>,
}

fn column(field: Field, array: ArrayRef, expected: Vec<Cell>) -> Column {
    assert_eq!(array.len(), expected.len(), "{}", field.name());
    Column { field, array, expected }
}

/// Four rows of every type. Row 3 is mostly nulls.
pub fn every_type() -> Vec<Column> {
    use Cell::*;
    let t = Cell::text;
    let ts_field = |name: &str, unit: TimeUnit, tz: Option<&str>| {
        Field::new(name, DataType::Timestamp(unit, tz.map(Arc::from)), true)
    };
    let mut dictionary = StringDictionaryBuilder::<Int32Type>::new();
    for v in [Some("GALAXY"), Some("STAR"), Some("GALAXY"), None] {
        dictionary.append_option(v);
    }
    let mut binary = BinaryBuilder::new();
    for v in [Some(&[1u8, 2, 255][..]), Some(&[][..]), Some(&[0u8][..]), None] {
        binary.append_option(v);
    }
    let point = FixedSizeListArray::from_iter_primitive::<Float64Type, _, _>(
        vec![
            Some(vec![Some(10.5), Some(-20.25)]),
            Some(vec![Some(0.0), Some(90.0)]),
            Some(vec![Some(359.5), Some(-90.0)]),
            None,
        ],
        2,
    );
    let polygon = ListArray::from_iter_primitive::<Float64Type, _, _>(vec![
        Some(vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0), Some(6.0)]),
        Some(vec![Some(10.0), Some(10.0), Some(11.0), Some(10.0), Some(10.5), Some(11.0)]),
        Some(vec![]),
        None,
    ]);
    let ints = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1), Some(-2)]),
        Some(vec![Some(3)]),
        Some(vec![]),
        None,
    ]);
    vec![
        column(
            Field::new("id", DataType::Int64, false).with_metadata(meta(&[
                ("votable.ucd", "meta.id;meta.main"),
                ("votable.description", "Unique identifier"),
            ])),
            Arc::new(Int64Array::from(vec![1, i64::MAX, i64::MIN + 1, 0])),
            vec![Int(1), Int(i64::MAX as i128), Int(i64::MIN as i128 + 1), Int(0)],
        ),
        column(
            Field::new("ra", DataType::Float64, true).with_metadata(meta(&[
                ("votable.unit", "deg"),
                ("votable.ucd", "pos.eq.ra;meta.main"),
                ("votable.description", "Right ascension (ICRS)"),
            ])),
            Arc::new(Float64Array::from(vec![Some(10.684708333), Some(0.1), Some(359.99999999999994), None])),
            vec![Float(10.684708333), Float(0.1), Float(359.99999999999994), Null],
        ),
        column(
            Field::new("dec", DataType::Float64, true)
                .with_metadata(meta(&[("votable.unit", "deg"), ("votable.ucd", "pos.eq.dec;meta.main")])),
            Arc::new(Float64Array::from(vec![
                Some(41.26875),
                Some(f64::NAN),
                Some(f64::INFINITY),
                Some(f64::NEG_INFINITY),
            ])),
            vec![Float(41.26875), Float(f64::NAN), Float(f64::INFINITY), Float(f64::NEG_INFINITY)],
        ),
        column(
            Field::new("mag", DataType::Float32, true).with_metadata(meta(&[("votable.unit", "mag")])),
            Arc::new(Float32Array::from(vec![Some(1.5), Some(-0.25), Some(f32::NAN), None])),
            vec![Float(1.5), Float(-0.25), Float(f64::NAN), Null],
        ),
        column(
            Field::new("half", DataType::Float16, true),
            Arc::new(Float16Array::from(vec![
                Some(half::f16::from_f32(1.5)),
                Some(half::f16::from_f32(65504.0)),
                Some(half::f16::INFINITY),
                None,
            ])),
            vec![Float(1.5), Float(65504.0), Float(f64::INFINITY), Null],
        ),
        column(
            Field::new("flag", DataType::Boolean, true),
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), Some(true), None])),
            vec![Bool(true), Bool(false), Bool(true), Null],
        ),
        column(
            Field::new("i8", DataType::Int8, true),
            Arc::new(Int8Array::from(vec![Some(-128), Some(127), Some(0), None])),
            vec![Int(-128), Int(127), Int(0), Null],
        ),
        column(
            Field::new("i16", DataType::Int16, true),
            Arc::new(Int16Array::from(vec![Some(-32767), Some(32767), Some(0), None])),
            vec![Int(-32767), Int(32767), Int(0), Null],
        ),
        column(
            Field::new("i32", DataType::Int32, true),
            Arc::new(Int32Array::from(vec![Some(-2_147_483_647), Some(2_147_483_647), Some(7), None])),
            vec![Int(-2_147_483_647), Int(2_147_483_647), Int(7), Null],
        ),
        column(
            Field::new("u8", DataType::UInt8, true),
            Arc::new(UInt8Array::from(vec![Some(0), Some(254), Some(7), None])),
            vec![Int(0), Int(254), Int(7), Null],
        ),
        column(
            Field::new("u16", DataType::UInt16, true),
            Arc::new(UInt16Array::from(vec![Some(0), Some(65535), Some(7), None])),
            vec![Int(0), Int(65535), Int(7), Null],
        ),
        column(
            Field::new("u32", DataType::UInt32, true),
            Arc::new(UInt32Array::from(vec![Some(0), Some(4_294_967_295), Some(7), None])),
            vec![Int(0), Int(4_294_967_295), Int(7), Null],
        ),
        column(
            Field::new("u64", DataType::UInt64, true),
            Arc::new(UInt64Array::from(vec![Some(0), Some(i64::MAX as u64), Some(7), None])),
            vec![Int(0), Int(i64::MAX as i128), Int(7), Null],
        ),
        column(
            Field::new("name", DataType::Utf8, true).with_metadata(meta(&[("votable.ucd", "meta.id")])),
            Arc::new(StringArray::from(vec![Some("M31"), Some("a, \"quoted\"\ttab"), Some(""), None])),
            vec![t("M31"), t("a, \"quoted\"\ttab"), t(""), Null],
        ),
        column(
            Field::new("unicode", DataType::LargeUtf8, true),
            Arc::new(LargeStringArray::from(vec![
                Some("Ω Centauri"),
                Some("Messier 1 <crab> & co"),
                Some("日本"),
                None,
            ])),
            vec![t("Ω Centauri"), t("Messier 1 <crab> & co"), t("日本"), Null],
        ),
        column(
            Field::new("view", DataType::Utf8View, true),
            Arc::new(StringViewArray::from(vec![
                Some("short"),
                Some("a longer string that is not inlined"),
                None,
                Some("x"),
            ])),
            vec![t("short"), t("a longer string that is not inlined"), Null, t("x")],
        ),
        column(
            Field::new("class", DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)), true),
            Arc::new(dictionary.finish()),
            vec![t("GALAXY"), t("STAR"), t("GALAXY"), Null],
        ),
        column(
            Field::new("bytes", DataType::Binary, true),
            Arc::new(binary.finish()),
            vec![Array(vec![1.0, 2.0, 255.0]), Array(vec![]), Array(vec![0.0]), Null],
        ),
        column(
            Field::new("day", DataType::Date32, true),
            Arc::new(Date32Array::from(vec![Some(0), Some(19_675), Some(-1), None])),
            vec![t("1970-01-01"), t("2023-11-14"), t("1969-12-31"), Null],
        ),
        column(
            Field::new("day64", DataType::Date64, true),
            Arc::new(Date64Array::from(vec![Some(0), Some(1_699_920_000_000), None, Some(86_400_000)])),
            vec![t("1970-01-01"), t("2023-11-14"), Null, t("1970-01-02")],
        ),
        column(
            ts_field("obs_time", TimeUnit::Microsecond, Some("UTC")),
            Arc::new(
                TimestampMicrosecondArray::from(vec![Some(1_700_000_000_123_400), Some(0), Some(-1_000_000), None])
                    .with_timezone("UTC"),
            ),
            vec![t("2023-11-14T22:13:20.1234"), t("1970-01-01T00:00:00"), t("1969-12-31T23:59:59"), Null],
        ),
        column(
            ts_field("ts_ns", TimeUnit::Nanosecond, None),
            Arc::new(TimestampNanosecondArray::from(vec![Some(1), None, Some(1_500_000_000), Some(0)])),
            vec![t("1970-01-01T00:00:00.000000001"), Null, t("1970-01-01T00:00:01.5"), t("1970-01-01T00:00:00")],
        ),
        column(
            ts_field("ts_s", TimeUnit::Second, Some("+02:00")),
            Arc::new(
                TimestampSecondArray::from(vec![Some(86_399), Some(951_782_400), None, Some(0)])
                    .with_timezone("+02:00"),
            ),
            vec![t("1970-01-01T23:59:59"), t("2000-02-29T00:00:00"), Null, t("1970-01-01T00:00:00")],
        ),
        column(
            Field::new("price", DataType::Decimal128(10, 3), true),
            Arc::new(
                Decimal128Array::from(vec![Some(1250), Some(-5), Some(123_456_789), None])
                    .with_precision_and_scale(10, 3)
                    .unwrap(),
            ),
            vec![Float(1.25), Float(-0.005), Float(123456.789), Null],
        ),
        column(
            Field::new("pos", point.data_type().clone(), true).with_metadata(meta(&[
                ("votable.xtype", "point"),
                ("votable.unit", "deg"),
                ("votable.ucd", "pos.eq"),
            ])),
            Arc::new(point),
            vec![Array(vec![10.5, -20.25]), Array(vec![0.0, 90.0]), Array(vec![359.5, -90.0]), Null],
        ),
        column(
            Field::new("region", polygon.data_type().clone(), true)
                .with_metadata(meta(&[("votable.xtype", "polygon"), ("votable.unit", "deg")])),
            Arc::new(polygon),
            vec![
                Array(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
                Array(vec![10.0, 10.0, 11.0, 10.0, 10.5, 11.0]),
                Array(vec![]),
                Null,
            ],
        ),
        column(
            Field::new("counts", ints.data_type().clone(), true),
            Arc::new(ints),
            vec![Array(vec![1.0, -2.0]), Array(vec![3.0]), Array(vec![]), Null],
        ),
        column(Field::new("nothing", DataType::Null, true), Arc::new(NullArray::new(4)), vec![Null, Null, Null, Null]),
    ]
}

/// The schema and one batch of [`every_type`].
pub fn every_type_batch() -> (SchemaRef, RecordBatch) {
    let columns = every_type();
    let schema = Arc::new(Schema::new(columns.iter().map(|c| c.field.clone()).collect::<Vec<_>>()));
    let batch = RecordBatch::try_new(schema.clone(), columns.into_iter().map(|c| c.array).collect()).unwrap();
    (schema, batch)
}

/// The cells of an array as readers produce them (numbers, strings, booleans, lists of numbers).
pub fn cells_of(array: &dyn Array) -> Vec<Cell> {
    let nulls = array.logical_nulls();
    (0..array.len())
        .map(|row| if nulls.as_ref().is_some_and(|n| n.is_null(row)) { Cell::Null } else { cell_at(array, row) })
        .collect()
}

fn numbers(array: &dyn Array) -> Vec<f64> {
    cells_of(array)
        .into_iter()
        .map(|c| match c {
            Cell::Int(i) => i as f64,
            Cell::Float(f) => f,
            Cell::Null => f64::NAN,
            other => panic!("array element {other:?} is not a number"),
        })
        .collect()
}

fn cell_at(array: &dyn Array, row: usize) -> Cell {
    match array.data_type() {
        DataType::Boolean => Cell::Bool(array.as_boolean().value(row)),
        DataType::Int8 => Cell::Int(array.as_primitive::<Int8Type>().value(row) as i128),
        DataType::Int16 => Cell::Int(array.as_primitive::<Int16Type>().value(row) as i128),
        DataType::Int32 => Cell::Int(array.as_primitive::<Int32Type>().value(row) as i128),
        DataType::Int64 => Cell::Int(array.as_primitive::<Int64Type>().value(row) as i128),
        DataType::UInt8 => Cell::Int(array.as_primitive::<UInt8Type>().value(row) as i128),
        DataType::UInt16 => Cell::Int(array.as_primitive::<UInt16Type>().value(row) as i128),
        DataType::UInt32 => Cell::Int(array.as_primitive::<UInt32Type>().value(row) as i128),
        DataType::UInt64 => Cell::Int(array.as_primitive::<UInt64Type>().value(row) as i128),
        DataType::Float32 => Cell::Float(array.as_primitive::<Float32Type>().value(row) as f64),
        DataType::Float64 => Cell::Float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => Cell::text(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Cell::text(array.as_string::<i64>().value(row)),
        DataType::Utf8View => Cell::text(array.as_string_view().value(row)),
        DataType::Binary => Cell::Array(array.as_binary::<i32>().value(row).iter().map(|&b| b as f64).collect()),
        DataType::FixedSizeList(..) => Cell::Array(numbers(array.as_fixed_size_list().value(row).as_ref())),
        DataType::List(_) => Cell::Array(numbers(array.as_list::<i32>().value(row).as_ref())),
        DataType::LargeList(_) => Cell::Array(numbers(array.as_list::<i64>().value(row).as_ref())),
        other => panic!("a reader gave an unexpected type {other}"),
    }
}

fn same_float(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

/// Whether `actual` is an acceptable reading of `expected` under `leniency`.
pub fn same_cell(expected: &Cell, actual: &Cell, leniency: Leniency) -> bool {
    // A fixed-size array cannot be empty: formats without null flags fill a null one with NaN.
    let empty = |c: &Cell| {
        matches!(c, Cell::Text(s) if s.is_empty()) || matches!(c, Cell::Array(a) if a.iter().all(|x| x.is_nan()))
    };
    if expected == actual {
        return true;
    }
    match (expected, actual) {
        (Cell::Float(a), Cell::Float(b)) => same_float(*a, *b),
        (Cell::Float(a), Cell::Int(b)) => *a == *b as f64,
        (Cell::Array(a), Cell::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_float(*x, *y)),
        (Cell::Null, Cell::Float(b)) if leniency.null_is_nan => b.is_nan(),
        (Cell::Null, other) | (other, Cell::Null) if leniency.empty_is_null || leniency.null_is_nan => empty(other),
        (a, b) => a == b,
    }
}

/// Panics with every mismatch of `actual` (columns in order) against [`every_type`].
pub fn assert_every_type(actual: &[Vec<Cell>], leniency: Leniency, format: &str) {
    let columns = every_type();
    assert_eq!(actual.len(), columns.len(), "{format}: column count");
    let mut problems = Vec::new();
    for (column, cells) in columns.iter().zip(actual) {
        assert_eq!(cells.len(), column.expected.len(), "{format}: row count of {}", column.field.name());
        for (row, (want, got)) in column.expected.iter().zip(cells).enumerate() {
            if !same_cell(want, got, leniency) {
                problems.push(format!("{} row {row}: expected {want:?}, got {got:?}", column.field.name()));
            }
        }
    }
    assert!(problems.is_empty(), "{format}:\n{}", problems.join("\n"));
}
