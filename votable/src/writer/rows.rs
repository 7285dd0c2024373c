//! A row-at-a-time API for producers that do not hold Arrow data: rows of [`Value`]s are
//! collected into record batches of 1024 rows and written like any batch.

use std::sync::Arc;

use arrow_array::types::*;
use arrow_array::{ArrayRef, BooleanArray, FixedSizeListArray, ListArray, PrimitiveArray, RecordBatch, StringArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, SchemaRef};

use crate::convert::schema_from_fields;
use crate::error::{Error, Result};

use super::VotableWriter;

/// One cell value for [`VotableWriter::write_row`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null cell (or null array element).
    Null,
    /// A `boolean` or `bit`.
    Bool(bool),
    /// Any integer datatype (range-checked against the FIELD's datatype).
    Int(i64),
    /// `float` or `double`.
    Float(f64),
    /// `char` / `unicodeChar` text.
    Text(String),
    /// An array cell (complex numbers: real and imaginary parts in sequence).
    Array(Vec<Value>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v as i64)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

const ROWS_PER_BATCH: usize = 1024;

/// Rows waiting to become a batch.
pub(crate) struct RowBuffer {
    schema: SchemaRef,
    rows: Vec<Vec<Value>>,
}

impl<W: std::io::Write> VotableWriter<W> {
    /// Appends one row. Rows are buffered and written 1024 at a time (and by `finish`).
    pub fn write_row(&mut self, row: &[Value]) -> Result<()> {
        if row.len() != self.fields.len() {
            return Err(Error::Usage(format!(
                "row has {} values but the table has {} FIELDs",
                row.len(),
                self.fields.len()
            )));
        }
        if self.row_buffer.is_none() {
            let schema = Arc::new(schema_from_fields(&self.fields)?);
            self.row_buffer = Some(RowBuffer { schema, rows: Vec::with_capacity(ROWS_PER_BATCH) });
        }
        let buffer = self.row_buffer.as_mut().expect("row buffer was just created");
        // Check now, so the error points at this row rather than at a later flush.
        for (value, field) in row.iter().zip(buffer.schema.fields()) {
            check_value(value, field.data_type(), field.name())?;
        }
        buffer.rows.push(row.to_vec());
        if buffer.rows.len() >= ROWS_PER_BATCH {
            self.flush_rows()?;
        }
        Ok(())
    }

    /// Writes rows collected by `write_row` as one batch.
    pub(crate) fn flush_rows(&mut self) -> Result<()> {
        let Some(buffer) = self.row_buffer.as_mut() else { return Ok(()) };
        if buffer.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut buffer.rows);
        let schema = buffer.schema.clone();
        let columns = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(c, field)| {
                let cells: Vec<&Value> = rows.iter().map(|r| &r[c]).collect();
                build_array(&cells, field.data_type(), field.name())
            })
            .collect::<Result<Vec<_>>>()?;
        let batch = RecordBatch::try_new(schema, columns)?;
        self.encode_batch(&batch)
    }
}

/// Whether `value` can be stored in a column of `data_type` (integers range-checked).
fn check_value(value: &Value, data_type: &DataType, column: &str) -> Result<()> {
    let fits = match (value, data_type) {
        (Value::Null, _) => true,
        (Value::Bool(_), DataType::Boolean) => true,
        (Value::Int(i), DataType::UInt8) => u8::try_from(*i).is_ok(),
        (Value::Int(i), DataType::Int16) => i16::try_from(*i).is_ok(),
        (Value::Int(i), DataType::Int32) => i32::try_from(*i).is_ok(),
        (Value::Int(_), DataType::Int64 | DataType::Float32 | DataType::Float64) => true,
        (Value::Float(_), DataType::Float32 | DataType::Float64) => true,
        (Value::Text(_), DataType::Utf8) => true,
        (Value::Array(items), DataType::FixedSizeList(item, _) | DataType::List(item)) => {
            return items.iter().try_for_each(|v| check_value(v, item.data_type(), column));
        }
        _ => false,
    };
    if fits { Ok(()) } else { Err(wrong(column, value, data_type)) }
}

fn wrong(column: &str, value: &Value, data_type: &DataType) -> Error {
    Error::Value {
        position: None,
        column: column.to_string(),
        message: format!("{value:?} cannot be stored as {data_type}"),
    }
}

fn build_array(cells: &[&Value], data_type: &DataType, column: &str) -> Result<ArrayRef> {
    fn ints<T: ArrowPrimitiveType>(cells: &[&Value], data_type: &DataType, column: &str) -> Result<ArrayRef>
    where
        T::Native: TryFrom<i64>,
    {
        let values = cells
            .iter()
            .map(|v| match v {
                Value::Null => Ok(None),
                Value::Int(i) => T::Native::try_from(*i).map(Some).map_err(|_| wrong(column, v, data_type)),
                other => Err(wrong(column, other, data_type)),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(values.into_iter().collect::<PrimitiveArray<T>>()))
    }
    let float = |v: &Value| match v {
        Value::Null => Ok(None),
        Value::Float(f) => Ok(Some(*f)),
        Value::Int(i) => Ok(Some(*i as f64)),
        other => Err(wrong(column, other, data_type)),
    };
    Ok(match data_type {
        DataType::Boolean => Arc::new(
            cells
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    Value::Bool(b) => Ok(Some(*b)),
                    other => Err(wrong(column, other, data_type)),
                })
                .collect::<Result<BooleanArray>>()?,
        ),
        DataType::UInt8 => ints::<UInt8Type>(cells, data_type, column)?,
        DataType::Int16 => ints::<Int16Type>(cells, data_type, column)?,
        DataType::Int32 => ints::<Int32Type>(cells, data_type, column)?,
        DataType::Int64 => ints::<Int64Type>(cells, data_type, column)?,
        DataType::Float32 => Arc::new(
            cells
                .iter()
                .map(|v| float(v).map(|f| f.map(|f| f as f32)))
                .collect::<Result<PrimitiveArray<Float32Type>>>()?,
        ),
        DataType::Float64 => Arc::new(cells.iter().map(|v| float(v)).collect::<Result<PrimitiveArray<Float64Type>>>()?),
        DataType::Utf8 => Arc::new(
            cells
                .iter()
                .map(|v| match v {
                    Value::Null => Ok(None),
                    Value::Text(s) => Ok(Some(s.as_str())),
                    other => Err(wrong(column, other, data_type)),
                })
                .collect::<Result<StringArray>>()?,
        ),
        DataType::FixedSizeList(item, _) | DataType::List(item) => {
            let size = match data_type {
                DataType::FixedSizeList(_, size) => *size,
                _ => 0,
            };
            let mut children: Vec<&Value> = Vec::new();
            let mut lengths = Vec::with_capacity(cells.len());
            let mut valid = Vec::with_capacity(cells.len());
            for cell in cells {
                match cell {
                    Value::Null => {
                        let padding = size as usize;
                        children.extend(std::iter::repeat_n(&Value::Null, padding));
                        lengths.push(padding);
                        valid.push(false);
                    }
                    Value::Array(items) => {
                        children.extend(items.iter());
                        lengths.push(items.len());
                        valid.push(true);
                    }
                    other => return Err(wrong(column, other, data_type)),
                }
            }
            let values = build_array(&children, item.data_type(), column)?;
            let nulls = Some(NullBuffer::from(valid));
            if let DataType::FixedSizeList(..) = data_type {
                if let Some(bad) = lengths.iter().find(|&&n| n != size as usize) {
                    return Err(Error::Value {
                        position: None,
                        column: column.to_string(),
                        message: format!("array of {bad} values where the arraysize requires {size}"),
                    });
                }
                Arc::new(FixedSizeListArray::try_new(item.clone(), size, values, nulls)?)
            } else {
                Arc::new(ListArray::try_new(item.clone(), OffsetBuffer::from_lengths(lengths), values, nulls)?)
            }
        }
        other => return Err(Error::conversion(column, format!("no row conversion to {other}"))),
    })
}
