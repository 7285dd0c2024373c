//! BINARY / BINARY2 cell encoding [VOT §5.3–5.4]: big-endian values, 4-byte element counts
//! before variable arrays, NUL-padded fixed strings.

use arrow_array::Array;

use crate::layout::{CellLayout, Shape};
use crate::model::Datatype;

use super::view::{Cells, ColumnView, Elements, NumericColumn};

/// A column prepared for binary encoding. Scalar numbers, the bulk of most tables, are written
/// straight from their Arrow buffers; everything else goes through [`encode_cell`].
pub(crate) enum BinaryColumn<'a> {
    U8(&'a [u8], u8),
    I16(&'a [i16], i16),
    I32(&'a [i32], i32),
    I64(&'a [i64], i64),
    F32(&'a [f32]),
    F64(&'a [f64]),
    Other(&'a ColumnView<'a>),
}

impl<'a> BinaryColumn<'a> {
    pub(crate) fn new(layout: &CellLayout, view: &'a ColumnView<'a>) -> Self {
        let magic = layout.int_null.unwrap_or(0);
        match view {
            ColumnView::Numeric(NumericColumn { elements, cells: Cells::Scalar, .. })
                if layout.shape == Shape::Scalar && layout.components == 1 =>
            {
                match *elements {
                    Elements::U8(v) => BinaryColumn::U8(v, magic as u8),
                    Elements::I16(v) => BinaryColumn::I16(v, magic as i16),
                    Elements::I32(v) => BinaryColumn::I32(v, magic as i32),
                    Elements::I64(v) => BinaryColumn::I64(v, magic),
                    Elements::F32(v) => BinaryColumn::F32(v),
                    Elements::F64(v) => BinaryColumn::F64(v),
                    Elements::Bool(_) => BinaryColumn::Other(view),
                }
            }
            _ => BinaryColumn::Other(view),
        }
    }

    /// Appends the cell of `row`; `null` cells get the null filler.
    #[inline]
    pub(crate) fn encode(&self, out: &mut Vec<u8>, layout: &CellLayout, row: usize, null: bool) {
        match self {
            BinaryColumn::U8(v, magic) => out.push(if null { *magic } else { v[row] }),
            BinaryColumn::I16(v, magic) => out.extend_from_slice(&(if null { *magic } else { v[row] }).to_be_bytes()),
            BinaryColumn::I32(v, magic) => out.extend_from_slice(&(if null { *magic } else { v[row] }).to_be_bytes()),
            BinaryColumn::I64(v, magic) => out.extend_from_slice(&(if null { *magic } else { v[row] }).to_be_bytes()),
            BinaryColumn::F32(v) => out.extend_from_slice(&(if null { f32::NAN } else { v[row] }).to_be_bytes()),
            BinaryColumn::F64(v) => out.extend_from_slice(&(if null { f64::NAN } else { v[row] }).to_be_bytes()),
            BinaryColumn::Other(view) => encode_cell(out, layout, view, row, null),
        }
    }
}

/// Appends the binary encoding of one cell. `null` cells get the standard's filler (NaN, the
/// VALUES null magic value, zero bytes, or an empty variable array).
#[inline]
pub(crate) fn encode_cell(out: &mut Vec<u8>, layout: &CellLayout, view: &ColumnView<'_>, row: usize, null: bool) {
    match view {
        ColumnView::Numeric(column) => encode_numeric(out, layout, column, row, null),
        ColumnView::Str(column) => {
            let text = if null { "" } else { column.value(row) };
            if layout.datatype == Datatype::UnicodeChar {
                encode_unicode(out, layout, text)
            } else {
                encode_char(out, layout, text)
            }
        }
    }
}

fn push_count(out: &mut Vec<u8>, count: usize) {
    out.extend_from_slice(&(count.min(i32::MAX as usize) as i32).to_be_bytes());
}

fn encode_char(out: &mut Vec<u8>, layout: &CellLayout, text: &str) {
    // `char` is 7-bit ASCII in binary serializations: other characters become '?'
    // (declare the column unicodeChar to keep them).
    let ascii_owned: Vec<u8>;
    let bytes: &[u8] = if text.is_ascii() {
        text.as_bytes()
    } else {
        ascii_owned = text.chars().map(|c| if c.is_ascii() { c as u8 } else { b'?' }).collect();
        &ascii_owned
    };
    match layout.shape {
        Shape::Variable { max } => {
            let kept = bytes.len().min(max.unwrap_or(usize::MAX));
            push_count(out, kept);
            out.extend_from_slice(&bytes[..kept]);
        }
        Shape::Fixed(_) | Shape::Scalar => {
            let n = fixed_count(layout.shape);
            let kept = bytes.len().min(n);
            out.extend_from_slice(&bytes[..kept]);
            out.resize(out.len() + (n - kept), 0);
        }
    }
}

/// Elements per cell of a non-variable shape.
fn fixed_count(shape: Shape) -> usize {
    match shape {
        Shape::Fixed(n) => n,
        _ => 1,
    }
}

fn encode_unicode(out: &mut Vec<u8>, layout: &CellLayout, text: &str) {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    let limit = match layout.shape {
        Shape::Variable { max } => max.unwrap_or(usize::MAX),
        fixed => fixed_count(fixed),
    };
    if units.len() > limit {
        units.truncate(limit);
        // Never leave half a surrogate pair behind.
        if units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            units.pop();
        }
    }
    if let Shape::Variable { .. } = layout.shape {
        push_count(out, units.len());
    }
    for u in &units {
        out.extend_from_slice(&u.to_be_bytes());
    }
    if !matches!(layout.shape, Shape::Variable { .. }) {
        out.resize(out.len() + 2 * (fixed_count(layout.shape) - units.len()), 0);
    }
}

fn encode_numeric(out: &mut Vec<u8>, layout: &CellLayout, column: &NumericColumn<'_>, row: usize, null: bool) {
    let (start, end) = column.range(row);
    if layout.datatype == Datatype::Bit {
        return encode_bits(out, layout, column, start, end, null);
    }
    let available = if null { 0 } else { end - start };
    match layout.shape {
        Shape::Variable { max } => {
            let count = (available / layout.components).min(max.unwrap_or(usize::MAX));
            push_count(out, count);
            write_elements(out, layout, column, start, start + count * layout.components);
        }
        Shape::Scalar | Shape::Fixed(_) => {
            // A list column declared with a fixed arraysize may hold shorter lists: pad with nulls.
            let expected = fixed_count(layout.shape) * layout.components;
            let written = available.min(expected);
            write_elements(out, layout, column, start, start + written);
            write_null_elements(out, layout, &column.elements, expected - written);
        }
    }
}

/// Writes elements `start..end`, replacing null elements by the type's null filler.
#[inline]
fn write_elements(out: &mut Vec<u8>, layout: &CellLayout, column: &NumericColumn<'_>, start: usize, end: usize) {
    let nulls = column.element_nulls;
    let is_null = |i: usize| nulls.is_some_and(|n| n.is_null(i));
    let magic = layout.int_null.unwrap_or(0);
    macro_rules! put {
        ($values:expr, $null:expr) => {
            for i in start..end {
                let v = if is_null(i) { $null } else { $values[i] };
                out.extend_from_slice(&v.to_be_bytes());
            }
        };
    }
    match column.elements {
        Elements::Bool(values) => {
            for i in start..end {
                out.push(if is_null(i) {
                    b'?'
                } else if values.value(i) {
                    b'T'
                } else {
                    b'F'
                });
            }
        }
        Elements::U8(v) => put!(v, magic as u8),
        Elements::I16(v) => put!(v, magic as i16),
        Elements::I32(v) => put!(v, magic as i32),
        Elements::I64(v) => put!(v, magic),
        Elements::F32(v) => put!(v, f32::NAN),
        Elements::F64(v) => put!(v, f64::NAN),
    }
}

fn write_null_elements(out: &mut Vec<u8>, layout: &CellLayout, elements: &Elements<'_>, count: usize) {
    let magic = layout.int_null.unwrap_or(0);
    for _ in 0..count {
        match elements {
            Elements::Bool(_) => out.push(b'?'),
            Elements::U8(_) => out.push(magic as u8),
            Elements::I16(_) => out.extend_from_slice(&(magic as i16).to_be_bytes()),
            Elements::I32(_) => out.extend_from_slice(&(magic as i32).to_be_bytes()),
            Elements::I64(_) => out.extend_from_slice(&magic.to_be_bytes()),
            Elements::F32(_) => out.extend_from_slice(&f32::NAN.to_be_bytes()),
            Elements::F64(_) => out.extend_from_slice(&f64::NAN.to_be_bytes()),
        }
    }
}

/// `bit` cells: bits packed most significant first, padded with zero bits to whole bytes.
fn encode_bits(
    out: &mut Vec<u8>,
    layout: &CellLayout,
    column: &NumericColumn<'_>,
    start: usize,
    end: usize,
    null: bool,
) {
    let Elements::Bool(values) = column.elements else { return };
    let count = match layout.shape {
        Shape::Scalar | Shape::Fixed(_) => fixed_count(layout.shape),
        Shape::Variable { max } => {
            let count = if null { 0 } else { (end - start).min(max.unwrap_or(usize::MAX)) };
            push_count(out, count);
            count
        }
    };
    let mut byte = 0u8;
    for k in 0..count {
        let i = start + k;
        if !null && i < end && values.is_valid(i) && values.value(i) {
            byte |= 0x80 >> (k % 8);
        }
        if k % 8 == 7 {
            out.push(byte);
            byte = 0;
        }
    }
    if count % 8 != 0 {
        out.push(byte);
    }
}
