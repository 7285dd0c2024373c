//! TABLEDATA cell decoding: the text of one `<TD>` into a column builder.

use crate::layout::{CellLayout, Shape, integer_fits, parse_float};
use crate::model::Datatype;

use super::builders::{ColumnBuilder, ElementValues, NumericBuilder};

/// Decodes the (unescaped) text of a TD. Empty text is a null cell [VOT §5.1].
pub(crate) fn decode_cell(builder: &mut ColumnBuilder, layout: &CellLayout, text: &str) -> Result<(), String> {
    match builder {
        ColumnBuilder::Text(b) => {
            if text.is_empty() {
                b.push_null()
            } else if layout.shape == Shape::Fixed(1) && layout.datatype == Datatype::Char {
                // A lone char holds one character; surrounding layout whitespace is not data.
                let t = text.trim();
                if t.is_empty() { b.push(" ") } else { b.push(t) }
            } else {
                b.push(text)
            }
        }
        ColumnBuilder::Numeric(b) => {
            let start = b.values.len();
            let t = text.trim();
            if t.is_empty() {
                return b.end_cell(false, start);
            }
            match layout.datatype {
                Datatype::Bit => push_bits(b, t)?,
                Datatype::Boolean => push_booleans(b, t)?,
                _ => {
                    for token in t.split_ascii_whitespace() {
                        push_number(b, layout.datatype, token)?;
                    }
                }
            }
            let pushed = b.values.len() - start;
            if layout.shape == Shape::Scalar && pushed != layout.components {
                return Err(format!("expected {} value(s), found {pushed}", layout.components));
            }
            if let Shape::Variable { .. } = layout.shape
                && pushed % layout.components != 0
            {
                return Err("a complex array needs an even number of values".to_string());
            }
            b.end_cell(true, start)
        }
    }
}

/// Like [`decode_cell`], but a value that does not decode becomes a null cell; returns why.
pub(crate) fn decode_cell_or_null(builder: &mut ColumnBuilder, layout: &CellLayout, text: &str) -> Option<String> {
    let start = match builder {
        ColumnBuilder::Numeric(b) => b.values.len(),
        ColumnBuilder::Text(b) => b.bytes.len(),
    };
    let message = decode_cell(builder, layout, text).err()?;
    match builder {
        ColumnBuilder::Numeric(b) => b.null_cell_after_error(start),
        ColumnBuilder::Text(b) => {
            b.bytes.truncate(start);
            // The batch held `start` bytes before this cell, so their end offset fits.
            let _ = b.push_null();
        }
    }
    Some(message)
}

fn push_bits(b: &mut NumericBuilder, text: &str) -> Result<(), String> {
    let ElementValues::Bool(bits) = &mut b.values else { return Ok(()) };
    for c in text.chars().filter(|c| !c.is_ascii_whitespace()) {
        match c {
            '0' => bits.append(false),
            '1' => bits.append(true),
            other => return Err(format!("'{other}' is not a bit (0 or 1)")),
        }
        b.element_validity.append_non_null();
    }
    Ok(())
}

fn boolean_word(token: &str) -> Option<Option<bool>> {
    match token {
        "T" | "t" | "1" => Some(Some(true)),
        "F" | "f" | "0" => Some(Some(false)),
        "?" => Some(None),
        _ if token.eq_ignore_ascii_case("true") => Some(Some(true)),
        _ if token.eq_ignore_ascii_case("false") => Some(Some(false)),
        _ => None,
    }
}

fn push_booleans(b: &mut NumericBuilder, text: &str) -> Result<(), String> {
    let ElementValues::Bool(bits) = &mut b.values else { return Ok(()) };
    let mut push = |value: Option<bool>| {
        bits.append(value.unwrap_or(false));
        b.element_validity.append(value.is_some());
    };
    for token in text.split_ascii_whitespace() {
        match boolean_word(token) {
            Some(value) => push(value),
            // Some writers run boolean array elements together ("TFT").
            None => {
                for c in token.chars() {
                    let mut tmp = [0u8; 4];
                    match boolean_word(c.encode_utf8(&mut tmp)) {
                        Some(value) => push(value),
                        None => return Err(format!("'{token}' is not a boolean (T, F, true, false, 1, 0 or ?)")),
                    }
                }
            }
        }
    }
    Ok(())
}

/// Parses an integer literal for `datatype`: decimal, or hexadecimal `0x...` read as the bit
/// pattern of the type (so `0xFFFF` is -1 for a short).
fn parse_int_for(datatype: Datatype, token: &str) -> Result<i64, String> {
    let bad = || format!("'{token}' is not a valid {datatype}");
    let (negative, digits) = match token.as_bytes().first() {
        Some(b'-') => (true, &token[1..]),
        Some(b'+') => (false, &token[1..]),
        _ => (false, token),
    };
    let value = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        let raw = u64::from_str_radix(hex, 16).map_err(|_| bad())?;
        let pattern = match datatype {
            Datatype::UnsignedByte => u8::try_from(raw).map(i64::from).map_err(|_| bad())?,
            Datatype::Short => u16::try_from(raw).map(|v| v as i16 as i64).map_err(|_| bad())?,
            Datatype::Int => u32::try_from(raw).map(|v| v as i32 as i64).map_err(|_| bad())?,
            _ => raw as i64,
        };
        if negative { pattern.wrapping_neg() } else { pattern }
    } else {
        let v = token.parse::<i64>().map_err(|_| bad())?;
        if !integer_fits(datatype, v) {
            return Err(format!("{v} is out of range for {datatype}"));
        }
        v
    };
    Ok(value)
}

#[inline]
fn push_number(b: &mut NumericBuilder, datatype: Datatype, token: &str) -> Result<(), String> {
    let int_null = b.int_null;
    let float_null = b.float_null;
    match &mut b.values {
        ElementValues::F32(v) => {
            let x = parse_float(token).ok_or_else(|| format!("'{token}' is not a valid {datatype}"))?;
            v.push(x as f32);
            b.element_validity.append(float_null != Some(x));
        }
        ElementValues::F64(v) => {
            let x = parse_float(token).ok_or_else(|| format!("'{token}' is not a valid {datatype}"))?;
            v.push(x);
            b.element_validity.append(float_null != Some(x));
        }
        values => {
            let x = parse_int_for(datatype, token)?;
            match values {
                ElementValues::U8(v) => v.push(x as u8),
                ElementValues::I16(v) => v.push(x as i16),
                ElementValues::I32(v) => v.push(x as i32),
                ElementValues::I64(v) => v.push(x),
                _ => return Err(format!("'{token}' cannot be stored in a {datatype} column")),
            }
            b.element_validity.append(int_null != Some(x));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int16Type, Int32Type};

    fn column(field: Field, cells: &[&str]) -> Result<arrow_array::ArrayRef, String> {
        let layout = CellLayout::new(&field).unwrap();
        let mut builder = ColumnBuilder::new(&layout);
        for cell in cells {
            decode_cell(&mut builder, &layout, cell)?;
        }
        Ok(builder.finish().unwrap())
    }

    #[test]
    fn integers_with_magic_null_and_hex() {
        let a =
            column(Field::new("s", Datatype::Short).with_null("-1"), &["0x7fff", "-1", "", " 12 ", "0xFFFF"]).unwrap();
        let a = a.as_primitive::<Int16Type>();
        assert_eq!(a.value(0), 32767);
        assert!(a.is_null(1) && a.is_null(2) && a.is_null(4));
        assert_eq!(a.value(3), 12);
        assert!(column(Field::new("s", Datatype::Short), &["40000"]).is_err());
        assert!(column(Field::new("s", Datatype::Int), &["1.5"]).is_err());
        assert!(column(Field::new("s", Datatype::Int), &["1 2"]).is_err());
    }

    #[test]
    fn fixed_arrays_pad_and_reject_overflow() {
        let f = Field::new("a", Datatype::Int).with_arraysize("3".parse().unwrap());
        let a = column(f.clone(), &["1 2", "1 2 3"]).unwrap();
        let list = a.as_fixed_size_list();
        let values = list.values().as_primitive::<Int32Type>();
        assert!(values.is_null(2));
        assert_eq!(values.value(5), 3);
        assert!(column(f, &["1 2 3 4"]).is_err());
    }

    #[test]
    fn booleans_and_bits() {
        let f = Field::new("b", Datatype::Boolean).with_arraysize("*".parse().unwrap());
        let a = column(f, &["T F ?", "TF", "true False"]).unwrap();
        assert_eq!(a.as_list::<i32>().value(1).len(), 2);
        let f = Field::new("b", Datatype::Bit).with_arraysize("4".parse().unwrap());
        assert!(column(f.clone(), &["1010"]).is_ok());
        assert!(column(f, &["1020"]).is_err());
    }
}
