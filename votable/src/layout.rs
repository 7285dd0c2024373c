//! What a FIELD means for the cells of its column: shape, components and null magic value.
//! Shared by the readers and the writers so both sides agree on every datatype × arraysize.

use crate::error::{Error, Result};
use crate::model::{Datatype, Field, LastDim};

/// How many elements a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// No arraysize on a non-character datatype: exactly one element.
    Scalar,
    /// Exactly this many elements (all dimensions multiplied; `char` without arraysize is 1).
    Fixed(usize),
    /// A 4-byte element count precedes the elements in binary serializations.
    Variable {
        /// `n*` bound (all leading dimensions multiplied), `None` for `*`.
        max: Option<usize>,
    },
}

/// The per-column facts the encoders and decoders need.
#[derive(Debug, Clone)]
pub(crate) struct CellLayout {
    pub datatype: Datatype,
    pub shape: Shape,
    /// Arrow values per VOTable element: 2 for complex types, else 1.
    pub components: usize,
    /// VALUES `null` of an integer column.
    pub int_null: Option<i64>,
    /// VALUES `null` of a floating-point column (not standard, but found in the wild).
    pub float_null: Option<f64>,
    /// The column name, for error messages.
    pub name: String,
}

impl CellLayout {
    pub(crate) fn new(field: &Field) -> Result<Self> {
        let shape = match &field.arraysize {
            None if field.datatype.is_character() => Shape::Fixed(1),
            None => Shape::Scalar,
            Some(size) => {
                let leading = size.leading_elements() as usize;
                match size.last {
                    LastDim::Fixed(n) => Shape::Fixed(leading * n as usize),
                    LastDim::Bounded(n) => Shape::Variable { max: Some(leading.saturating_mul(n as usize)) },
                    LastDim::Unbounded => Shape::Variable { max: None },
                }
            }
        };
        let mut layout = CellLayout {
            datatype: field.datatype,
            shape,
            components: if field.datatype.is_complex() { 2 } else { 1 },
            int_null: None,
            float_null: None,
            name: field.name.clone(),
        };
        if let Some(null) = field.null_value() {
            let bad = |why: &str| Error::invalid(None, format!("FIELD '{}': VALUES null=\"{null}\" {why}", field.name));
            if field.datatype.is_integer() {
                let value = parse_integer(null).ok_or_else(|| bad("is not an integer"))?;
                if !integer_fits(field.datatype, value) {
                    return Err(bad(&format!("does not fit datatype {}", field.datatype)));
                }
                layout.int_null = Some(value);
            } else if field.datatype.is_floating() {
                layout.float_null = parse_float(null).filter(|v| !v.is_nan());
            }
        }
        Ok(layout)
    }

    /// The binary width of every cell, or `None` when it varies (variable-length arrays).
    pub(crate) fn binary_width(&self) -> Option<usize> {
        let elements = match self.shape {
            Shape::Variable { .. } => return None,
            Shape::Scalar => 1,
            Shape::Fixed(n) => n,
        };
        Some(match self.datatype {
            Datatype::Bit => elements.div_ceil(8),
            Datatype::UnicodeChar => 2 * elements,
            other => elements * other.element_bytes(),
        })
    }

    /// The binary size of an element (bytes), or 0 for bits.
    pub(crate) fn element_bytes(&self) -> usize {
        self.datatype.element_bytes() / self.components
    }
}

/// Parses a TABLEDATA integer: decimal, or `0x` followed by hex digits (two's complement for the
/// width of the literal is not applied: `0xFF` is 255).
pub(crate) fn parse_integer(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        let v = u64::from_str_radix(hex, 16).ok()? as i64;
        return Some(if negative { v.wrapping_neg() } else { v });
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// Parses a TABLEDATA float: decimal/exponent, `NaN`, `Inf`, `+Inf`, `-Inf` (case-insensitive).
pub(crate) fn parse_float(text: &str) -> Option<f64> {
    let t = text.trim();
    // Rust's parser accepts `inf`, `infinity` and `nan` in any case, with a sign.
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    // Rare spellings, only tried once the common path failed (no allocation on the hot path).
    let unsigned = t.trim_start_matches(['+', '-']);
    (unsigned.eq_ignore_ascii_case("nan")).then_some(f64::NAN)
}

/// `true` when `value` is in the range of the integer datatype.
pub(crate) fn integer_fits(datatype: Datatype, value: i64) -> bool {
    match datatype {
        Datatype::UnsignedByte => (0..=255).contains(&value),
        Datatype::Short => (i16::MIN as i64..=i16::MAX as i64).contains(&value),
        Datatype::Int => (i32::MIN as i64..=i32::MAX as i64).contains(&value),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArraySize;

    #[test]
    fn shapes() {
        let s = |f: Field| CellLayout::new(&f).unwrap().shape;
        assert_eq!(s(Field::new("a", Datatype::Int)), Shape::Scalar);
        assert_eq!(s(Field::new("a", Datatype::Char)), Shape::Fixed(1));
        assert_eq!(s(Field::new("a", Datatype::Int).with_arraysize("2x3".parse().unwrap())), Shape::Fixed(6));
        assert_eq!(
            s(Field::new("a", Datatype::Int).with_arraysize("2x3*".parse().unwrap())),
            Shape::Variable { max: Some(6) }
        );
        assert_eq!(
            s(Field::new("a", Datatype::Int).with_arraysize(ArraySize::variable())),
            Shape::Variable { max: None }
        );
    }

    #[test]
    fn null_values_are_checked() {
        assert_eq!(
            CellLayout::new(&Field::new("a", Datatype::Short).with_null("-32768")).unwrap().int_null,
            Some(-32768)
        );
        assert_eq!(
            CellLayout::new(&Field::new("a", Datatype::UnsignedByte).with_null("0xFF")).unwrap().int_null,
            Some(255)
        );
        assert!(CellLayout::new(&Field::new("a", Datatype::Short).with_null("99999")).is_err());
        assert!(CellLayout::new(&Field::new("a", Datatype::Int).with_null("x")).is_err());
        assert_eq!(
            CellLayout::new(&Field::new("a", Datatype::Double).with_null("-999")).unwrap().float_null,
            Some(-999.0)
        );
    }

    #[test]
    fn literals() {
        assert_eq!(parse_integer(" 42 "), Some(42));
        assert_eq!(parse_integer("-0x10"), Some(-16));
        assert_eq!(parse_integer("0xFFFFFFFFFFFFFFFF"), Some(-1));
        assert_eq!(parse_integer("1.5"), None);
        assert_eq!(parse_integer(""), None);
        assert_eq!(parse_float("+Inf"), Some(f64::INFINITY));
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float("1.5E-3"), Some(0.0015));
        assert_eq!(parse_float("abc"), None);
    }
}
