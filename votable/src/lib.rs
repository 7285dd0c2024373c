//! VOTable 1.5 for Rust: the document model, streaming readers and writers for TABLEDATA, BINARY
//! and BINARY2, and lossless conversion to and from Apache Arrow.
//!
//! - [`model`]: plain structs for every VOTable element; [`model::VoTable::to_xml_string`]
//!   writes documents without data (error documents, metadata-only answers).
//! - [`writer::VotableWriter`]: Arrow record batches → VOTable bytes, in constant memory.
//! - [`reader::VotableReader`]: any `BufRead` → Arrow record batches, in constant memory.
//! - [`convert`] and [`arrow_meta`]: how VOTable FIELDs and Arrow fields map to each other.
//! - [`validate()`]: structural problems of a document, with line and column.
//!
//! # Limits
//! - Only the first TABLE that has DATA is streamed; every table's metadata is kept.
//! - FITS serialization, `gzip` streams and non-`file:` STREAM hrefs are refused with
//!   [`Error::Unsupported`].
//! - In BINARY/BINARY2, a non-ASCII character in a `char` column is written as `?` (declare the
//!   column `unicodeChar`; [`convert::fields_for_batch`] does it from a sample batch).
//! - The model keeps element order per element kind, not the interleaving of different kinds.
//! - DTD entity declarations are refused; `validate` gives positions for data problems, not yet for
//!   metadata problems (reported at line 0).
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int64Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_votable::writer::{Serialization, VotableWriter};
//!
//! // Write a BINARY2 document...
//! let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![Some(1), None, Some(3)]))]).unwrap();
//! let mut writer = VotableWriter::for_schema(Vec::new(), &schema, Serialization::Binary2).unwrap();
//! writer.write_batch(&batch).unwrap();
//! let bytes = writer.finish(&[]).unwrap();
//!
//! // ...and read it back.
//! let (doc, batches) = vo_votable::read_all(&bytes[..]).unwrap();
//! assert_eq!(doc.resources[0].infos[0].value, "OK");
//! assert_eq!(batches[0].column(0).as_ref(), batch.column(0).as_ref());
//! ```

pub mod arrow_meta;
mod base64_engine;
pub mod convert;
mod error;
mod layout;
pub mod model;
pub mod reader;
pub mod validate;
pub mod writer;
mod xml_out;

pub use error::{Error, Position, Result};
pub use model::{SERVICE_VERSION, VERSION};
pub use reader::read_all;
pub use validate::validate;
