//! VOTable output (BINARY2, BINARY, TABLEDATA) through [`vo_votable::writer::VotableWriter`].
//!
//! The document is a DALI result (DALI §4.4): one `RESOURCE type="results"` holding
//! `INFO name="QUERY_STATUS" value="OK"` first, then the [`ResultInfo`] INFOs, PARAMs and COOSYS,
//! the TABLE, and for OVERFLOW or ERROR a trailing `QUERY_STATUS` INFO after `</TABLE>`.
//!
//! The head is written with the first non-empty batch rather than in `begin`: string columns are
//! declared `unicodeChar` when that batch holds non-ASCII text in them (BINARY/BINARY2 `char`
//! is 7-bit ASCII), unless the field metadata fixes the datatype. A non-ASCII character that
//! only appears in a later batch of a `char` column is written as `?`; catalogues whose text is
//! not ASCII should say `votable.datatype = unicodeChar` in the column metadata.
//!
//! BINARY has no null flags, so scalar integer columns get the type's minimum (255 for
//! `unsignedByte`) as VALUES `null`; a genuine value equal to it reads back as null. BINARY2,
//! the default, has no such limit.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int32Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_formats::{votable::VotableEncoder, EndStatus, ResultInfo, TableEncoder};
//! use vo_votable::writer::Serialization;
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int32, true)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(vec![1, 2]))]).unwrap();
//! let mut encoder = VotableEncoder::new(ResultInfo::default(), Serialization::Binary2);
//! let mut out = Vec::new();
//! encoder.begin(&schema, &mut out).unwrap();
//! encoder.write_batch(&batch, &mut out).unwrap();
//! encoder.finish(&EndStatus::Error("disk full".into()), &mut out).unwrap();
//! let (doc, batches) = vo_votable::read_all(&out[..]).unwrap();
//! assert_eq!(batches[0].num_rows(), 2);
//! assert_eq!(doc.resources[0].trailing_infos[0].content.as_deref(), Some("disk full"));
//! ```

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};
use vo_votable::writer::{Serialization, VotableWriter, declare_binary_nulls};

use crate::metadata::{check_batch, results_document, trailing_infos, votable_fields};
use crate::{EndStatus, FormatError, ResultInfo, TableEncoder};

/// Writes a DALI VOTable result in one of the three serializations.
pub struct VotableEncoder {
    info: ResultInfo,
    serialization: Serialization,
    schema: Option<SchemaRef>,
    writer: Option<VotableWriter<Vec<u8>>>,
    rows: u64,
}

impl VotableEncoder {
    /// An encoder for `serialization`, with the document metadata of `info`.
    pub fn new(info: ResultInfo, serialization: Serialization) -> Self {
        VotableEncoder { info, serialization, schema: None, writer: None, rows: 0 }
    }

    fn schema(&self) -> Result<&SchemaRef, FormatError> {
        self.schema.as_ref().ok_or_else(|| FormatError::Usage("begin was not called".into()))
    }

    /// Starts the document, picking string datatypes from `sample` when there is one.
    fn start(&mut self, sample: Option<&RecordBatch>) -> Result<&mut VotableWriter<Vec<u8>>, FormatError> {
        if self.writer.is_none() {
            let schema = self.schema()?.clone();
            let mut fields = match sample {
                Some(batch) => {
                    // The sample carries the result's field metadata; nullability is not checked
                    // (an engine may declare a column non-nullable and still produce nulls).
                    let fields: Vec<_> =
                        schema.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect();
                    let sample_schema = Arc::new(Schema::new(fields));
                    let relabelled = RecordBatch::try_new(sample_schema, batch.columns().to_vec())?;
                    vo_votable::convert::fields_for_batch(&relabelled)?
                }
                None => votable_fields(&schema)?,
            };
            if self.serialization == Serialization::Binary {
                // BINARY has no null flags: scalar integers need a magic null value. Array
                // columns do not (a null array is written empty), and a magic value there would
                // turn genuine elements (a 255 byte) into nulls.
                for field in fields.iter_mut().filter(|f| f.arraysize.is_none()) {
                    declare_binary_nulls(std::slice::from_mut(field));
                }
            }
            let doc = results_document(&self.info, fields);
            self.writer = Some(VotableWriter::new(Vec::new(), doc, self.serialization)?);
        }
        Ok(self.writer.as_mut().expect("the writer was just created"))
    }
}

impl TableEncoder for VotableEncoder {
    fn begin(&mut self, schema: &SchemaRef, _out: &mut Vec<u8>) -> Result<(), FormatError> {
        // Fail now on columns without a VOTable datatype, before anything is sent.
        votable_fields(schema)?;
        self.schema = Some(schema.clone());
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
        check_batch(self.schema()?, batch)?;
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let first_row = self.rows;
        let writer = self.start(Some(batch))?;
        out.append(writer.get_mut());
        writer.write_batch(batch).map_err(|e| locate(e, first_row))?;
        out.append(writer.get_mut());
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError> {
        self.start(None)?;
        let writer = self.writer.take().expect("start created the writer");
        out.append(&mut writer.finish(&trailing_infos(status))?);
        Ok(())
    }
}

/// Turns the writer's per-batch row number into a row number of the whole result.
fn locate(error: vo_votable::Error, first_row: u64) -> FormatError {
    if let vo_votable::Error::Value { column, message, .. } = &error
        && let Some(rest) = message.strip_prefix("row ")
        && let Some((row, detail)) = rest.split_once(": ")
        && let Ok(row) = row.parse::<u64>()
    {
        return FormatError::Value { column: column.clone(), row: first_row + row, message: detail.to_string() };
    }
    FormatError::Votable(error)
}
