//! Streaming table output formats for VO services: VOTable, CSV, TSV, JSON, VOParquet and FITS
//! from Arrow record batches.
//!
//! TAP, Simple Cone Search, SSA and SIA all answer with a table. A query yields Arrow
//! [`RecordBatch`]es; a [`TableEncoder`] turns them into the bytes of the format the client asked
//! for with RESPONSEFORMAT, one batch at a time, and ends the document with an [`EndStatus`]:
//! OK, OVERFLOW (MAXREC reached) or ERROR (the query failed after output had started).
//!
//! Encoders append to a `Vec<u8>` that the caller drains after every call and sends on (e.g.
//! down a bounded channel to the HTTP body), so memory stays bounded whatever the row count.
//! The exception is FITS, whose header needs the row count and column widths: it spools the
//! rows to a temporary file and writes everything at the end (see [`fits`]); use
//! [`TableEncoder::finish_streaming`] to get its output in bounded pieces.
//!
//! | [`FormatKind`] | encoder | overflow / error signalled as |
//! |---|---|---|
//! | `VotableBinary2`, `VotableBinary`, `VotableTabledata` | [`votable::VotableEncoder`] | trailing `INFO name="QUERY_STATUS"` after `</TABLE>` (DALI §4.4.1–2) |
//! | `Csv`, `Tsv` | [`delimited::DelimitedEncoder`] | overflow: not signalled; error: a last line `# ERROR: message` |
//! | `Json` | [`json::JsonEncoder`] | `"status"` and `"message"` members after `"data"` |
//! | `Parquet` | [`voparquet::VoParquetEncoder`] | `QUERY_STATUS` INFO in the embedded VOTable (footer metadata) |
//! | `Fits` | [`fits::FitsEncoder`] | `QSTATUS` / `QMESSAGE` keywords in the BINTABLE header |
//! | `Html` | [`html::HtmlEncoder`] | a paragraph after the table |
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Float64Array, RecordBatch, StringArray};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_dali::response::FormatKind;
//! use vo_formats::{encode_all, EndStatus, ResultInfo};
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("ra", DataType::Float64, true),
//!     Field::new("name", DataType::Utf8, true),
//! ]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![
//!     Arc::new(Float64Array::from(vec![Some(10.5), None])),
//!     Arc::new(StringArray::from(vec![Some("M31"), Some("a, b")])),
//! ]).unwrap();
//!
//! let csv = encode_all(FormatKind::Csv, ResultInfo::default(), &schema, std::slice::from_ref(&batch), &EndStatus::Ok).unwrap();
//! assert_eq!(String::from_utf8(csv).unwrap(), "ra,name\r\n10.5,M31\r\n,\"a, b\"\r\n");
//!
//! let xml = encode_all(FormatKind::VotableTabledata, ResultInfo::default(), &schema, &[batch], &EndStatus::Overflow)
//!     .unwrap();
//! let xml = String::from_utf8(xml).unwrap();
//! assert!(xml.contains(r#"<INFO name="QUERY_STATUS" value="OK"/>"#));
//! assert!(xml.contains("</TABLE>\n    <INFO name=\"QUERY_STATUS\" value=\"OVERFLOW\"/>\n  </RESOURCE>"));
//! ```
//!
//! # Column types
//! Every Arrow type a query engine produces is written: booleans, all integer widths, float16/32/64,
//! decimals, strings (`Utf8`, `LargeUtf8`, `Utf8View`, dictionaries), binary, dates, times,
//! timestamps (any unit and zone, written as ISO 8601 UTC with xtype `timestamp`), lists and
//! fixed-size lists of numbers (arrays; DALI `point`/`circle`/`polygon` xtypes come from the
//! `votable.xtype` field metadata), and the `Null` type of `SELECT NULL`. Field metadata under the
//! [`vo_votable::arrow_meta`] keys (unit, ucd, description, xtype, ...) is carried into every
//! format that has a place for it. Types without a representation (structs, maps, nested lists,
//! intervals) give a [`FormatError::UnsupportedType`] from `begin`, never a panic.
//!
//! `UInt64` values above `i64::MAX` are exact in CSV, TSV, JSON, Parquet (`UINT_64`) and FITS
//! (`K` with `TZERO = 2^63`); VOTable has no unsigned 64-bit type, so such a value there is a
//! [`FormatError::Value`] naming the row.
//!
//! # Errors during a batch
//! A `write_batch` that fails leaves nothing of that batch in `out` and the encoder usable: the
//! caller can still `finish` with [`EndStatus::Error`] and get a well-formed document.

pub mod delimited;
mod error;
pub mod fits;
pub mod html;
mod iso;
pub mod json;
mod metadata;
mod plain;
mod text;
pub mod voparquet;
pub mod votable;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

pub use error::FormatError;
pub use vo_dali::response::FormatKind;

/// Metadata about the result document beyond the columns.
#[derive(Clone, Debug, Default)]
pub struct ResultInfo {
    /// INFO elements before the TABLE in the results RESOURCE (after `QUERY_STATUS=OK`, which
    /// the encoder writes itself), as (name, value, text content), e.g.
    /// `("standardID", "ivo://ivoa.net/std/TAP", None)`, `("QUERY", "<the ADQL>", None)`,
    /// `("request_date", ...)`, `("citation", ...)`.
    pub infos: Vec<(String, String, Option<String>)>,
    /// DESCRIPTION of the results RESOURCE.
    pub resource_description: Option<String>,
    /// The TABLE's `name` (FITS: `EXTNAME`).
    pub table_name: Option<String>,
    /// PARAMs of the results resource (name, datatype, value, ucd): SCS and SSA use these.
    pub params: Vec<vo_votable::model::Param>,
    /// COOSYS to declare: (system, e.g. `ICRS`; epoch, e.g. `J2016.0`; names of the columns that
    /// refer to it).
    pub coosys: Option<(String, Option<String>, Vec<String>)>,
}

/// How the result ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndStatus {
    /// All rows were written.
    Ok,
    /// The result was truncated at MAXREC (DALI §4.4.1).
    Overflow,
    /// The query failed after output had started; the message is for the user (DALI §4.4.2).
    Error(String),
}

impl EndStatus {
    /// The `QUERY_STATUS` value: `OK`, `OVERFLOW` or `ERROR`.
    pub fn query_status(&self) -> &'static str {
        match self {
            EndStatus::Ok => "OK",
            EndStatus::Overflow => "OVERFLOW",
            EndStatus::Error(_) => "ERROR",
        }
    }

    /// The error message, if any.
    pub fn message(&self) -> Option<&str> {
        match self {
            EndStatus::Error(message) => Some(message),
            _ => None,
        }
    }
}

/// Writes one result table in one format, batch by batch.
///
/// Call [`begin`](Self::begin) once, [`write_batch`](Self::write_batch) for every batch, then
/// [`finish`](Self::finish) (or [`finish_streaming`](Self::finish_streaming)) once. Each call
/// appends to `out`; the caller takes the bytes out after each call and sends them on.
pub trait TableEncoder: Send {
    /// Writes the document head for results with `schema` (Arrow fields carry VOTable metadata
    /// under the [`vo_votable::arrow_meta`] keys: unit, ucd, description, xtype, ...). Fails
    /// on columns the format cannot represent.
    fn begin(&mut self, schema: &SchemaRef, out: &mut Vec<u8>) -> Result<(), FormatError>;

    /// Appends the rows of `batch`, whose columns must match the schema given to `begin`.
    fn write_batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError>;

    /// Ends the document with `status`. The encoder must not be used afterwards.
    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError>;

    /// Like [`finish`](Self::finish), but hands the output to `sink` in pieces. Encoders that
    /// write most of their output at the end (FITS) give pieces of bounded size, so the whole
    /// file is never in memory; the others give one piece.
    fn finish_streaming(
        &mut self,
        status: &EndStatus,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), FormatError>,
    ) -> Result<(), FormatError> {
        let mut out = Vec::new();
        self.finish(status, &mut out)?;
        sink(&out)
    }
}

/// The encoder for a resolved RESPONSEFORMAT. `Text` has no table encoder here and gives
/// [`FormatError::UnsupportedFormat`].
pub fn encoder_for(format: FormatKind, info: ResultInfo) -> Result<Box<dyn TableEncoder>, FormatError> {
    use vo_votable::writer::Serialization;
    Ok(match format {
        FormatKind::VotableBinary2 => Box::new(votable::VotableEncoder::new(info, Serialization::Binary2)),
        FormatKind::VotableBinary => Box::new(votable::VotableEncoder::new(info, Serialization::Binary)),
        FormatKind::VotableTabledata => Box::new(votable::VotableEncoder::new(info, Serialization::TableData)),
        FormatKind::Csv => Box::new(delimited::DelimitedEncoder::csv()),
        FormatKind::Tsv => Box::new(delimited::DelimitedEncoder::tsv()),
        FormatKind::Json => Box::new(json::JsonEncoder::new(info)),
        FormatKind::Parquet => Box::new(voparquet::VoParquetEncoder::new(info)),
        FormatKind::Fits => Box::new(fits::FitsEncoder::new(info)),
        FormatKind::Html => Box::new(html::HtmlEncoder::new(info)),
        FormatKind::Text => {
            return Err(FormatError::UnsupportedFormat(format.canonical_mime().to_string()));
        }
    })
}

/// Encodes a whole (small) result in one go: `begin`, every batch, `finish`.
pub fn encode_all(
    format: FormatKind,
    info: ResultInfo,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    status: &EndStatus,
) -> Result<Vec<u8>, FormatError> {
    let mut encoder = encoder_for(format, info)?;
    let mut out = Vec::new();
    encoder.begin(schema, &mut out)?;
    for batch in batches {
        encoder.write_batch(batch, &mut out)?;
    }
    encoder.finish(status, &mut out)?;
    Ok(out)
}
