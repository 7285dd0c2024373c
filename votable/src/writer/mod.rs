//! The streaming writer: Arrow record batches in, VOTable bytes out, in constant memory.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Float64Array, RecordBatch, StringArray};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_votable::model::Info;
//! use vo_votable::writer::{Serialization, VotableWriter};
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("ra", DataType::Float64, true),
//!     Field::new("name", DataType::Utf8, true),
//! ]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![
//!     Arc::new(Float64Array::from(vec![Some(10.5), None])),
//!     Arc::new(StringArray::from(vec![Some("M31"), Some("a<b")])),
//! ]).unwrap();
//! let mut writer = VotableWriter::for_schema(Vec::new(), &schema, Serialization::TableData).unwrap();
//! writer.write_batch(&batch).unwrap();
//! let overflow = Info::new("QUERY_STATUS", "OVERFLOW");
//! let xml = String::from_utf8(writer.finish(&[overflow]).unwrap()).unwrap();
//! assert!(xml.contains("<TR><TD>10.5</TD><TD>M31</TD></TR>"));
//! assert!(xml.contains("<TR><TD/><TD>a&lt;b</TD></TR>"));
//! assert!(xml.contains("</TABLE>\n    <INFO name=\"QUERY_STATUS\" value=\"OVERFLOW\"/>\n  </RESOURCE>"));
//! ```

#[cfg(feature = "tokio")]
mod async_sink;
mod binary;
mod conform;
mod fixed_rows;
mod rows;
mod tabledata;
pub(crate) mod view;

use std::io::Write;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::Schema;
use base64::Engine as _;

use crate::convert::schema_to_fields;
use crate::error::{Error, Result};
use crate::layout::CellLayout;
use crate::model::{Field, Info, Resource, Table, VoTable};
use crate::xml_out::{DataSlot, write_document, write_infos};

#[cfg(feature = "tokio")]
pub use async_sink::AsyncVotableWriter;
pub use rows::Value;
use view::ColumnView;
pub(crate) use view::strings_have_non_ascii;

/// How table data is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Serialization {
    /// XML `TR`/`TD` elements: readable, larger, slower.
    TableData,
    /// Base64 binary rows without null flags (nulls only via VALUES null / NaN).
    Binary,
    /// Base64 binary rows with a null-flag bitmap per row (the recommended default).
    #[default]
    Binary2,
}

impl Serialization {
    /// The element name (`TABLEDATA`, `BINARY`, `BINARY2`).
    pub fn as_str(self) -> &'static str {
        match self {
            Serialization::TableData => "TABLEDATA",
            Serialization::Binary => "BINARY",
            Serialization::Binary2 => "BINARY2",
        }
    }

    /// The MIME type of a document in this serialization.
    pub fn mime_type(self) -> String {
        format!("application/x-votable+xml;serialization={}", self.as_str())
    }
}

/// Raw bytes per base64 line: 57 bytes make 76 characters, the MIME line length.
const BASE64_LINE_BYTES: usize = 57;
/// Pending output is handed to the `Write` once it exceeds this size.
const FLUSH_THRESHOLD: usize = 256 * 1024;

/// Writes one table as a VOTable document, batch by batch.
///
/// Memory use does not depend on the number of rows: each batch is encoded into an internal
/// buffer that is handed to `W` whenever it exceeds 256 KiB and at the end of every
/// [`write_batch`](Self::write_batch).
///
/// **Draining the output is safe.** For BINARY/BINARY2 the writer keeps at most 56 raw bytes
/// (less than one base64 line) that are not yet encoded; everything written to `W` is complete
/// base64 lines. A service writing into a `Vec<u8>` can therefore take the bytes out through
/// [`get_mut`](Self::get_mut) after each `write_batch` and send them on.
pub struct VotableWriter<W: Write> {
    out: W,
    serialization: Serialization,
    fields: Vec<Field>,
    layouts: Vec<CellLayout>,
    /// Document text after the data, up to the trailing-INFO insertion point.
    middle: String,
    /// Document text after the trailing INFOs.
    tail: String,
    trailer_depth: usize,
    /// TABLEDATA text, or raw binary rows awaiting base64 encoding.
    pending: Vec<u8>,
    /// Base64 text ready for `out`.
    encoded: Vec<u8>,
    /// Base64 text before line breaks are inserted.
    base64_text: Vec<u8>,
    rows_written: u64,
    row_buffer: Option<rows::RowBuffer>,
}

impl<W: Write> VotableWriter<W> {
    /// Starts a document. `doc` must contain a TABLE (the first TABLE of the first `results`
    /// RESOURCE is used); its FIELDs describe the columns of the batches. Everything up to the
    /// start of the data is written to `out` immediately.
    pub fn new(mut out: W, doc: VoTable, serialization: Serialization) -> Result<Self> {
        let table =
            doc.first_table().ok_or_else(|| Error::Usage("the document has no TABLE to hold the data".into()))?;
        let layouts = table.fields.iter().map(CellLayout::new).collect::<Result<Vec<_>>>()?;
        let (open, close) = match serialization {
            Serialization::TableData => ("<TABLEDATA>\n", "</TABLEDATA>"),
            Serialization::Binary => ("<BINARY>\n<STREAM encoding=\"base64\">\n", "</STREAM>\n</BINARY>"),
            Serialization::Binary2 => ("<BINARY2>\n<STREAM encoding=\"base64\">\n", "</STREAM>\n</BINARY2>"),
        };
        let parts = write_document(&doc, Some(&DataSlot { table, open, close }));
        out.write_all(parts.head.as_bytes())?;
        Ok(VotableWriter {
            out,
            serialization,
            fields: table.fields.clone(),
            layouts,
            middle: parts.middle,
            tail: parts.tail,
            trailer_depth: parts.trailer_depth,
            pending: Vec::with_capacity(FLUSH_THRESHOLD + 4096),
            encoded: Vec::new(),
            base64_text: Vec::new(),
            rows_written: 0,
            row_buffer: None,
        })
    }

    /// Starts a document for batches of `schema`: one `results` RESOURCE with
    /// `INFO name="QUERY_STATUS" value="OK"` and one TABLE whose FIELDs come from the schema
    /// (see [`crate::convert`]). For [`Serialization::Binary`], which has no null flags, integer
    /// columns without a VALUES null get the type's minimum (255 for unsignedByte) as null value.
    ///
    /// String columns are declared `char` (7-bit ASCII) unless their metadata says `unicodeChar`:
    /// in BINARY/BINARY2 a non-ASCII character in a `char` column is written as `?`. When the
    /// text may not be ASCII, build the FIELDs with [`crate::convert::fields_for_batch`] (which
    /// picks `unicodeChar` from a sample batch) and call [`new`](Self::new).
    pub fn for_schema(out: W, schema: &Schema, serialization: Serialization) -> Result<Self> {
        let mut fields = schema_to_fields(schema)?;
        if serialization == Serialization::Binary {
            declare_binary_nulls(&mut fields);
        }
        Self::new(out, results_document(fields), serialization)
    }

    /// The FIELDs of the table being written.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Number of rows written so far.
    pub fn rows_written(&self) -> u64 {
        self.rows_written
    }

    /// The output. Draining it between calls is safe (see the type documentation).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Appends the rows of `batch`. Its columns must match the FIELDs in number and order;
    /// column types are converted when needed (see [`crate::convert`]).
    pub fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.flush_rows()?;
        self.encode_batch(batch)
    }

    fn encode_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_columns() != self.fields.len() {
            return Err(Error::Usage(format!(
                "batch has {} columns but the table has {} FIELDs",
                batch.num_columns(),
                self.fields.len()
            )));
        }
        let arrays = batch
            .columns()
            .iter()
            .zip(&self.fields)
            .map(|(array, field)| conform::conform(array, field))
            .collect::<Result<Vec<ArrayRef>>>()?;
        let views = arrays
            .iter()
            .zip(&self.fields)
            .map(|(array, field)| ColumnView::new(array.as_ref(), field))
            .collect::<Result<Vec<_>>>()?;
        let nulls: Vec<Option<NullBuffer>> = arrays.iter().map(|a| a.logical_nulls()).collect();
        let is_null = |column: usize, row: usize| nulls[column].as_ref().is_some_and(|n| n.is_null(row));
        let flag_bytes = self.layouts.len().div_ceil(8);
        let binary_columns: Vec<binary::BinaryColumn<'_>> =
            self.layouts.iter().zip(&views).map(|(layout, view)| binary::BinaryColumn::new(layout, view)).collect();
        let widths: Option<Vec<usize>> = self.layouts.iter().map(CellLayout::binary_width).collect();
        if let (Some(widths), false) = (widths, self.serialization == Serialization::TableData) {
            let flags = if self.serialization == Serialization::Binary2 { flag_bytes } else { 0 };
            for start in (0..batch.num_rows()).step_by(fixed_rows::ROWS_PER_PASS) {
                let end = (start + fixed_rows::ROWS_PER_PASS).min(batch.num_rows());
                fixed_rows::encode_rows(
                    &mut self.pending,
                    &self.layouts,
                    &binary_columns,
                    &nulls,
                    &widths,
                    flags,
                    start,
                    end,
                );
                if self.pending.len() >= FLUSH_THRESHOLD {
                    self.flush_pending(false)?;
                }
            }
            self.rows_written += batch.num_rows() as u64;
            return self.flush_pending(false);
        }
        for row in 0..batch.num_rows() {
            match self.serialization {
                Serialization::TableData => {
                    self.pending.extend_from_slice(b"<TR>");
                    for (column, (layout, view)) in self.layouts.iter().zip(&views).enumerate() {
                        tabledata::encode_cell(&mut self.pending, layout, view, row, is_null(column, row));
                    }
                    self.pending.extend_from_slice(b"</TR>\n");
                }
                Serialization::Binary2 => {
                    let flags_at = self.pending.len();
                    self.pending.resize(flags_at + flag_bytes, 0);
                    for (column, (layout, encoder)) in self.layouts.iter().zip(&binary_columns).enumerate() {
                        let null = is_null(column, row);
                        if null {
                            self.pending[flags_at + column / 8] |= 0x80 >> (column % 8);
                        }
                        encoder.encode(&mut self.pending, layout, row, null);
                    }
                }
                Serialization::Binary => {
                    for (column, (layout, encoder)) in self.layouts.iter().zip(&binary_columns).enumerate() {
                        encoder.encode(&mut self.pending, layout, row, is_null(column, row));
                    }
                }
            }
            if self.pending.len() >= FLUSH_THRESHOLD {
                self.flush_pending(false)?;
            }
        }
        self.rows_written += batch.num_rows() as u64;
        self.flush_pending(false)
    }

    /// Hands complete output to `out`: all TABLEDATA text, or all complete base64 lines.
    fn flush_pending(&mut self, last: bool) -> Result<()> {
        if self.serialization == Serialization::TableData {
            self.out.write_all(&self.pending)?;
            self.pending.clear();
            return Ok(());
        }
        let lines = self.pending.len() / BASE64_LINE_BYTES;
        let consumed = lines * BASE64_LINE_BYTES;
        // Encoding the whole block in one call lets the engine use SIMD; the lines are then
        // copied out with their newlines.
        self.base64_text.resize(lines * 76, 0);
        // 57 × lines bytes always encode to exactly 76 × lines characters: this cannot fail.
        let _ = crate::base64_engine::ENCODER.encode_slice(&self.pending[..consumed], &mut self.base64_text);
        self.encoded.clear();
        self.encoded.resize(lines * 77, 0);
        for (line, text) in self.base64_text.chunks_exact(76).zip(self.encoded.chunks_exact_mut(77)) {
            text[..76].copy_from_slice(line);
            text[76] = b'\n';
        }
        if last && consumed < self.pending.len() {
            let rest = crate::base64_engine::ENCODER.encode(&self.pending[consumed..]);
            self.encoded.extend_from_slice(rest.as_bytes());
            self.encoded.push(b'\n');
            self.pending.clear();
        } else {
            self.pending.drain(..consumed);
        }
        self.out.write_all(&self.encoded)?;
        Ok(())
    }

    /// Ends the data and the TABLE, writes `trailing_infos` inside the RESOURCE after the TABLE
    /// (e.g. `QUERY_STATUS` = `OVERFLOW`), closes the document and returns the output.
    pub fn finish(mut self, trailing_infos: &[Info]) -> Result<W> {
        self.flush_rows()?;
        self.flush_pending(true)?;
        self.out.write_all(self.middle.as_bytes())?;
        self.out.write_all(write_infos(trailing_infos, self.trailer_depth).as_bytes())?;
        self.out.write_all(self.tail.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A document with one `results` RESOURCE (`QUERY_STATUS` = `OK`) holding a TABLE of `fields`.
pub fn results_document(fields: Vec<Field>) -> VoTable {
    let mut resource = Resource::results_with(Table { fields, ..Table::default() });
    resource.infos.push(Info::new("QUERY_STATUS", "OK"));
    VoTable { resources: vec![resource], ..VoTable::default() }
}

/// Gives integer FIELDs without a VALUES null the type's minimum (255 for unsignedByte) as
/// null value, so that BINARY, which has no null flags, can represent their nulls.
pub fn declare_binary_nulls(fields: &mut [Field]) {
    for field in fields.iter_mut().filter(|f| f.datatype.is_integer() && f.null_value().is_none()) {
        let null = match field.datatype {
            crate::model::Datatype::UnsignedByte => "255".to_string(),
            crate::model::Datatype::Short => i16::MIN.to_string(),
            crate::model::Datatype::Int => i32::MIN.to_string(),
            _ => i64::MIN.to_string(),
        };
        *field = std::mem::take(field).with_null(null);
    }
}
