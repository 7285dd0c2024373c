//! Borrowed, typed views of conformed Arrow columns, so the per-row encoders never downcast.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, BooleanArray, LargeStringArray, StringArray, StringViewArray};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;

use crate::error::{Error, Result};
use crate::model::Field;

/// A string column in any of Arrow's three string layouts.
pub(crate) enum StrColumn<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> StrColumn<'a> {
    /// `None` when the array holds no strings.
    pub(crate) fn new(array: &'a dyn Array) -> Option<Self> {
        match array.data_type() {
            DataType::Utf8 => Some(StrColumn::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(StrColumn::Large(array.as_string::<i64>())),
            DataType::Utf8View => Some(StrColumn::View(array.as_string_view())),
            _ => None,
        }
    }

    #[inline]
    pub(crate) fn value(&self, row: usize) -> &'a str {
        match self {
            StrColumn::Utf8(a) => a.value(row),
            StrColumn::Large(a) => a.value(row),
            StrColumn::View(a) => a.value(row),
        }
    }

    pub(crate) fn is_valid(&self, row: usize) -> bool {
        match self {
            StrColumn::Utf8(a) => a.is_valid(row),
            StrColumn::Large(a) => a.is_valid(row),
            StrColumn::View(a) => a.is_valid(row),
        }
    }
}

/// The flat element values of a numeric or boolean column (scalar or array).
pub(crate) enum Elements<'a> {
    Bool(&'a BooleanArray),
    U8(&'a [u8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// How rows map to ranges of elements.
pub(crate) enum Cells<'a> {
    /// One element per row.
    Scalar,
    /// `size` elements per row, starting at `first`.
    Fixed { first: usize, size: usize },
    /// Arrow `List` / `Binary` offsets.
    List(&'a [i32]),
    /// Arrow `LargeList` / `LargeBinary` offsets.
    LargeList(&'a [i64]),
}

/// A numeric/boolean column: elements, their nulls, and the row → elements mapping.
pub(crate) struct NumericColumn<'a> {
    pub elements: Elements<'a>,
    pub element_nulls: Option<&'a NullBuffer>,
    pub cells: Cells<'a>,
}

impl NumericColumn<'_> {
    /// The half-open range of element indices of `row`.
    #[inline]
    pub(crate) fn range(&self, row: usize) -> (usize, usize) {
        match self.cells {
            Cells::Scalar => (row, row + 1),
            Cells::Fixed { first, size } => (first + row * size, first + (row + 1) * size),
            Cells::List(offsets) => (offsets[row] as usize, offsets[row + 1] as usize),
            Cells::LargeList(offsets) => (offsets[row] as usize, offsets[row + 1] as usize),
        }
    }
}

/// A conformed column ready for encoding.
pub(crate) enum ColumnView<'a> {
    Str(StrColumn<'a>),
    Numeric(NumericColumn<'a>),
}

fn elements_of<'a>(array: &'a dyn Array) -> Option<Elements<'a>> {
    Some(match array.data_type() {
        DataType::Boolean => Elements::Bool(array.as_boolean()),
        DataType::UInt8 => Elements::U8(array.as_primitive::<UInt8Type>().values()),
        DataType::Int16 => Elements::I16(array.as_primitive::<Int16Type>().values()),
        DataType::Int32 => Elements::I32(array.as_primitive::<Int32Type>().values()),
        DataType::Int64 => Elements::I64(array.as_primitive::<Int64Type>().values()),
        DataType::Float32 => Elements::F32(array.as_primitive::<Float32Type>().values()),
        DataType::Float64 => Elements::F64(array.as_primitive::<Float64Type>().values()),
        _ => return None,
    })
}

impl<'a> ColumnView<'a> {
    /// A view of an array produced by [`super::conform::conform`].
    pub(crate) fn new(array: &'a dyn Array, field: &Field) -> Result<Self> {
        if let Some(s) = StrColumn::new(array) {
            return Ok(ColumnView::Str(s));
        }
        let unexpected =
            || Error::conversion(&field.name, format!("internal: unexpected conformed type {}", array.data_type()));
        let numeric = match array.data_type() {
            DataType::FixedSizeList(_, size) => {
                let list = array.as_fixed_size_list();
                let values = list.values().as_ref();
                NumericColumn {
                    elements: elements_of(values).ok_or_else(unexpected)?,
                    element_nulls: values.nulls(),
                    cells: Cells::Fixed {
                        first: if list.is_empty() { 0 } else { list.value_offset(0) as usize },
                        size: *size as usize,
                    },
                }
            }
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                let values = list.values().as_ref();
                NumericColumn {
                    elements: elements_of(values).ok_or_else(unexpected)?,
                    element_nulls: values.nulls(),
                    cells: Cells::List(list.value_offsets()),
                }
            }
            DataType::LargeList(_) => {
                let list = array.as_list::<i64>();
                let values = list.values().as_ref();
                NumericColumn {
                    elements: elements_of(values).ok_or_else(unexpected)?,
                    element_nulls: values.nulls(),
                    cells: Cells::LargeList(list.value_offsets()),
                }
            }
            DataType::Binary => {
                let b = array.as_binary::<i32>();
                NumericColumn {
                    elements: Elements::U8(b.value_data()),
                    element_nulls: None,
                    cells: Cells::List(b.value_offsets()),
                }
            }
            DataType::LargeBinary => {
                let b = array.as_binary::<i64>();
                NumericColumn {
                    elements: Elements::U8(b.value_data()),
                    element_nulls: None,
                    cells: Cells::LargeList(b.value_offsets()),
                }
            }
            DataType::FixedSizeBinary(size) => {
                let b = array.as_fixed_size_binary();
                NumericColumn {
                    elements: Elements::U8(b.value_data()),
                    element_nulls: None,
                    cells: Cells::Fixed { first: 0, size: *size as usize },
                }
            }
            _ => NumericColumn {
                elements: elements_of(array).ok_or_else(unexpected)?,
                element_nulls: array.nulls(),
                cells: Cells::Scalar,
            },
        };
        Ok(ColumnView::Numeric(numeric))
    }
}

/// `true` when a string column holds a non-ASCII character (used to pick `unicodeChar`).
pub(crate) fn strings_have_non_ascii(array: &dyn Array) -> bool {
    match StrColumn::new(array) {
        Some(StrColumn::Utf8(a)) => !a.value_data().is_ascii(),
        Some(StrColumn::Large(a)) => !a.value_data().is_ascii(),
        Some(StrColumn::View(a)) => a.iter().flatten().any(|s| !s.is_ascii()),
        None => false,
    }
}
