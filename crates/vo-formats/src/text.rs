//! Any Arrow column, cell by cell, as text or as a JSON value: the shared core of the CSV, TSV
//! and JSON encoders.
//!
//! | Arrow | text | JSON |
//! |---|---|---|
//! | integers (all widths, signed and unsigned) | exact decimal digits | number |
//! | `Float16/32/64` | shortest round-trip form (ryu); `NaN`, `Infinity`, `-Infinity` | number; non-finite → `null` |
//! | `Decimal*` | exact decimal text (`123.450`) | number |
//! | `Boolean` | `true` / `false` | `true` / `false` |
//! | strings, dictionaries of strings | the text | string |
//! | `Timestamp` (any unit and zone), `Date32/64` | ISO 8601 UTC `YYYY-MM-DDThh:mm:ss[.fff]` | string |
//! | `Time32/64` | `hh:mm:ss[.fff]` | string |
//! | `Binary`, `FixedSizeBinary` | the bytes as numbers, space-separated | array of numbers |
//! | `List`, `LargeList`, `FixedSizeList` of the above | elements space-separated (null element: `NaN`) | array |
//! | `Null` | (every cell null) | `null` |
//!
//! Other types (structs, maps, intervals, durations, nested lists) give
//! [`FormatError::UnsupportedType`] when the column is prepared, before anything is written.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, BooleanArray, FixedSizeBinaryArray, LargeBinaryArray,
    LargeStringArray, PrimitiveArray, StringArray, StringViewArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};

use crate::error::FormatError;
use crate::iso;

/// What a cell looks like, which decides quoting in CSV and the JSON value kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// Digits, sign, point, exponent: never needs quoting.
    Number,
    /// `true` / `false`.
    Boolean,
    /// Free text (strings, ISO dates): may need quoting or escaping.
    Text,
    /// Space-separated elements.
    Array,
}

/// The element positions of one list cell.
enum ListOffsets {
    Small(OffsetBuffer<i32>),
    Large(OffsetBuffer<i64>),
    Fixed(usize),
}

impl ListOffsets {
    fn range(&self, row: usize) -> std::ops::Range<usize> {
        match self {
            ListOffsets::Small(o) => o[row] as usize..o[row + 1] as usize,
            ListOffsets::Large(o) => o[row] as usize..o[row + 1] as usize,
            ListOffsets::Fixed(n) => row * n..(row + 1) * n,
        }
    }
}

enum Values {
    Null,
    Boolean(BooleanArray),
    Int8(ScalarBuffer<i8>),
    Int16(ScalarBuffer<i16>),
    Int32(ScalarBuffer<i32>),
    Int64(ScalarBuffer<i64>),
    UInt8(ScalarBuffer<u8>),
    UInt16(ScalarBuffer<u16>),
    UInt32(ScalarBuffer<u32>),
    UInt64(ScalarBuffer<u64>),
    Float16(PrimitiveArray<Float16Type>),
    Float32(ScalarBuffer<f32>),
    Float64(ScalarBuffer<f64>),
    Decimal32(PrimitiveArray<Decimal32Type>, u8, i8),
    Decimal64(PrimitiveArray<Decimal64Type>, u8, i8),
    Decimal128(PrimitiveArray<Decimal128Type>, u8, i8),
    Decimal256(PrimitiveArray<Decimal256Type>, u8, i8),
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    Utf8View(StringViewArray),
    Binary(BinaryArray),
    LargeBinary(LargeBinaryArray),
    BinaryView(BinaryViewArray),
    FixedSizeBinary(FixedSizeBinaryArray),
    /// Ticks since the epoch, ticks per second, fraction digits.
    Timestamp(ScalarBuffer<i64>, i64, usize),
    Date32(ScalarBuffer<i32>),
    Date64(ScalarBuffer<i64>),
    /// Ticks since midnight, ticks per second, fraction digits.
    Time(Vec<i64>, i64, usize),
    List(ListOffsets, Box<TextColumn>),
    /// Normalised keys into the dictionary values.
    Dictionary(Vec<usize>, Box<TextColumn>),
}

/// One column of a batch, ready to be written cell by cell.
pub(crate) struct TextColumn {
    values: Values,
    nulls: Option<NullBuffer>,
}

impl TextColumn {
    /// Prepares `array` (column `name`, for error messages) for writing.
    pub(crate) fn new(name: &str, array: &ArrayRef) -> Result<TextColumn, FormatError> {
        Self::prepare(name, array.as_ref(), false)
    }

    fn prepare(name: &str, array: &dyn Array, nested: bool) -> Result<TextColumn, FormatError> {
        let nulls = array.logical_nulls();
        let values = match array.data_type() {
            DataType::Null => Values::Null,
            DataType::Boolean => Values::Boolean(array.as_boolean().clone()),
            DataType::Int8 => Values::Int8(array.as_primitive::<Int8Type>().values().clone()),
            DataType::Int16 => Values::Int16(array.as_primitive::<Int16Type>().values().clone()),
            DataType::Int32 => Values::Int32(array.as_primitive::<Int32Type>().values().clone()),
            DataType::Int64 => Values::Int64(array.as_primitive::<Int64Type>().values().clone()),
            DataType::UInt8 => Values::UInt8(array.as_primitive::<UInt8Type>().values().clone()),
            DataType::UInt16 => Values::UInt16(array.as_primitive::<UInt16Type>().values().clone()),
            DataType::UInt32 => Values::UInt32(array.as_primitive::<UInt32Type>().values().clone()),
            DataType::UInt64 => Values::UInt64(array.as_primitive::<UInt64Type>().values().clone()),
            DataType::Float16 => Values::Float16(array.as_primitive::<Float16Type>().clone()),
            DataType::Float32 => Values::Float32(array.as_primitive::<Float32Type>().values().clone()),
            DataType::Float64 => Values::Float64(array.as_primitive::<Float64Type>().values().clone()),
            DataType::Decimal32(p, s) => Values::Decimal32(array.as_primitive().clone(), *p, *s),
            DataType::Decimal64(p, s) => Values::Decimal64(array.as_primitive().clone(), *p, *s),
            DataType::Decimal128(p, s) => Values::Decimal128(array.as_primitive().clone(), *p, *s),
            DataType::Decimal256(p, s) => Values::Decimal256(array.as_primitive().clone(), *p, *s),
            DataType::Utf8 => Values::Utf8(array.as_string::<i32>().clone()),
            DataType::LargeUtf8 => Values::LargeUtf8(array.as_string::<i64>().clone()),
            DataType::Utf8View => Values::Utf8View(array.as_string_view().clone()),
            DataType::Binary => Values::Binary(array.as_binary::<i32>().clone()),
            DataType::LargeBinary => Values::LargeBinary(array.as_binary::<i64>().clone()),
            DataType::BinaryView => Values::BinaryView(array.as_binary_view().clone()),
            DataType::FixedSizeBinary(_) => Values::FixedSizeBinary(array.as_fixed_size_binary().clone()),
            DataType::Timestamp(unit, _) => {
                let ticks = match unit {
                    TimeUnit::Second => array.as_primitive::<TimestampSecondType>().values().clone(),
                    TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().values().clone(),
                    TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().values().clone(),
                    TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().values().clone(),
                };
                let (per_second, digits) = iso::unit_scale(*unit);
                Values::Timestamp(ticks, per_second, digits)
            }
            DataType::Date32 => Values::Date32(array.as_primitive::<Date32Type>().values().clone()),
            DataType::Date64 => Values::Date64(array.as_primitive::<Date64Type>().values().clone()),
            DataType::Time32(unit) | DataType::Time64(unit) => {
                let ticks: Vec<i64> = match array.data_type() {
                    DataType::Time32(TimeUnit::Second) => {
                        array.as_primitive::<Time32SecondType>().values().iter().map(|&v| v as i64).collect()
                    }
                    DataType::Time32(_) => {
                        array.as_primitive::<Time32MillisecondType>().values().iter().map(|&v| v as i64).collect()
                    }
                    DataType::Time64(TimeUnit::Microsecond) => {
                        array.as_primitive::<Time64MicrosecondType>().values().to_vec()
                    }
                    _ => array.as_primitive::<Time64NanosecondType>().values().to_vec(),
                };
                let (per_second, digits) = iso::unit_scale(*unit);
                Values::Time(ticks, per_second, digits)
            }
            DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) if !nested => {
                let (offsets, items) = match array.data_type() {
                    DataType::List(_) => {
                        let list = array.as_list::<i32>();
                        (ListOffsets::Small(list.offsets().clone()), list.values().clone())
                    }
                    DataType::LargeList(_) => {
                        let list = array.as_list::<i64>();
                        (ListOffsets::Large(list.offsets().clone()), list.values().clone())
                    }
                    _ => {
                        let list = array.as_fixed_size_list();
                        (ListOffsets::Fixed(list.value_length() as usize), list.values().clone())
                    }
                };
                let items = Self::prepare(name, items.as_ref(), true)?;
                if matches!(items.kind(), CellKind::Text | CellKind::Array) {
                    return Err(unsupported(name, array.data_type()));
                }
                Values::List(offsets, Box::new(items))
            }
            DataType::Dictionary(..) => {
                let dictionary = array.as_any_dictionary();
                // `normalized_keys` refuses an empty dictionary; then every key is null anyway.
                let keys =
                    if dictionary.values().is_empty() { vec![0; array.len()] } else { dictionary.normalized_keys() };
                Values::Dictionary(keys, Box::new(Self::prepare(name, dictionary.values().as_ref(), nested)?))
            }
            other => return Err(unsupported(name, other)),
        };
        Ok(TextColumn { values, nulls })
    }

    /// How cells of this column look.
    pub(crate) fn kind(&self) -> CellKind {
        match &self.values {
            Values::Boolean(_) => CellKind::Boolean,
            Values::Null
            | Values::Utf8(_)
            | Values::LargeUtf8(_)
            | Values::Utf8View(_)
            | Values::Timestamp(..)
            | Values::Date32(_)
            | Values::Date64(_)
            | Values::Time(..) => CellKind::Text,
            Values::Binary(_)
            | Values::LargeBinary(_)
            | Values::BinaryView(_)
            | Values::FixedSizeBinary(_)
            | Values::List(..) => CellKind::Array,
            Values::Dictionary(_, values) => values.kind(),
            _ => CellKind::Number,
        }
    }

    /// Whether the cell in `row` is null.
    #[inline]
    pub(crate) fn is_null(&self, row: usize) -> bool {
        self.nulls.as_ref().is_some_and(|n| n.is_null(row))
    }

    /// The text of a string cell without copying, or `None` for columns that are not strings.
    #[inline]
    pub(crate) fn str_value(&self, row: usize) -> Option<&str> {
        match &self.values {
            Values::Utf8(a) => Some(a.value(row)),
            Values::LargeUtf8(a) => Some(a.value(row)),
            Values::Utf8View(a) => Some(a.value(row)),
            Values::Dictionary(keys, values) => values.str_value(keys[row]),
            _ => None,
        }
    }

    /// Appends the text of a non-null cell (see the module table).
    pub(crate) fn write_text(&self, row: usize, out: &mut Vec<u8>) {
        match &self.values {
            Values::List(offsets, items) => {
                for (i, element) in offsets.range(row).enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    if items.is_null(element) {
                        out.extend_from_slice(b"NaN");
                    } else {
                        items.write_text(element, out);
                    }
                }
            }
            Values::Binary(_) | Values::LargeBinary(_) | Values::BinaryView(_) | Values::FixedSizeBinary(_) => {
                let mut buffer = itoa::Buffer::new();
                for (i, byte) in self.bytes(row).iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    out.extend_from_slice(buffer.format(*byte).as_bytes());
                }
            }
            _ => self.write_scalar(row, out, false),
        }
    }

    /// Appends the cell as a JSON value (`null` for null cells and non-finite floats).
    pub(crate) fn write_json(&self, row: usize, out: &mut Vec<u8>) {
        if self.is_null(row) {
            out.extend_from_slice(b"null");
            return;
        }
        match &self.values {
            Values::List(offsets, items) => {
                out.push(b'[');
                for (i, element) in offsets.range(row).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    items.write_json(element, out);
                }
                out.push(b']');
            }
            Values::Binary(_) | Values::LargeBinary(_) | Values::BinaryView(_) | Values::FixedSizeBinary(_) => {
                out.push(b'[');
                let mut buffer = itoa::Buffer::new();
                for (i, byte) in self.bytes(row).iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(buffer.format(*byte).as_bytes());
                }
                out.push(b']');
            }
            Values::Dictionary(keys, values) => values.write_json(keys[row], out),
            _ => match self.kind() {
                CellKind::Text => {
                    if let Some(text) = self.str_value(row) {
                        write_json_string(out, text);
                    } else {
                        // Dates and times are ASCII without quotes or backslashes.
                        out.push(b'"');
                        self.write_scalar(row, out, true);
                        out.push(b'"');
                    }
                }
                _ => self.write_scalar(row, out, true),
            },
        }
    }

    fn bytes(&self, row: usize) -> &[u8] {
        match &self.values {
            Values::Binary(a) => a.value(row),
            Values::LargeBinary(a) => a.value(row),
            Values::BinaryView(a) => a.value(row),
            Values::FixedSizeBinary(a) => a.value(row),
            _ => &[],
        }
    }

    /// Writes a scalar cell; `json` selects `null` instead of `NaN`/`Infinity` for floats.
    fn write_scalar(&self, row: usize, out: &mut Vec<u8>, json: bool) {
        let mut ints = itoa::Buffer::new();
        let int = |out: &mut Vec<u8>, text: &str| out.extend_from_slice(text.as_bytes());
        match &self.values {
            Values::Null => {}
            Values::Boolean(a) => out.extend_from_slice(if a.value(row) { b"true" } else { b"false" }),
            Values::Int8(v) => int(out, ints.format(v[row])),
            Values::Int16(v) => int(out, ints.format(v[row])),
            Values::Int32(v) => int(out, ints.format(v[row])),
            Values::Int64(v) => int(out, ints.format(v[row])),
            Values::UInt8(v) => int(out, ints.format(v[row])),
            Values::UInt16(v) => int(out, ints.format(v[row])),
            Values::UInt32(v) => int(out, ints.format(v[row])),
            Values::UInt64(v) => int(out, ints.format(v[row])),
            Values::Float16(a) => write_f32(out, a.value(row).to_f32(), json),
            Values::Float32(v) => write_f32(out, v[row], json),
            Values::Float64(v) => write_f64(out, v[row], json),
            Values::Decimal32(a, p, s) => {
                out.extend_from_slice(Decimal32Type::format_decimal(a.value(row), *p, *s).as_bytes())
            }
            Values::Decimal64(a, p, s) => {
                out.extend_from_slice(Decimal64Type::format_decimal(a.value(row), *p, *s).as_bytes())
            }
            Values::Decimal128(a, p, s) => {
                out.extend_from_slice(Decimal128Type::format_decimal(a.value(row), *p, *s).as_bytes())
            }
            Values::Decimal256(a, p, s) => {
                out.extend_from_slice(Decimal256Type::format_decimal(a.value(row), *p, *s).as_bytes())
            }
            Values::Utf8(a) => out.extend_from_slice(a.value(row).as_bytes()),
            Values::LargeUtf8(a) => out.extend_from_slice(a.value(row).as_bytes()),
            Values::Utf8View(a) => out.extend_from_slice(a.value(row).as_bytes()),
            Values::Timestamp(v, per_second, digits) => iso::write_timestamp(out, v[row], *per_second, *digits),
            Values::Date32(v) => iso::write_date(out, v[row] as i64),
            Values::Date64(v) => iso::write_date(out, v[row].div_euclid(86_400_000)),
            Values::Time(v, per_second, digits) => iso::write_time_of_day(out, v[row], *per_second, *digits),
            Values::Dictionary(keys, values) => values.write_scalar(keys[row], out, json),
            Values::List(..)
            | Values::Binary(_)
            | Values::LargeBinary(_)
            | Values::BinaryView(_)
            | Values::FixedSizeBinary(_) => self.write_text(row, out),
        }
    }
}

/// The text of every cell of `array` as a string column (nulls stay null).
pub(crate) fn string_array(name: &str, array: &ArrayRef) -> Result<ArrayRef, FormatError> {
    let column = TextColumn::new(name, array)?;
    let mut text = Vec::new();
    let strings: StringArray = (0..array.len())
        .map(|row| {
            (!column.is_null(row)).then(|| {
                text.clear();
                column.write_text(row, &mut text);
                String::from_utf8_lossy(&text).into_owned()
            })
        })
        .collect();
    Ok(std::sync::Arc::new(strings))
}

fn unsupported(name: &str, data_type: &DataType) -> FormatError {
    FormatError::unsupported(name, format!("Arrow type {data_type} cannot be written as a table cell"))
}

/// Shortest text that reads back to the same `f64`; non-finite values as `NaN`, `Infinity`,
/// `-Infinity` (Java, Python and Rust parse these), or `null` in JSON.
pub(crate) fn write_f64(out: &mut Vec<u8>, value: f64, json: bool) {
    if value.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(value).as_bytes());
    } else {
        write_non_finite(out, value.is_nan(), value > 0.0, json);
    }
}

/// Like [`write_f64`] with the shortest text that reads back to the same `f32`.
pub(crate) fn write_f32(out: &mut Vec<u8>, value: f32, json: bool) {
    if value.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(value).as_bytes());
    } else {
        write_non_finite(out, value.is_nan(), value > 0.0, json);
    }
}

fn write_non_finite(out: &mut Vec<u8>, nan: bool, positive: bool, json: bool) {
    out.extend_from_slice(match (json, nan, positive) {
        (true, ..) => b"null".as_slice(),
        (false, true, _) => b"NaN",
        (false, false, true) => b"Infinity",
        (false, false, false) => b"-Infinity",
    });
}

/// Appends `text` as a JSON string literal.
pub(crate) fn write_json_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow_array::{DictionaryArray, Float64Array, ListArray, UInt64Array};

    fn texts(array: ArrayRef) -> Vec<Option<String>> {
        let column = TextColumn::new("c", &array).unwrap();
        (0..array.len())
            .map(|row| {
                (!column.is_null(row)).then(|| {
                    let mut out = Vec::new();
                    column.write_text(row, &mut out);
                    String::from_utf8(out).unwrap()
                })
            })
            .collect()
    }

    fn jsons(array: ArrayRef) -> Vec<String> {
        let column = TextColumn::new("c", &array).unwrap();
        (0..array.len())
            .map(|row| {
                let mut out = Vec::new();
                column.write_json(row, &mut out);
                String::from_utf8(out).unwrap()
            })
            .collect()
    }

    #[test]
    fn floats_round_trip_and_non_finite_values() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![0.1, 1e300, f64::NAN, f64::INFINITY, -f64::INFINITY]));
        let t: Vec<String> = texts(a.clone()).into_iter().map(Option::unwrap).collect();
        assert_eq!(t, ["0.1", "1e300", "NaN", "Infinity", "-Infinity"]);
        assert_eq!(jsons(a), ["0.1", "1e300", "null", "null", "null"]);
    }

    #[test]
    fn unsigned_64_bit_integers_are_exact() {
        let a: ArrayRef = Arc::new(UInt64Array::from(vec![Some(u64::MAX), None]));
        assert_eq!(texts(a.clone()), [Some("18446744073709551615".to_string()), None]);
        assert_eq!(jsons(a), ["18446744073709551615", "null"]);
    }

    #[test]
    fn lists_and_dictionaries() {
        let list: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), None, Some(3)]),
            None,
            Some(vec![]),
        ]));
        assert_eq!(texts(list.clone()), [Some("1 NaN 3".to_string()), None, Some(String::new())]);
        assert_eq!(jsons(list), ["[1,null,3]", "null", "[]"]);
        let dict: DictionaryArray<Int32Type> = vec![Some("a\"b"), None, Some("c")].into_iter().collect();
        let dict: ArrayRef = Arc::new(dict);
        assert_eq!(jsons(dict.clone()), [r#""a\"b""#, "null", r#""c""#]);
        assert_eq!(TextColumn::new("d", &dict).unwrap().kind(), CellKind::Text);
    }

    #[test]
    fn nested_lists_and_structs_are_refused() {
        let nested = DataType::new_list(DataType::new_list(DataType::Int32, true), true);
        let a = arrow_array::new_empty_array(&nested);
        assert!(matches!(TextColumn::new("n", &a), Err(FormatError::UnsupportedType { .. })));
        let s = arrow_array::new_empty_array(&DataType::Struct(arrow_schema::Fields::empty()));
        let err = TextColumn::new("s", &s).err().unwrap();
        assert!(err.to_string().starts_with("column s: Arrow type Struct"), "{err}");
    }

    #[test]
    fn json_strings_escape_control_characters() {
        let mut out = Vec::new();
        write_json_string(&mut out, "a\u{1}b\n\"é");
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\u0001b\\n\\\"é\"");
    }
}
