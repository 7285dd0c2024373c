//! The few "plain" column types the binary encoders (VOParquet, FITS) write, and the conversion
//! of every other type to them, so that each column matches the VOTable FIELD it is described by.
//!
//! | Arrow | plain |
//! |---|---|
//! | `Timestamp`, `Date32/64`, `Time32/64` | `Utf8`, ISO 8601 (FIELD: `char`, xtype `timestamp`) |
//! | `Null`, `Utf8View` | `Utf8` |
//! | `Float16` | `Float32` |
//! | `Decimal*` | `Float64` |
//! | `BinaryView` | `Binary` |
//! | `Dictionary<_, V>` | plain V |
//! | `List`, `ListView` / `LargeList`, `LargeListView` / `FixedSizeList` | the same list kind of plain items |
//! | booleans, integers, `Float32/64`, `Utf8`, `LargeUtf8`, binaries | unchanged |

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef};

use crate::FormatError;
use crate::text::string_array;

/// The plain type of a column of Arrow type `data_type` (named `name` in errors).
pub(crate) fn plain_type(name: &str, data_type: &DataType) -> Result<DataType, FormatError> {
    let item = |item: &ArrowField| -> Result<Arc<ArrowField>, FormatError> {
        Ok(Arc::new(ArrowField::new(item.name(), plain_type(name, item.data_type())?, true)))
    };
    Ok(match data_type {
        DataType::Null
        | DataType::Timestamp(..)
        | DataType::Date32
        | DataType::Date64
        | DataType::Time32(_)
        | DataType::Time64(_)
        | DataType::Utf8View => DataType::Utf8,
        DataType::Float16 => DataType::Float32,
        DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..) | DataType::Decimal256(..) => {
            DataType::Float64
        }
        DataType::BinaryView => DataType::Binary,
        DataType::Dictionary(_, values) => plain_type(name, values)?,
        DataType::List(i) | DataType::ListView(i) => DataType::List(item(i)?),
        DataType::LargeList(i) | DataType::LargeListView(i) => DataType::LargeList(item(i)?),
        DataType::FixedSizeList(i, n) => DataType::FixedSizeList(item(i)?, *n),
        DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::FixedSizeBinary(_) => data_type.clone(),
        other => {
            return Err(FormatError::unsupported(
                name,
                format!(
                    "Arrow type {other} has no plain equivalent (structs, maps, unions and intervals cannot be written)"
                ),
            ));
        }
    })
}

/// Converts a column to its plain type `target` (from [`plain_type`]).
pub(crate) fn to_plain_column(name: &str, array: &ArrayRef, target: &DataType) -> Result<ArrayRef, FormatError> {
    if array.data_type() == target {
        return Ok(array.clone());
    }
    let temporal = |t: &DataType| {
        matches!(
            t,
            DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 | DataType::Time32(_) | DataType::Time64(_)
        )
    };
    match array.data_type() {
        DataType::Dictionary(_, values) if temporal(values) => {
            let plain = arrow_cast::cast(array, values)?;
            string_array(name, &plain)
        }
        source if temporal(source) => string_array(name, array),
        _ => Ok(arrow_cast::cast(array, target)?),
    }
}

/// The plain schema for `schema`: same names and metadata, plain types, every column nullable.
pub(crate) fn plain_schema(schema: &Schema) -> Result<SchemaRef, FormatError> {
    let fields = schema
        .fields()
        .iter()
        .map(|f| {
            let data_type = plain_type(f.name(), f.data_type())?;
            Ok(ArrowField::new(f.name(), data_type, true).with_metadata(f.metadata().clone()))
        })
        .collect::<Result<Vec<_>, FormatError>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

/// `batch` converted to `plain` (from [`plain_schema`]).
pub(crate) fn plain_batch(plain: &SchemaRef, batch: &RecordBatch) -> Result<RecordBatch, FormatError> {
    let columns = batch
        .columns()
        .iter()
        .zip(plain.fields())
        .map(|(array, field)| to_plain_column(field.name(), array, field.data_type()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(plain.clone(), columns)?)
}
