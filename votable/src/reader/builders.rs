//! Arrow array builders for one column, fed cell by cell by the TABLEDATA and binary decoders.

use std::sync::Arc;

use arrow_array::types::*;
use arrow_array::{ArrayRef, BooleanArray, FixedSizeListArray, ListArray, PrimitiveArray, StringArray};
use arrow_buffer::{BooleanBufferBuilder, NullBufferBuilder, OffsetBuffer, ScalarBuffer};
use arrow_schema::Field as ArrowField;

use crate::error::Result;
use crate::layout::{CellLayout, Shape};
use crate::model::Datatype;

/// Element values of a numeric or boolean column.
pub(crate) enum ElementValues {
    Bool(BooleanBufferBuilder),
    U8(Vec<u8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl ElementValues {
    fn new(datatype: Datatype) -> Self {
        match datatype {
            Datatype::Boolean | Datatype::Bit => ElementValues::Bool(BooleanBufferBuilder::new(1024)),
            Datatype::UnsignedByte => ElementValues::U8(Vec::new()),
            Datatype::Short => ElementValues::I16(Vec::new()),
            Datatype::Int => ElementValues::I32(Vec::new()),
            Datatype::Long => ElementValues::I64(Vec::new()),
            Datatype::Float | Datatype::FloatComplex => ElementValues::F32(Vec::new()),
            Datatype::Double | Datatype::DoubleComplex => ElementValues::F64(Vec::new()),
            // Character columns use `TextBuilder`; an empty float column is never used for them.
            Datatype::Char | Datatype::UnicodeChar => ElementValues::F64(Vec::new()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            ElementValues::Bool(b) => b.len(),
            ElementValues::U8(v) => v.len(),
            ElementValues::I16(v) => v.len(),
            ElementValues::I32(v) => v.len(),
            ElementValues::I64(v) => v.len(),
            ElementValues::F32(v) => v.len(),
            ElementValues::F64(v) => v.len(),
        }
    }

    /// Appends a filler value for a null element.
    fn push_filler(&mut self) {
        match self {
            ElementValues::Bool(b) => b.append(false),
            ElementValues::U8(v) => v.push(0),
            ElementValues::I16(v) => v.push(0),
            ElementValues::I32(v) => v.push(0),
            ElementValues::I64(v) => v.push(0),
            ElementValues::F32(v) => v.push(f32::NAN),
            ElementValues::F64(v) => v.push(f64::NAN),
        }
    }
}

/// Builder for a numeric or boolean column, scalar or array.
pub(crate) struct NumericBuilder {
    pub(crate) values: ElementValues,
    pub(crate) element_validity: NullBufferBuilder,
    /// Cell validity of array columns (scalar columns use `element_validity`).
    cell_validity: NullBufferBuilder,
    offsets: Vec<i32>,
    shape: Shape,
    components: usize,
    pub(crate) int_null: Option<i64>,
    pub(crate) float_null: Option<f64>,
}

impl NumericBuilder {
    pub(crate) fn new(layout: &CellLayout) -> Self {
        NumericBuilder {
            values: ElementValues::new(layout.datatype),
            element_validity: NullBufferBuilder::new(1024),
            cell_validity: NullBufferBuilder::new(1024),
            offsets: vec![0],
            shape: layout.shape,
            components: layout.components,
            int_null: layout.int_null,
            float_null: layout.float_null,
        }
    }

    /// Appends a null element.
    pub(crate) fn push_null_element(&mut self) {
        self.values.push_filler();
        self.element_validity.append_null();
    }

    /// Undoes the elements pushed since `start_len` by a cell that failed to decode, and closes
    /// the cell as null instead.
    pub(crate) fn null_cell_after_error(&mut self, start_len: usize) {
        match &mut self.values {
            ElementValues::Bool(b) => b.truncate(start_len),
            ElementValues::U8(v) => v.truncate(start_len),
            ElementValues::I16(v) => v.truncate(start_len),
            ElementValues::I32(v) => v.truncate(start_len),
            ElementValues::I64(v) => v.truncate(start_len),
            ElementValues::F32(v) => v.truncate(start_len),
            ElementValues::F64(v) => v.truncate(start_len),
        }
        self.element_validity.truncate(start_len);
        // Nothing is pushed now, so closing as null cannot fail.
        let _ = self.end_cell(false, start_len);
    }

    /// Closes a cell whose elements have been pushed. Fixed-size cells with fewer elements are
    /// padded with nulls; more elements than declared is an error.
    pub(crate) fn end_cell(&mut self, valid: bool, start_len: usize) -> Result<(), String> {
        let pushed = self.values.len() - start_len;
        match self.shape {
            Shape::Scalar => {
                if !valid && pushed == 0 {
                    for _ in 0..self.components {
                        self.push_null_element();
                    }
                }
                if self.components == 2 {
                    self.cell_validity.append(valid);
                }
            }
            Shape::Fixed(n) => {
                let expected = n * self.components;
                if pushed > expected {
                    return Err(format!("{} values where the arraysize allows {}", pushed / self.components, n));
                }
                for _ in pushed..expected {
                    self.push_null_element();
                }
                self.cell_validity.append(valid);
            }
            Shape::Variable { .. } => {
                let end = i32::try_from(self.values.len())
                    .map_err(|_| "more than 2^31 array elements in one batch; use a smaller batch size".to_string())?;
                self.offsets.push(end);
                self.cell_validity.append(valid);
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        let element_validity = self.element_validity.finish();
        let values: ArrayRef = match &mut self.values {
            ElementValues::Bool(b) => Arc::new(BooleanArray::new(b.finish(), element_validity)),
            ElementValues::U8(v) => {
                Arc::new(PrimitiveArray::<UInt8Type>::new(ScalarBuffer::from(std::mem::take(v)), element_validity))
            }
            ElementValues::I16(v) => {
                Arc::new(PrimitiveArray::<Int16Type>::new(ScalarBuffer::from(std::mem::take(v)), element_validity))
            }
            ElementValues::I32(v) => {
                Arc::new(PrimitiveArray::<Int32Type>::new(ScalarBuffer::from(std::mem::take(v)), element_validity))
            }
            ElementValues::I64(v) => {
                Arc::new(PrimitiveArray::<Int64Type>::new(ScalarBuffer::from(std::mem::take(v)), element_validity))
            }
            ElementValues::F32(v) => {
                Arc::new(PrimitiveArray::<Float32Type>::new(ScalarBuffer::from(std::mem::take(v)), element_validity))
            }
            ElementValues::F64(v) => {
                Arc::new(PrimitiveArray::<Float64Type>::new(ScalarBuffer::from(std::mem::take(v)), element_validity))
            }
        };
        let item = Arc::new(ArrowField::new("item", values.data_type().clone(), true));
        let cell_validity = self.cell_validity.finish();
        match self.shape {
            Shape::Scalar if self.components == 1 => values,
            Shape::Scalar => Arc::new(FixedSizeListArray::new(item, 2, values, cell_validity)),
            Shape::Fixed(n) => {
                Arc::new(FixedSizeListArray::new(item, (n * self.components) as i32, values, cell_validity))
            }
            Shape::Variable { .. } => {
                let offsets = std::mem::replace(&mut self.offsets, vec![0]);
                // Offsets are pushed in increasing order by `end_cell`, so they are valid.
                Arc::new(ListArray::new(item, OffsetBuffer::new(ScalarBuffer::from(offsets)), values, cell_validity))
            }
        }
    }
}

/// Builder for a `char` / `unicodeChar` column.
pub(crate) struct TextBuilder {
    pub(crate) bytes: Vec<u8>,
    offsets: Vec<i32>,
    validity: NullBufferBuilder,
}

impl TextBuilder {
    fn new() -> Self {
        TextBuilder { bytes: Vec::new(), offsets: vec![0], validity: NullBufferBuilder::new(1024) }
    }

    #[inline]
    pub(crate) fn push(&mut self, text: &str) -> Result<(), String> {
        self.bytes.extend_from_slice(text.as_bytes());
        self.end_value(true)
    }

    pub(crate) fn push_null(&mut self) -> Result<(), String> {
        self.end_value(false)
    }

    /// Closes a value whose UTF-8 bytes were appended to `bytes` directly.
    #[inline]
    pub(crate) fn end_value(&mut self, valid: bool) -> Result<(), String> {
        let end = i32::try_from(self.bytes.len())
            .map_err(|_| "more than 2 GiB of text in one batch; use a smaller batch size".to_string())?;
        self.offsets.push(end);
        self.validity.append(valid);
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let offsets = OffsetBuffer::new(ScalarBuffer::from(std::mem::replace(&mut self.offsets, vec![0])));
        let bytes = std::mem::take(&mut self.bytes);
        Ok(Arc::new(StringArray::try_new(offsets, bytes.into(), self.validity.finish())?))
    }
}

/// The builder of one column.
pub(crate) enum ColumnBuilder {
    Numeric(NumericBuilder),
    Text(TextBuilder),
}

impl ColumnBuilder {
    pub(crate) fn new(layout: &CellLayout) -> Self {
        if layout.datatype.is_character() {
            ColumnBuilder::Text(TextBuilder::new())
        } else {
            ColumnBuilder::Numeric(NumericBuilder::new(layout))
        }
    }

    /// The finished array; the builder is empty again afterwards.
    pub(crate) fn finish(&mut self) -> Result<ArrayRef> {
        match self {
            ColumnBuilder::Numeric(b) => Ok(b.finish()),
            ColumnBuilder::Text(b) => b.finish(),
        }
    }
}
