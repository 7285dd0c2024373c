//! Bringing an Arrow column into one of the layouts the encoders understand.
//!
//! The encoders handle, per FIELD kind: strings (`Utf8`, `LargeUtf8`, `Utf8View`), `Boolean`, the
//! exact primitive type of the datatype, and lists (`FixedSizeList`, `List`, `LargeList`, plus the
//! binary types for `unsignedByte`) of those. Everything else (other integer widths, decimals,
//! dictionaries, timestamps, ...) is converted here, once per batch. Conversions never lose data
//! silently: an integer that does not fit the declared datatype is an error.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, BooleanArray, FixedSizeListArray, LargeListArray, ListArray, PrimitiveArray,
    StringArray, new_null_array,
};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field as ArrowField, TimeUnit};

use crate::convert::{arrow_type, element_arrow_type};
use crate::error::{Error, Result};
use crate::model::{Datatype, Field};

/// Returns `array` itself when the encoders accept it for `field`, or a converted copy.
pub(crate) fn conform(array: &ArrayRef, field: &Field) -> Result<ArrayRef> {
    if let DataType::Dictionary(..) = array.data_type() {
        return conform(&materialize_dictionary(array, field)?, field);
    }
    if array.data_type() == &DataType::Null {
        return Ok(new_null_array(&arrow_type(field)?, array.len()));
    }
    if field.datatype.is_character() {
        return to_strings(array, field);
    }
    let is_scalar = field.arraysize.is_none() && !field.datatype.is_complex();
    let element = element_arrow_type(field.datatype);
    if is_scalar {
        return if array.data_type() == &element {
            Ok(array.clone())
        } else if element == DataType::Boolean {
            Err(mismatch(field, array.data_type()))
        } else {
            convert_numbers(array.as_ref(), &element, field)
        };
    }
    match array.data_type() {
        DataType::Binary | DataType::LargeBinary | DataType::FixedSizeBinary(_)
            if field.datatype == Datatype::UnsignedByte =>
        {
            Ok(array.clone())
        }
        DataType::FixedSizeList(item, size) => {
            if item.data_type() == &element {
                return Ok(array.clone());
            }
            let list = array.as_fixed_size_list();
            let values = conform_elements(list.values(), &element, field)?;
            let item = Arc::new(ArrowField::new("item", element, true));
            Ok(Arc::new(FixedSizeListArray::try_new(item, *size, values, list.nulls().cloned())?))
        }
        DataType::List(item) => {
            if item.data_type() == &element {
                return Ok(array.clone());
            }
            let list = array.as_list::<i32>();
            let values = conform_elements(list.values(), &element, field)?;
            let item = Arc::new(ArrowField::new("item", element, true));
            Ok(Arc::new(ListArray::try_new(item, list.offsets().clone(), values, list.nulls().cloned())?))
        }
        DataType::LargeList(item) => {
            if item.data_type() == &element {
                return Ok(array.clone());
            }
            let list = array.as_list::<i64>();
            let values = conform_elements(list.values(), &element, field)?;
            let item = Arc::new(ArrowField::new("item", element, true));
            Ok(Arc::new(LargeListArray::try_new(item, list.offsets().clone(), values, list.nulls().cloned())?))
        }
        other => Err(mismatch(field, other)),
    }
}

fn conform_elements(values: &ArrayRef, element: &DataType, field: &Field) -> Result<ArrayRef> {
    if element == &DataType::Boolean {
        return Err(mismatch(field, values.data_type()));
    }
    convert_numbers(values.as_ref(), element, field)
}

fn mismatch(field: &Field, data_type: &DataType) -> Error {
    let arraysize = field.arraysize.as_ref().map(|a| format!(" arraysize=\"{a}\"")).unwrap_or_default();
    Error::conversion(
        &field.name,
        format!("an Arrow {data_type} column cannot be written as datatype=\"{}\"{arraysize}", field.datatype),
    )
}

/// Numbers of any Arrow numeric type, widened so every conversion can be range-checked.
enum Numbers {
    Integers(Vec<i128>),
    Floats(Vec<f64>),
}

fn numbers(array: &dyn Array, field: &Field) -> Result<Numbers> {
    fn ints<T: ArrowPrimitiveType>(a: &dyn Array) -> Numbers
    where
        T::Native: Into<i128>,
    {
        Numbers::Integers(a.as_primitive::<T>().values().iter().map(|&v| v.into()).collect())
    }
    fn decimals<T: ArrowPrimitiveType>(a: &dyn Array, scale: i8) -> Numbers
    where
        T::Native: Into<i128>,
    {
        let factor = 10f64.powi(scale as i32);
        Numbers::Floats(a.as_primitive::<T>().values().iter().map(|&v| v.into() as f64 / factor).collect())
    }
    Ok(match array.data_type() {
        DataType::Int8 => ints::<Int8Type>(array),
        DataType::Int16 => ints::<Int16Type>(array),
        DataType::Int32 => ints::<Int32Type>(array),
        DataType::Int64 => ints::<Int64Type>(array),
        DataType::UInt8 => ints::<UInt8Type>(array),
        DataType::UInt16 => ints::<UInt16Type>(array),
        DataType::UInt32 => ints::<UInt32Type>(array),
        DataType::UInt64 => ints::<UInt64Type>(array),
        DataType::Float16 => {
            Numbers::Floats(array.as_primitive::<Float16Type>().values().iter().map(|v| v.to_f64()).collect())
        }
        DataType::Float32 => {
            Numbers::Floats(array.as_primitive::<Float32Type>().values().iter().map(|&v| v as f64).collect())
        }
        DataType::Float64 => Numbers::Floats(array.as_primitive::<Float64Type>().values().to_vec()),
        DataType::Decimal32(_, s) => decimals::<Decimal32Type>(array, *s),
        DataType::Decimal64(_, s) => decimals::<Decimal64Type>(array, *s),
        DataType::Decimal128(_, s) => decimals::<Decimal128Type>(array, *s),
        DataType::Decimal256(_, s) => {
            let factor = 10f64.powi(*s as i32);
            let a = array.as_primitive::<Decimal256Type>();
            Numbers::Floats(
                a.values().iter().map(|v| v.to_string().parse::<f64>().unwrap_or(f64::NAN) / factor).collect(),
            )
        }
        other => return Err(mismatch(field, other)),
    })
}

fn convert_numbers(array: &dyn Array, target: &DataType, field: &Field) -> Result<ArrayRef> {
    let nulls = array.logical_nulls();
    let source = numbers(array, field)?;
    fn integers<T: ArrowPrimitiveType>(
        source: Numbers,
        nulls: Option<NullBuffer>,
        field: &Field,
        source_type: &DataType,
    ) -> Result<ArrayRef>
    where
        T::Native: TryFrom<i128>,
    {
        let Numbers::Integers(values) = source else {
            return Err(mismatch(field, source_type));
        };
        let mut out = Vec::with_capacity(values.len());
        for (row, v) in values.into_iter().enumerate() {
            let valid = nulls.as_ref().is_none_or(|n| n.is_valid(row));
            match T::Native::try_from(v) {
                Ok(x) => out.push(x),
                Err(_) if !valid => out.push(T::Native::default()),
                Err(_) => {
                    return Err(Error::Value {
                        position: None,
                        column: field.name.clone(),
                        message: format!("row {row}: {v} does not fit VOTable datatype {}", field.datatype),
                    });
                }
            }
        }
        Ok(Arc::new(PrimitiveArray::<T>::new(ScalarBuffer::from(out), nulls)))
    }
    let floats = |source: Numbers| -> Vec<f64> {
        match source {
            Numbers::Integers(v) => v.into_iter().map(|x| x as f64).collect(),
            Numbers::Floats(v) => v,
        }
    };
    let source_type = array.data_type();
    match target {
        DataType::UInt8 => integers::<UInt8Type>(source, nulls, field, source_type),
        DataType::Int16 => integers::<Int16Type>(source, nulls, field, source_type),
        DataType::Int32 => integers::<Int32Type>(source, nulls, field, source_type),
        DataType::Int64 => integers::<Int64Type>(source, nulls, field, source_type),
        DataType::Float32 => {
            let values: Vec<f32> = floats(source).into_iter().map(|x| x as f32).collect();
            Ok(Arc::new(PrimitiveArray::<Float32Type>::new(ScalarBuffer::from(values), nulls)))
        }
        DataType::Float64 => {
            Ok(Arc::new(PrimitiveArray::<Float64Type>::new(ScalarBuffer::from(floats(source)), nulls)))
        }
        other => Err(mismatch(field, other)),
    }
}

/// Replaces a dictionary column by its values, gathered by key.
fn materialize_dictionary(array: &ArrayRef, field: &Field) -> Result<ArrayRef> {
    let dictionary =
        array.as_any_dictionary_opt().ok_or_else(|| Error::conversion(&field.name, "unreadable dictionary array"))?;
    let values = conform(dictionary.values(), field)?;
    let keys = dictionary.normalized_keys();
    let key_nulls = array.logical_nulls();
    let valid = |row: usize| key_nulls.as_ref().is_none_or(|n| n.is_valid(row));
    if let Some(strings) = crate::writer::view::StrColumn::new(values.as_ref()) {
        let gathered: StringArray = keys
            .iter()
            .enumerate()
            .map(|(row, &k)| (valid(row) && strings.is_valid(k)).then(|| strings.value(k)))
            .collect();
        return Ok(Arc::new(gathered));
    }
    macro_rules! gather {
        ($t:ty) => {{
            let v = values.as_primitive::<$t>();
            let gathered: PrimitiveArray<$t> =
                keys.iter().enumerate().map(|(row, &k)| (valid(row) && v.is_valid(k)).then(|| v.value(k))).collect();
            Ok(Arc::new(gathered) as ArrayRef)
        }};
    }
    match values.data_type() {
        DataType::UInt8 => gather!(UInt8Type),
        DataType::Int16 => gather!(Int16Type),
        DataType::Int32 => gather!(Int32Type),
        DataType::Int64 => gather!(Int64Type),
        DataType::Float32 => gather!(Float32Type),
        DataType::Float64 => gather!(Float64Type),
        DataType::Boolean => {
            let v = values.as_boolean();
            let gathered: BooleanArray =
                keys.iter().enumerate().map(|(row, &k)| (valid(row) && v.is_valid(k)).then(|| v.value(k))).collect();
            Ok(Arc::new(gathered))
        }
        other => Err(mismatch(field, other)),
    }
}

/// Any column written as `char`/`unicodeChar`: strings pass through, times become ISO 8601.
fn to_strings(array: &ArrayRef, field: &Field) -> Result<ArrayRef> {
    if crate::writer::view::StrColumn::new(array.as_ref()).is_some() {
        return Ok(array.clone());
    }
    let len = array.len();
    let nulls = array.logical_nulls();
    let valid = |row: usize| nulls.as_ref().is_none_or(|n| n.is_valid(row));
    let mut text = String::new();
    let mut format_each = |f: &mut dyn FnMut(usize, &mut String)| -> StringArray {
        (0..len)
            .map(|row| {
                valid(row).then(|| {
                    text.clear();
                    f(row, &mut text);
                    text.clone()
                })
            })
            .collect()
    };
    let strings = match array.data_type() {
        DataType::Timestamp(unit, _) => {
            let values: &[i64] = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().values(),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().values(),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().values(),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().values(),
            };
            let (per_second, digits) = unit_scale(unit);
            format_each(&mut |row, out| write_timestamp(out, values[row], per_second, digits))
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            format_each(&mut |row, out| write_date(out, a.value(row) as i64))
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            format_each(&mut |row, out| write_date(out, a.value(row).div_euclid(86_400_000)))
        }
        DataType::Time32(unit) | DataType::Time64(unit) => {
            let (per_second, digits) = unit_scale(unit);
            let values: Vec<i64> = match array.data_type() {
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
            format_each(&mut |row, out| write_time_of_day(out, values[row], per_second, digits))
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            format_each(&mut |row, out| out.push_str(if a.value(row) { "true" } else { "false" }))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            let bytes = |row: usize| -> Vec<u8> {
                match array.data_type() {
                    DataType::Binary => array.as_binary::<i32>().value(row).to_vec(),
                    DataType::LargeBinary => array.as_binary::<i64>().value(row).to_vec(),
                    _ => array.as_binary_view().value(row).to_vec(),
                }
            };
            format_each(&mut |row, out| out.push_str(&String::from_utf8_lossy(&bytes(row))))
        }
        dt if dt.is_numeric() => {
            let as_f64 = convert_numbers(array.as_ref(), &DataType::Float64, field)?;
            let a = as_f64.as_primitive::<Float64Type>();
            format_each(&mut |row, out| {
                let _ = write!(out, "{}", a.value(row));
            })
        }
        other => return Err(mismatch(field, other)),
    };
    Ok(Arc::new(strings))
}

fn unit_scale(unit: &TimeUnit) -> (i64, usize) {
    match unit {
        TimeUnit::Second => (1, 0),
        TimeUnit::Millisecond => (1_000, 3),
        TimeUnit::Microsecond => (1_000_000, 6),
        TimeUnit::Nanosecond => (1_000_000_000, 9),
    }
}

/// Converts days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn write_date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

/// `YYYY-MM-DDThh:mm:ss[.fff]` (UTC, DALI timestamp); the fraction is omitted when zero.
pub(crate) fn write_timestamp(out: &mut String, value: i64, per_second: i64, digits: usize) {
    let seconds = value.div_euclid(per_second);
    let fraction = value.rem_euclid(per_second);
    write_date(out, seconds.div_euclid(86_400));
    out.push('T');
    write_clock(out, seconds.rem_euclid(86_400), fraction, digits);
}

fn write_time_of_day(out: &mut String, value: i64, per_second: i64, digits: usize) {
    write_clock(out, value.div_euclid(per_second).rem_euclid(86_400), value.rem_euclid(per_second), digits);
}

fn write_clock(out: &mut String, second_of_day: i64, fraction: i64, digits: usize) {
    let _ = write!(out, "{:02}:{:02}:{:02}", second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    if fraction != 0 {
        let _ = write!(out, ".{fraction:0digits$}");
        while out.ends_with('0') {
            out.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Int64Array, TimestampMicrosecondArray, UInt64Array};

    #[test]
    fn calendar_conversion() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let mut s = String::new();
        write_timestamp(&mut s, 1_700_000_000_123_400, 1_000_000, 6);
        assert_eq!(s, "2023-11-14T22:13:20.1234");
        s.clear();
        write_timestamp(&mut s, -1, 1, 0);
        assert_eq!(s, "1969-12-31T23:59:59");
    }

    #[test]
    fn timestamps_become_iso_strings() {
        let a: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![Some(0), None]));
        let f = Field::new("t", Datatype::Char).with_arraysize(crate::model::ArraySize::variable());
        let s = conform(&a, &f).unwrap();
        let s = s.as_string::<i32>();
        assert_eq!(s.value(0), "1970-01-01T00:00:00");
        assert!(s.is_null(1));
    }

    #[test]
    fn integers_are_range_checked() {
        let a: ArrayRef = Arc::new(UInt64Array::from(vec![Some(1), None, Some(u64::MAX)]));
        let f = Field::new("u", Datatype::Long);
        let err = conform(&a, &f).unwrap_err();
        assert!(err.to_string().contains("row 2"), "{err}");
        let a: ArrayRef = Arc::new(Int64Array::from(vec![Some(70_000), None]));
        assert!(conform(&a, &Field::new("s", Datatype::Short)).is_err());
        let ok = conform(&a, &Field::new("i", Datatype::Int)).unwrap();
        assert_eq!(ok.as_primitive::<Int32Type>().value(0), 70_000);
    }

    #[test]
    fn dictionaries_are_materialized() {
        let d: DictionaryArray<Int32Type> = vec![Some("a"), None, Some("b"), Some("a")].into_iter().collect();
        let a: ArrayRef = Arc::new(d);
        let f = Field::new("d", Datatype::Char).with_arraysize(crate::model::ArraySize::variable());
        let s = conform(&a, &f).unwrap();
        let s = s.as_string::<i32>();
        assert_eq!((s.value(0), s.is_null(1), s.value(2), s.value(3)), ("a", true, "b", "a"));
    }
}
