//! VOParquet (`application/vnd.apache.parquet`): Parquet whose footer carries the VOTable
//! metadata of the columns, following the IVOA Note "Parquet in the VO" 1.0 (2025), as TOPCAT/
//! STILTS, CADC and astropy (`Table.read(path, format="parquet.votable")`) use it.
//!
//! The file-level key-value metadata holds `IVOA.VOTable-Parquet.version` = `1.0` and
//! `IVOA.VOTable-Parquet.content` = a VOTable document without DATA: the same results RESOURCE
//! the VOTable encoder writes (QUERY_STATUS, INFOs, PARAMs, COOSYS, a TABLE whose FIELDs describe
//! the Parquet columns one to one). The footer is written at the end, so the embedded document
//! also gets the trailing `QUERY_STATUS` INFO for OVERFLOW or ERROR.
//!
//! Data go through [`parquet::arrow::ArrowWriter`] (Snappy compression) in row groups of at most
//! 65 536 rows or about 32 MiB, and every completed row group is handed to the caller: memory is
//! bounded by one row group.
//!
//! Column types are brought in line with the FIELD each column gets, so that readers that
//! combine the two (astropy stacks a table built from the VOTable on top of the Parquet data)
//! see compatible types: timestamps, dates and times become ISO 8601 strings (`char`, xtype
//! `timestamp`), decimals become doubles, `Float16` becomes `Float32`, dictionaries their
//! values, view types their plain forms, the `Null` type a string column of nulls, and binary
//! columns lists of bytes (their FIELD is an `unsignedByte` array). String FIELDs declare the
//! longest value as a bound (`arraysize="17*"`), which the footer can do because it is written
//! last. `UInt64` stays `UINT_64`, exact (its FIELD says `long`, the closest VOTable type).
//!
//! If the query fails after output has started, the Parquet file is still completed (with the
//! rows so far) and its embedded VOTable says `QUERY_STATUS` = `ERROR` with the message.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Float64Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_formats::{encode_all, voparquet, EndStatus, FormatKind, ResultInfo};
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("ra", DataType::Float64, true)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Float64Array::from(vec![1.0, 2.0]))]).unwrap();
//! let bytes = encode_all(FormatKind::Parquet, ResultInfo::default(), &schema, &[batch], &EndStatus::Overflow).unwrap();
//! assert_eq!(&bytes[..4], b"PAR1");
//! let (rows, votable) = voparquet::read_footer(bytes.into()).unwrap();
//! assert_eq!(rows, 2);
//! assert!(votable.contains(r#"<INFO name="QUERY_STATUS" value="OVERFLOW"/>"#));
//! ```

use arrow_array::cast::AsArray;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, LargeListArray, ListArray, OffsetSizeTrait, RecordBatch, UInt8Array,
};
use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use vo_votable::model::ArraySize;

use crate::metadata::{check_batch, results_document, trailing_infos, votable_fields};
use crate::plain::{plain_batch, plain_schema};
use crate::{EndStatus, FormatError, ResultInfo, TableEncoder};

/// Key of the convention version in the Parquet key-value metadata.
pub const VERSION_KEY: &str = "IVOA.VOTable-Parquet.version";
/// Key of the embedded VOTable document.
pub const CONTENT_KEY: &str = "IVOA.VOTable-Parquet.content";
/// The convention version written.
pub const VERSION: &str = "1.0";

/// Most rows in one row group.
const ROW_GROUP_ROWS: usize = 65_536;
/// Approximate largest encoded row group.
const ROW_GROUP_BYTES: usize = 32 * 1024 * 1024;

/// Writes VOParquet.
pub struct VoParquetEncoder {
    info: ResultInfo,
    schema: Option<SchemaRef>,
    /// The plain types of the columns (see [`crate::plain`]).
    plain_schema: Option<SchemaRef>,
    /// The schema of the Parquet data: the plain one with binaries as byte lists.
    parquet_schema: Option<SchemaRef>,
    writer: Option<ArrowWriter<Vec<u8>>>,
    /// Longest value (bytes) of each string column so far.
    longest_text: Vec<usize>,
}

impl VoParquetEncoder {
    /// An encoder whose embedded VOTable carries `info`.
    pub fn new(info: ResultInfo) -> Self {
        VoParquetEncoder {
            info,
            schema: None,
            plain_schema: None,
            parquet_schema: None,
            writer: None,
            longest_text: Vec::new(),
        }
    }

    fn writer(&mut self) -> Result<&mut ArrowWriter<Vec<u8>>, FormatError> {
        self.writer.as_mut().ok_or_else(|| FormatError::Usage("begin was not called, or finish was".into()))
    }
}

/// Moves the bytes the Parquet writer has completed into `out`.
fn drain(writer: &mut ArrowWriter<Vec<u8>>, out: &mut Vec<u8>) -> Result<(), FormatError> {
    writer.sync()?;
    // Taking bytes out of the Vec does not disturb the writer: it counts positions itself.
    out.append(writer.inner_mut());
    Ok(())
}

impl TableEncoder for VoParquetEncoder {
    fn begin(&mut self, schema: &SchemaRef, out: &mut Vec<u8>) -> Result<(), FormatError> {
        votable_fields(schema)?;
        let plain = plain_schema(schema)?;
        let parquet_schema = bytes_as_lists(&plain);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .set_created_by(format!("vo-formats {}", env!("CARGO_PKG_VERSION")))
            .build();
        let mut writer = ArrowWriter::try_new(Vec::new(), parquet_schema.clone(), Some(properties))?;
        drain(&mut writer, out)?;
        self.writer = Some(writer);
        self.schema = Some(schema.clone());
        self.plain_schema = Some(plain);
        self.parquet_schema = Some(parquet_schema);
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let (Some(schema), Some(plain), Some(parquet_schema)) =
            (&self.schema, &self.plain_schema, &self.parquet_schema)
        else {
            return Err(FormatError::Usage("begin was not called".into()));
        };
        check_batch(schema, batch)?;
        let converted = binary_columns_as_lists(parquet_schema, &plain_batch(plain, batch)?)?;
        self.longest_text.resize(converted.num_columns(), 0);
        for (longest, column) in self.longest_text.iter_mut().zip(converted.columns()) {
            *longest = (*longest).max(longest_string(column.as_ref()));
        }
        let writer = self.writer()?;
        writer.write(&converted)?;
        drain(writer, out)
    }

    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let schema = self.schema.clone().ok_or_else(|| FormatError::Usage("begin was not called".into()))?;
        let mut fields = votable_fields(&schema)?;
        for (field, &longest) in fields.iter_mut().zip(&self.longest_text) {
            // A bound on string lengths (`arraysize="N*"`) lets readers that need fixed-width
            // strings (astropy's parquet.votable) combine the FIELDs with the data.
            if field.datatype.is_character() && field.arraysize == Some(ArraySize::variable()) {
                field.arraysize = Some(ArraySize::bounded(longest.max(1) as u32));
            }
        }
        let mut doc = results_document(&self.info, fields);
        doc.resources[0].trailing_infos = trailing_infos(status);
        let mut writer = self.writer.take().ok_or_else(|| FormatError::Usage("finish was already called".into()))?;
        writer.append_key_value_metadata(KeyValue::new(VERSION_KEY.to_string(), VERSION.to_string()));
        writer.append_key_value_metadata(KeyValue::new(CONTENT_KEY.to_string(), doc.to_xml_string()));
        writer.finish()?;
        drain(&mut writer, out)
    }
}

/// `schema` with binary columns as lists of bytes, matching their `unsignedByte` array FIELDs
/// (astropy's reader, for one, cannot combine a bytes column with an array FIELD).
fn bytes_as_lists(schema: &Schema) -> SchemaRef {
    let item = || Arc::new(ArrowField::new("item", DataType::UInt8, true));
    let fields: Vec<ArrowField> = schema
        .fields()
        .iter()
        .map(|f| {
            let data_type = match f.data_type() {
                DataType::Binary => DataType::List(item()),
                DataType::LargeBinary => DataType::LargeList(item()),
                DataType::FixedSizeBinary(n) => DataType::FixedSizeList(item(), *n),
                other => other.clone(),
            };
            f.as_ref().clone().with_data_type(data_type)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// Rewrites the binary columns of `batch` as the byte lists of `schema` (from [`bytes_as_lists`]).
fn binary_columns_as_lists(schema: &SchemaRef, batch: &RecordBatch) -> Result<RecordBatch, FormatError> {
    let item = Arc::new(ArrowField::new("item", DataType::UInt8, true));
    let columns = batch
        .columns()
        .iter()
        .map(|array| -> Result<ArrayRef, FormatError> {
            let bytes = |values: &arrow_buffer::Buffer| UInt8Array::new(values.clone().into(), None);
            Ok(match array.data_type() {
                DataType::Binary => {
                    let b = array.as_binary::<i32>();
                    Arc::new(ListArray::try_new(
                        item.clone(),
                        b.offsets().clone(),
                        Arc::new(bytes(b.values())),
                        b.nulls().cloned(),
                    )?)
                }
                DataType::LargeBinary => {
                    let b = array.as_binary::<i64>();
                    Arc::new(LargeListArray::try_new(
                        item.clone(),
                        b.offsets().clone(),
                        Arc::new(bytes(b.values())),
                        b.nulls().cloned(),
                    )?)
                }
                DataType::FixedSizeBinary(n) => {
                    let b = array.as_fixed_size_binary();
                    let values = UInt8Array::new(b.value_data().to_vec().into(), None);
                    Arc::new(FixedSizeListArray::try_new(item.clone(), *n, Arc::new(values), b.nulls().cloned())?)
                }
                _ => array.clone(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

/// The byte length of the longest string in a string column (0 for other columns).
fn longest_string(array: &dyn Array) -> usize {
    fn longest<O: OffsetSizeTrait>(array: &dyn Array) -> usize {
        let offsets = array.as_string::<O>().value_offsets();
        offsets.windows(2).map(|w| (w[1] - w[0]).as_usize()).max().unwrap_or(0)
    }
    match array.data_type() {
        DataType::Utf8 => longest::<i32>(array),
        DataType::LargeUtf8 => longest::<i64>(array),
        _ => 0,
    }
}

/// Reads back the row count and the embedded VOTable of a VOParquet file (for checks and
/// tests; clients use their own Parquet readers).
pub fn read_footer(file: bytes::Bytes) -> Result<(i64, String), FormatError> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(file)?;
    let metadata = reader.metadata().file_metadata();
    let content = metadata
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == CONTENT_KEY))
        .and_then(|kv| kv.value.clone())
        .ok_or_else(|| FormatError::Usage(format!("the file has no {CONTENT_KEY} metadata")))?;
    Ok((metadata.num_rows(), content))
}
