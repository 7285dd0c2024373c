//! TABLEDATA cell encoding [VOT §5.1]: `<TD>` text, numbers separated by spaces, `<TD/>` for null.

use crate::layout::{CellLayout, Shape};
use crate::model::Datatype;
use crate::xml_out::is_xml_char;

use super::view::{ColumnView, Elements, NumericColumn};

/// Appends `<TD>...</TD>` (or `<TD/>` for a null cell).
#[inline]
pub(crate) fn encode_cell(out: &mut Vec<u8>, layout: &CellLayout, view: &ColumnView<'_>, row: usize, null: bool) {
    if null {
        write_null(out, layout);
        return;
    }
    out.extend_from_slice(b"<TD>");
    match view {
        ColumnView::Str(column) => write_text(out, layout, column.value(row)),
        ColumnView::Numeric(column) => write_numbers(out, layout, column, row),
    }
    out.extend_from_slice(b"</TD>");
}

/// A null cell. `<TD/>` is the standard's null, but validators (STILTS votlint) insist that
/// fixed-size arrays, complex numbers and bits have all their elements, so those are written as
/// null elements when the datatype has one: `NaN` for floating types, `?` for booleans, the VALUES
/// null of integers, `0` for bits (which have no null; the cell's nullness is lost in TABLEDATA).
fn write_null(out: &mut Vec<u8>, layout: &CellLayout) {
    let elements = match layout.shape {
        Shape::Fixed(n) if !layout.datatype.is_character() => n * layout.components,
        Shape::Scalar if layout.components == 2 || layout.datatype == Datatype::Bit => layout.components,
        _ => 0,
    };
    let mut itoa_buf = itoa::Buffer::new();
    let filler: &[u8] = match layout.datatype {
        _ if elements == 0 => b"",
        Datatype::Float | Datatype::Double | Datatype::FloatComplex | Datatype::DoubleComplex => b"NaN",
        Datatype::Boolean => b"?",
        Datatype::Bit => b"0",
        _ => match layout.int_null {
            Some(magic) => itoa_buf.format(magic).as_bytes(),
            None => b"",
        },
    };
    if filler.is_empty() {
        out.extend_from_slice(b"<TD/>");
        return;
    }
    out.extend_from_slice(b"<TD>");
    for i in 0..elements {
        if i > 0 && layout.datatype != Datatype::Bit {
            out.push(b' ');
        }
        out.extend_from_slice(filler);
    }
    out.extend_from_slice(b"</TD>");
}

/// Escapes `&`, `<`, `>`; characters XML cannot carry become U+FFFD. Fixed-size strings are
/// truncated to their arraysize (counted in characters).
fn write_text(out: &mut Vec<u8>, layout: &CellLayout, text: &str) {
    let limit = match layout.shape {
        Shape::Fixed(n) => n,
        Shape::Variable { max } => max.unwrap_or(usize::MAX),
        Shape::Scalar => 1,
    };
    let text = match text.char_indices().nth(limit) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let bytes = text.as_bytes();
    let plain = |b: u8| b != b'&' && b != b'<' && b != b'>' && (b >= 0x20 || b == b'\t' || b == b'\n');
    if bytes.iter().all(|&b| plain(b)) && (text.is_ascii() || text.chars().all(is_xml_char)) {
        out.extend_from_slice(bytes);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            // A raw CR would be normalised away by XML parsers.
            '\r' => out.extend_from_slice(b"&#13;"),
            c if is_xml_char(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => out.extend_from_slice("\u{FFFD}".as_bytes()),
        }
    }
}

fn write_numbers(out: &mut Vec<u8>, layout: &CellLayout, column: &NumericColumn<'_>, row: usize) {
    let (start, end) = column.range(row);
    let (start, end) = match layout.shape {
        Shape::Scalar => (start, start + layout.components.min(end - start)),
        Shape::Fixed(n) => (start, end.min(start + n * layout.components)),
        Shape::Variable { max: Some(max) } => (start, end.min(start + max * layout.components)),
        Shape::Variable { max: None } => (start, end),
    };
    let nulls = column.element_nulls;
    let is_null = |i: usize| nulls.is_some_and(|n| n.is_null(i));
    let mut itoa_buf = itoa::Buffer::new();
    let mut ryu_buf = ryu::Buffer::new();
    let separator = if layout.datatype == Datatype::Bit { "" } else { " " };
    for i in start..end {
        if i > start {
            out.extend_from_slice(separator.as_bytes());
        }
        let element_null = is_null(i);
        match column.elements {
            Elements::Bool(values) => out.push(match (layout.datatype, element_null, values.value(i)) {
                (Datatype::Bit, _, true) => b'1',
                (Datatype::Bit, _, false) => b'0',
                (_, true, _) => b'?',
                (_, false, true) => b'T',
                (_, false, false) => b'F',
            }),
            Elements::F32(values) => write_float(out, &mut ryu_buf, if element_null { f32::NAN } else { values[i] }),
            Elements::F64(values) => write_double(out, &mut ryu_buf, if element_null { f64::NAN } else { values[i] }),
            ref ints => {
                let v = if element_null {
                    layout.int_null.unwrap_or(0)
                } else {
                    match ints {
                        Elements::U8(v) => v[i] as i64,
                        Elements::I16(v) => v[i] as i64,
                        Elements::I32(v) => v[i] as i64,
                        Elements::I64(v) => v[i],
                        _ => 0,
                    }
                };
                out.extend_from_slice(itoa_buf.format(v).as_bytes());
            }
        }
    }
}

fn write_special(out: &mut Vec<u8>, nan: bool, positive: bool) {
    out.extend_from_slice(match (nan, positive) {
        (true, _) => b"NaN",
        (false, true) => b"+Inf",
        (false, false) => b"-Inf",
    });
}

#[inline]
fn write_float(out: &mut Vec<u8>, buf: &mut ryu::Buffer, v: f32) {
    if v.is_finite() {
        out.extend_from_slice(buf.format_finite(v).as_bytes());
    } else {
        write_special(out, v.is_nan(), v > 0.0);
    }
}

#[inline]
fn write_double(out: &mut Vec<u8>, buf: &mut ryu::Buffer, v: f64) {
    if v.is_finite() {
        out.extend_from_slice(buf.format_finite(v).as_bytes());
    } else {
        write_special(out, v.is_nan(), v > 0.0);
    }
}
