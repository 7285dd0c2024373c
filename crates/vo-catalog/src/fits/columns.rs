//! BINTABLE columns (FITS 4.0 §7.3): from TFORMn, TSCALn/TZEROn and TNULLn to an Arrow type,
//! and from a block of rows to an Arrow array.
//!
//! | TFORM | TSCAL/TZERO | Arrow | null |
//! |---|---|---|---|
//! | `L` | | `Boolean` | byte 0 |
//! | `B` | none / TZERO = -128 | `UInt8` / `Int8` | TNULLn |
//! | `I` / `J` / `K` | none | `Int16` / `Int32` / `Int64` | TNULLn |
//! | `I` / `J` / `K` | TZERO = 2^15 / 2^31 / 2^63 | `UInt16` / `UInt32` / `UInt64` | TNULLn |
//! | `E` / `D` | none | `Float32` / `Float64` | NaN |
//! | any number | other scaling | `Float64` = TZERO + TSCAL × stored | TNULLn / NaN |
//! | `rA` | | `Utf8`, up to the first NUL, trailing blanks dropped | empty string |
//!
//! TNULLn is compared with the stored value, before scaling, as FITS 4.0 §7.3.2 says. A repeat
//! count r > 1 on a number or logical gives a `FixedSizeList` of r elements (TDIMn is not used:
//! the cell is flat). Columns with r = 0 take no room and carry nothing, so they are left out.
//! Bits (`X`), complex numbers (`C`, `M`) and variable-length arrays (`P`, `Q`) are refused
//! with a message naming the column.

use std::sync::Arc;

use arrow_array::types::*;
use arrow_array::{ArrayRef, BooleanArray, FixedSizeListArray, PrimitiveArray, StringArray};
use arrow_schema::{DataType, Field};

use super::FitsError;
use super::header::Header;
use crate::ingest::field_keys;

/// The stored type of one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Logical,
    Byte,
    Short,
    Int,
    Long,
    Float,
    Double,
    Char,
}

impl Element {
    fn size(self) -> usize {
        match self {
            Element::Logical | Element::Byte | Element::Char => 1,
            Element::Short => 2,
            Element::Int | Element::Float => 4,
            Element::Long | Element::Double => 8,
        }
    }
}

/// How the stored elements become values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decode {
    Logical,
    /// Integers as they are.
    Signed,
    /// `B` with TZERO = -128.
    SignedByte,
    /// `I`/`J`/`K` with TZERO = 2^(bits-1): the sign bit flipped.
    Unsigned,
    Float,
    /// TZERO + TSCAL × stored, as a double.
    Scaled {
        scale: f64,
        zero: f64,
    },
    Text,
}

/// One column of the table.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub(crate) field: Field,
    /// Byte offset of the cell in the row.
    offset: usize,
    element: Element,
    repeat: usize,
    decode: Decode,
    /// The stored value that means null, for integers.
    null: Option<i128>,
}

/// The columns of a BINTABLE header and the row width they add up to (checked against NAXIS1).
/// Zero-width columns are left out.
pub(crate) fn plan_columns(header: &Header) -> Result<Vec<Column>, FitsError> {
    let fields = header.required_count("TFIELDS")?;
    let row_width = header.required_count("NAXIS1")?;
    let mut columns = Vec::new();
    let mut offset = 0usize;
    let mut names: Vec<String> = Vec::new();
    for n in 1..=fields {
        let name = header.string(&format!("TTYPE{n}")).map(str::trim).filter(|s| !s.is_empty());
        let name = name.map(str::to_string).unwrap_or_else(|| format!("col{n}"));
        let where_ = || format!("column {n} ({name})");
        let tform = header
            .string(&format!("TFORM{n}"))
            .ok_or_else(|| FitsError::Format(format!("{}: the header has no TFORM{n}", where_())))?;
        let (repeat, code) = parse_tform(tform).map_err(|e| FitsError::Format(format!("{}: {e}", where_())))?;
        let element = match code {
            'L' => Element::Logical,
            'B' => Element::Byte,
            'I' => Element::Short,
            'J' => Element::Int,
            'K' => Element::Long,
            'E' => Element::Float,
            'D' => Element::Double,
            'A' => Element::Char,
            other => {
                let what = match other {
                    'X' => "bit arrays",
                    'C' | 'M' => "complex numbers",
                    'P' | 'Q' => "variable-length arrays",
                    _ => "an unknown type",
                };
                return Err(FitsError::Format(format!(
                    "{}: TFORM{n} = '{tform}' ({what}) cannot be ingested; convert the column first \
                     (e.g. with STILTS or astropy) or leave it out",
                    where_()
                )));
            }
        };
        let width = repeat
            .checked_mul(element.size())
            .ok_or_else(|| FitsError::Format(format!("{}: TFORM{n} = '{tform}' is too wide", where_())))?;
        let cell_offset = offset;
        offset = offset.checked_add(width).ok_or_else(|| FitsError::Format("the row width overflows".into()))?;
        if repeat == 0 {
            continue;
        }
        let scale = header.real(&format!("TSCAL{n}"))?.unwrap_or(1.0);
        let zero_text = header.get(&format!("TZERO{n}"));
        let zero = header.real(&format!("TZERO{n}"))?.unwrap_or(0.0);
        // The unsigned offsets are integers beyond f64's exact range for K: compare them exactly.
        let zero_int = match zero_text {
            Some(_) => header.integer(&format!("TZERO{n}")).ok().flatten(),
            None => Some(0),
        };
        let null = header.integer(&format!("TNULL{n}")).map_err(|e| FitsError::Format(format!("{}: {e}", where_())))?;
        let integer = matches!(element, Element::Byte | Element::Short | Element::Int | Element::Long);
        let decode = match element {
            Element::Logical => Decode::Logical,
            Element::Char => Decode::Text,
            _ if scale == 1.0 && zero == 0.0 => {
                if integer {
                    Decode::Signed
                } else {
                    Decode::Float
                }
            }
            Element::Byte if scale == 1.0 && zero_int == Some(-128) => Decode::SignedByte,
            Element::Short if scale == 1.0 && zero_int == Some(1 << 15) => Decode::Unsigned,
            Element::Int if scale == 1.0 && zero_int == Some(1 << 31) => Decode::Unsigned,
            Element::Long if scale == 1.0 && zero_int == Some(1 << 63) => Decode::Unsigned,
            _ => Decode::Scaled { scale, zero },
        };
        let item = value_type(element, decode);
        let data_type = if repeat == 1 || element == Element::Char {
            item
        } else {
            let repeat = i32::try_from(repeat)
                .map_err(|_| FitsError::Format(format!("{}: {repeat} elements a cell are too many", where_())))?;
            DataType::FixedSizeList(Arc::new(Field::new("item", item, true)), repeat)
        };
        if names.iter().any(|other| other == &name) {
            return Err(FitsError::Format(format!("{}: the name is used by an earlier column too", where_())));
        }
        names.push(name.clone());
        let mut metadata = std::collections::HashMap::new();
        for (keyword, key) in [
            ("TUNIT", field_keys::UNIT),
            ("TUCD", field_keys::UCD),
            ("TUTYP", field_keys::UTYPE),
            ("TCOMM", field_keys::DESCRIPTION),
        ] {
            if let Some(value) = header.string(&format!("{keyword}{n}")).map(str::trim).filter(|v| !v.is_empty()) {
                metadata.insert(key.to_string(), value.to_string());
            }
        }
        let field = Field::new(name, data_type, true).with_metadata(metadata);
        columns.push(Column { field, offset: cell_offset, element, repeat, decode, null });
    }
    if offset as u64 != row_width {
        return Err(FitsError::Format(format!(
            "the columns' TFORMs add up to {offset} bytes a row, but NAXIS1 = {row_width}"
        )));
    }
    Ok(columns)
}

/// `rTa` → (r, T). The repeat count defaults to 1; what follows the type code (`A` substring
/// widths, `P` maximum lengths) does not change the cell's width.
fn parse_tform(tform: &str) -> Result<(usize, char), String> {
    let tform = tform.trim();
    let digits = tform.bytes().take_while(u8::is_ascii_digit).count();
    let repeat = if digits == 0 { 1 } else { tform[..digits].parse().map_err(|_| format!("bad TFORM '{tform}'"))? };
    let code = tform[digits..].chars().next().ok_or_else(|| format!("bad TFORM '{tform}'"))?;
    Ok((repeat, code.to_ascii_uppercase()))
}

fn value_type(element: Element, decode: Decode) -> DataType {
    match (element, decode) {
        (_, Decode::Logical) => DataType::Boolean,
        (_, Decode::Text) => DataType::Utf8,
        (_, Decode::Scaled { .. }) => DataType::Float64,
        (Element::Byte, Decode::SignedByte) => DataType::Int8,
        (Element::Byte, _) => DataType::UInt8,
        (Element::Short, Decode::Unsigned) => DataType::UInt16,
        (Element::Short, _) => DataType::Int16,
        (Element::Int, Decode::Unsigned) => DataType::UInt32,
        (Element::Int, _) => DataType::Int32,
        (Element::Long, Decode::Unsigned) => DataType::UInt64,
        (Element::Long, _) => DataType::Int64,
        (Element::Float, _) => DataType::Float32,
        (_, _) => DataType::Float64,
    }
}

impl Column {
    /// Decodes this column from `block`, whole rows of `row_width` bytes.
    pub(crate) fn decode(&self, block: &[u8], row_width: usize) -> ArrayRef {
        let width = self.repeat * self.element.size();
        let cells = block.chunks_exact(row_width).map(|row| &row[self.offset..self.offset + width]);
        if self.decode == Decode::Text {
            return Arc::new(cells.map(text).collect::<StringArray>());
        }
        let size = self.element.size();
        let elements = cells.flat_map(move |cell| cell.chunks_exact(size));
        let values = self.decode_elements(elements);
        match self.field.data_type() {
            DataType::FixedSizeList(item, n) => {
                Arc::new(FixedSizeListArray::new(item.clone(), *n, values, None)) as ArrayRef
            }
            _ => values,
        }
    }

    fn decode_elements<'a>(&self, elements: impl Iterator<Item = &'a [u8]>) -> ArrayRef {
        let null = self.null;
        // Integers: the stored value, as i128 for the TNULL comparison.
        macro_rules! ints {
            ($raw:ty, $arrow:ty, $convert:expr) => {{
                let convert = $convert;
                let array: PrimitiveArray<$arrow> = elements
                    .map(|b| {
                        let raw = <$raw>::from_be_bytes(b.try_into().expect("element width"));
                        if Some(i128::from(raw)) == null { None } else { Some(convert(raw)) }
                    })
                    .collect();
                Arc::new(array) as ArrayRef
            }};
        }
        // Scaled values: TNULL for stored integers, NaN for stored floats.
        macro_rules! scaled {
            ($raw:ty, $is_null:expr, $scale:expr, $zero:expr) => {{
                let (scale, zero, is_null) = ($scale, $zero, $is_null);
                let array: PrimitiveArray<Float64Type> = elements
                    .map(|b| {
                        let raw = <$raw>::from_be_bytes(b.try_into().expect("element width"));
                        if is_null(raw) { None } else { Some(zero + scale * raw as f64) }
                    })
                    .collect();
                Arc::new(array) as ArrayRef
            }};
        }
        match (self.element, self.decode) {
            (_, Decode::Logical) => Arc::new(
                elements
                    .map(|b| match b[0] {
                        b'T' => Some(true),
                        b'F' => Some(false),
                        _ => None,
                    })
                    .collect::<BooleanArray>(),
            ),
            (Element::Byte, Decode::Signed) => ints!(u8, UInt8Type, |v: u8| v),
            (Element::Byte, Decode::SignedByte) => ints!(u8, Int8Type, |v: u8| (v ^ 0x80) as i8),
            (Element::Short, Decode::Signed) => ints!(i16, Int16Type, |v: i16| v),
            (Element::Short, Decode::Unsigned) => ints!(i16, UInt16Type, |v: i16| (v as u16) ^ (1 << 15)),
            (Element::Int, Decode::Signed) => ints!(i32, Int32Type, |v: i32| v),
            (Element::Int, Decode::Unsigned) => ints!(i32, UInt32Type, |v: i32| (v as u32) ^ (1 << 31)),
            (Element::Long, Decode::Signed) => ints!(i64, Int64Type, |v: i64| v),
            (Element::Long, Decode::Unsigned) => ints!(i64, UInt64Type, |v: i64| (v as u64) ^ (1 << 63)),
            (Element::Float, Decode::Float) => Arc::new(
                elements
                    .map(|b| Some(f32::from_be_bytes(b.try_into().expect("element width"))).filter(|v| !v.is_nan()))
                    .collect::<PrimitiveArray<Float32Type>>(),
            ),
            (Element::Double, Decode::Float) => Arc::new(
                elements
                    .map(|b| Some(f64::from_be_bytes(b.try_into().expect("element width"))).filter(|v| !v.is_nan()))
                    .collect::<PrimitiveArray<Float64Type>>(),
            ),
            (element, Decode::Scaled { scale, zero }) => match element {
                Element::Byte => scaled!(u8, |v: u8| Some(i128::from(v)) == null, scale, zero),
                Element::Short => scaled!(i16, |v: i16| Some(i128::from(v)) == null, scale, zero),
                Element::Int => scaled!(i32, |v: i32| Some(i128::from(v)) == null, scale, zero),
                Element::Long => scaled!(i64, |v: i64| Some(i128::from(v)) == null, scale, zero),
                Element::Float => scaled!(f32, f32::is_nan, scale, zero),
                _ => scaled!(f64, f64::is_nan, scale, zero),
            },
            (element, decode) => unreachable!("no plan gives {element:?} with {decode:?}"),
        }
    }
}

/// A string cell: up to the first NUL, trailing blanks dropped (FITS 4.0 §7.3.3.1); empty is
/// null. Bytes that are not UTF-8 (FITS asks for ASCII) are replaced rather than refused.
fn text(cell: &[u8]) -> Option<String> {
    let end = cell.iter().position(|&b| b == 0).unwrap_or(cell.len());
    let value = String::from_utf8_lossy(&cell[..end]);
    let value = value.trim_end_matches(' ');
    (!value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;

    fn header(cards: &[(&str, &str)]) -> Header {
        let mut bytes = Vec::new();
        for (k, v) in cards.iter().copied().chain([("END", "")]) {
            let card = if k == "END" { "END".to_string() } else { format!("{k:<8}= {v}") };
            let mut c = card.into_bytes();
            c.resize(80, b' ');
            bytes.extend_from_slice(&c);
        }
        bytes.resize(bytes.len().div_ceil(2880) * 2880, b' ');
        Header::read(&mut &bytes[..], &mut 0, "NAXIS1").unwrap().unwrap()
    }

    #[test]
    fn types_scaling_and_nulls() {
        let h = header(&[
            ("NAXIS1", "37"),
            ("TFIELDS", "9"),
            ("TTYPE1", "'u16'"),
            ("TFORM1", "'I'"),
            ("TZERO1", "32768"),
            ("TTYPE2", "'i8'"),
            ("TFORM2", "'B'"),
            ("TZERO2", "-128"),
            ("TTYPE3", "'scaled'"),
            ("TFORM3", "'1J'"),
            ("TSCAL3", "0.5"),
            ("TZERO3", "100."),
            ("TNULL3", "-1"),
            ("TTYPE4", "'k'"),
            ("TFORM4", "'K'"),
            ("TNULL4", "-9223372036854775808"),
            ("TUNIT4", "'adu'"),
            ("TTYPE5", "'u64'"),
            ("TFORM5", "'K'"),
            ("TZERO5", "9223372036854775808"),
            ("TTYPE6", "'flag'"),
            ("TFORM6", "'L'"),
            ("TTYPE7", "'name'"),
            ("TFORM7", "'5A'"),
            ("TTYPE8", "'vec'"),
            ("TFORM8", "'2E'"),
            ("TTYPE9", "'nothing'"),
            ("TFORM9", "'0D'"),
        ]);
        let columns = plan_columns(&h).unwrap();
        let types: Vec<DataType> = columns.iter().map(|c| c.field.data_type().clone()).collect();
        assert_eq!(columns.len(), 8, "the zero-width column is left out");
        assert_eq!(
            types[..7],
            [
                DataType::UInt16,
                DataType::Int8,
                DataType::Float64,
                DataType::Int64,
                DataType::UInt64,
                DataType::Boolean,
                DataType::Utf8
            ]
        );
        assert_eq!(columns[3].field.metadata().get(field_keys::UNIT).map(String::as_str), Some("adu"));

        let row = |u16_: i16, i8_: u8, j: i32, k: i64, u64_: i64, l: u8, a: &[u8; 5], e: [f32; 2]| {
            let mut r = Vec::new();
            r.extend(u16_.to_be_bytes());
            r.push(i8_);
            r.extend(j.to_be_bytes());
            r.extend(k.to_be_bytes());
            r.extend(u64_.to_be_bytes());
            r.push(l);
            r.extend(a);
            r.extend(e[0].to_be_bytes());
            r.extend(e[1].to_be_bytes());
            r
        };
        let mut block = row(i16::MIN, 0, 10, 7, i64::MIN, b'T', b"ab\0xx", [1.5, f32::NAN]);
        block.extend(row(i16::MAX, 255, -1, i64::MIN, i64::MAX, 0, b"c d  ", [2.0, 3.0]));
        assert_eq!(block.len(), 2 * 37);
        let arrays: Vec<ArrayRef> = columns.iter().map(|c| c.decode(&block, 37)).collect();
        assert_eq!(arrays[0].as_primitive::<UInt16Type>().values().to_vec(), [0, u16::MAX]);
        assert_eq!(arrays[1].as_primitive::<Int8Type>().values().to_vec(), [-128, 127]);
        let scaled = arrays[2].as_primitive::<Float64Type>();
        assert_eq!((scaled.value(0), scaled.is_null(1)), (105.0, true));
        let k = arrays[3].as_primitive::<Int64Type>();
        assert_eq!((k.value(0), k.is_null(1)), (7, true));
        assert_eq!(arrays[4].as_primitive::<UInt64Type>().values().to_vec(), [0, u64::MAX]);
        let flags = arrays[5].as_boolean();
        assert_eq!((flags.value(0), flags.is_null(1)), (true, true));
        let names = arrays[6].as_string::<i32>();
        assert_eq!((names.value(0), names.value(1)), ("ab", "c d"));
        let vec = arrays[7].as_fixed_size_list();
        let items = vec.values().as_primitive::<Float32Type>();
        assert_eq!((items.value(0), items.is_null(1), items.value(3)), (1.5, true, 3.0));
    }

    #[test]
    fn unsupported_and_inconsistent_columns_are_named() {
        let h = header(&[("NAXIS1", "8"), ("TFIELDS", "1"), ("TTYPE1", "'spectrum'"), ("TFORM1", "'1PD(12)'")]);
        let err = plan_columns(&h).unwrap_err().to_string();
        assert!(err.contains("column 1 (spectrum)") && err.contains("variable-length"), "{err}");
        let h = header(&[("NAXIS1", "9"), ("TFIELDS", "1"), ("TFORM1", "'D'")]);
        let err = plan_columns(&h).unwrap_err().to_string();
        assert!(err.contains("NAXIS1 = 9"), "{err}");
        let h = header(&[
            ("NAXIS1", "16"),
            ("TFIELDS", "2"),
            ("TTYPE1", "'x'"),
            ("TFORM1", "'D'"),
            ("TTYPE2", "'x'"),
            ("TFORM2", "'D'"),
        ]);
        let err = plan_columns(&h).unwrap_err().to_string();
        assert!(err.contains("column 2 (x)"), "{err}");
        assert_eq!(parse_tform("20A10"), Ok((20, 'A')));
        assert!(parse_tform("").is_err());
    }
}
