//! FITS binary table (`application/fits`): an empty primary HDU and one BINTABLE extension.
//!
//! **The one non-streaming format.** A FITS header states the row count (`NAXIS2`), the heap
//! size and every column's width before the data, and strings are fixed-width (`nA`, n = the
//! longest value). So `write_batch` spools the rows (as Arrow IPC) to an anonymous temporary
//! file and learns the widths; `finish` writes the headers, then the rows, then the heap,
//! reading the spool back. Memory stays bounded, but the first byte only leaves at the end:
//! use [`TableEncoder::finish_streaming`] to get the output in pieces of about 1 MiB instead of
//! one buffer holding the whole file.
//!
//! Columns (TTYPEn, TFORMn, with TUNITn, TUCDn, TUTYPn and TCOMMn — the description — from the
//! field metadata, as STILTS and DaCHS write them):
//!
//! | plain Arrow type | TFORM | nulls |
//! |---|---|---|
//! | `Boolean` | `L` | 0 byte |
//! | `Int8`, `Int16` / `Int32` / `Int64` | `I` / `J` / `K` | TNULLn, an extreme value no row uses |
//! | `UInt8` | `B` | TNULLn |
//! | `UInt16` / `UInt32` / `UInt64` | `I` / `J` / `K` with TZEROn 2^15 / 2^31 / 2^63 (exact) | see below |
//! | `Float32` / `Float64` | `E` / `D` | NaN |
//! | strings (and timestamps, as ISO 8601) | `wA`, NUL-padded UTF-8 | empty string |
//! | `FixedSizeList` of numbers or booleans (`point`, `circle`) | `nE`, `nD`, `nJ`, ... | elements null |
//! | `List` of numbers, `Binary` | `1PD(max)` (`1QD(max)` beyond 2 GiB of heap) | empty array |
//!
//! TNULLn is a stored value (FITS 4.0 §7.3.2) chosen at the end among the type's extremes; a
//! column that uses both extremes and has nulls is stored in the next wider type. Because
//! astropy (up to 8.0 at least) compares TNULL with the value *after* TZERO, a nullable unsigned
//! column is stored without TZERO whenever its values allow (in the same or the next wider
//! type); only a nullable `UInt64` column holding values above `i64::MAX` keeps TZERO with
//! TNULL, which STILTS reads correctly and astropy does not.
//!
//! Other types are first converted as for VOParquet (decimals to doubles, dictionaries to
//! their values, ...). The end status is recorded in the BINTABLE header: `QSTATUS` = `OK`,
//! `OVERFLOW` or `ERROR`, and for errors `QMESSAGE`; the [`ResultInfo`] INFOs and description
//! become COMMENT cards and the table name `EXTNAME`.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int32Array, RecordBatch, StringArray};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_formats::{encode_all, EndStatus, FormatKind, ResultInfo};
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("n", DataType::Int32, true),
//!     Field::new("s", DataType::Utf8, true),
//! ]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![
//!     Arc::new(Int32Array::from(vec![Some(1), None])),
//!     Arc::new(StringArray::from(vec!["abc", "de"])),
//! ]).unwrap();
//! let fits = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap();
//! assert_eq!(fits.len() % 2880, 0);
//! let header = String::from_utf8_lossy(&fits[2880..5760]);
//! assert!(header.contains("NAXIS2  =                    2"));
//! assert!(header.contains("TFORM2  = '3A      '"));
//! assert!(header.contains("TNULL1  =          -2147483648"));
//! ```

mod columns;
mod header;

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom};

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::StreamWriter;
use arrow_schema::SchemaRef;
use vo_votable::model::Field;

use crate::metadata::{check_batch, votable_fields};
use crate::plain::{plain_batch, plain_schema};
use crate::{EndStatus, FormatError, ResultInfo, TableEncoder};
use columns::{Cells, ColumnPlan};
use header::{BLOCK, Header};

/// FITS allows at most 999 columns (TTYPEn has three digits).
const MAX_COLUMNS: usize = 999;
/// Output is handed to the sink in pieces of about this size.
const PIECE: usize = 1024 * 1024;

/// Writes a FITS file with one BINTABLE (see the module documentation).
pub struct FitsEncoder {
    info: ResultInfo,
    fields: Vec<Field>,
    schema: Option<SchemaRef>,
    plain: Option<SchemaRef>,
    plans: Vec<ColumnPlan>,
    spool: Option<StreamWriter<BufWriter<File>>>,
    spool_file: Option<File>,
    rows: u64,
}

impl FitsEncoder {
    /// An encoder whose header carries `info`.
    pub fn new(info: ResultInfo) -> Self {
        FitsEncoder {
            info,
            fields: Vec::new(),
            schema: None,
            plain: None,
            plans: Vec::new(),
            spool: None,
            spool_file: None,
            rows: 0,
        }
    }

    fn primary_header() -> Vec<u8> {
        let mut h = Header::default();
        h.logical("SIMPLE", true, Some("conforms to FITS"));
        h.integer("BITPIX", 8, None);
        h.integer("NAXIS", 0, Some("the table is in the first extension"));
        h.logical("EXTEND", true, None);
        h.finish()
    }

    fn table_header(&self, row_width: usize, heap: u64, status: &EndStatus) -> Vec<u8> {
        let mut columns = Header::default();
        for (n, (plan, field)) in self.plans.iter().zip(&self.fields).enumerate() {
            let n = n + 1;
            columns.string(&format!("TTYPE{n}"), &plan.name, None);
            columns.string(&format!("TFORM{n}"), &plan.tform(), None);
            if let Some(unit) = &field.unit {
                columns.string(&format!("TUNIT{n}"), unit, None);
            }
            if let Some(null) = plan.null {
                columns.integer(&format!("TNULL{n}"), null, None);
            }
            if plan.zero != 0 {
                columns.integer(&format!("TZERO{n}"), plan.zero, Some("unsigned integers"));
                columns.integer(&format!("TSCAL{n}"), 1, None);
            }
            if let Some(ucd) = &field.ucd {
                columns.string(&format!("TUCD{n}"), ucd, None);
            }
            if let Some(utype) = &field.utype {
                columns.string(&format!("TUTYP{n}"), utype, None);
            }
            if let Some(description) = &field.description {
                columns.string(&format!("TCOMM{n}"), description, None);
            }
        }
        let mut h = Header::default();
        h.string("XTENSION", "BINTABLE", Some("binary table extension"));
        h.integer("BITPIX", 8, None);
        h.integer("NAXIS", 2, None);
        h.integer("NAXIS1", row_width as u64, Some("bytes per row"));
        h.integer("NAXIS2", self.rows, Some("rows"));
        h.integer("PCOUNT", heap, Some("heap bytes"));
        h.integer("GCOUNT", 1, None);
        h.integer("TFIELDS", self.plans.len() as u64, None);
        if let Some(name) = &self.info.table_name {
            h.string("EXTNAME", name, None);
        }
        h.string("QSTATUS", status.query_status(), Some("DALI QUERY_STATUS"));
        if let Some(message) = status.message() {
            h.string("QMESSAGE", message, None);
        }
        if columns.uses_long_strings || status.message().is_some_and(|m| m.len() > 60) {
            h.string("LONGSTRN", "OGIP 1.0", Some("long strings continue on CONTINUE cards"));
        }
        h.append(columns);
        if let Some(description) = &self.info.resource_description {
            h.comment(description);
        }
        for (name, value, _) in &self.info.infos {
            h.comment(&format!("{name}: {value}"));
        }
        h.finish()
    }

    /// Reads the spooled batches back, from the start.
    fn read_spool(&self) -> Result<StreamReader<BufReader<File>>, FormatError> {
        let file = self.spool_file.as_ref().ok_or_else(|| FormatError::Usage("begin was not called".into()))?;
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(StreamReader::try_new(BufReader::new(file), None)?)
    }
}

impl TableEncoder for FitsEncoder {
    fn begin(&mut self, schema: &SchemaRef, _out: &mut Vec<u8>) -> Result<(), FormatError> {
        if schema.fields().len() > MAX_COLUMNS {
            return Err(FormatError::Usage(format!(
                "FITS tables have at most {MAX_COLUMNS} columns, the result has {}",
                schema.fields().len()
            )));
        }
        self.fields = votable_fields(schema)?;
        let plain = plain_schema(schema)?;
        self.plans =
            plain.fields().iter().map(|f| ColumnPlan::new(f.name(), f.data_type())).collect::<Result<_, _>>()?;
        let file = tempfile::tempfile()?;
        self.spool = Some(StreamWriter::try_new(BufWriter::new(file.try_clone()?), &plain)?);
        self.spool_file = Some(file);
        self.schema = Some(schema.clone());
        self.plain = Some(plain);
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, _out: &mut Vec<u8>) -> Result<(), FormatError> {
        let (Some(schema), Some(plain)) = (&self.schema, &self.plain) else {
            return Err(FormatError::Usage("begin was not called".into()));
        };
        check_batch(schema, batch)?;
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let converted = plain_batch(plain, batch)?;
        // Learn from a copy of the statistics so that a failure leaves them as they were.
        let mut plans = self.plans.clone();
        for (plan, column) in plans.iter_mut().zip(converted.columns()) {
            plan.observe(column)?;
        }
        let spool = self.spool.as_mut().ok_or_else(|| FormatError::Usage("finish was already called".into()))?;
        spool.write(&converted)?;
        self.plans = plans;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError> {
        self.finish_streaming(status, &mut |piece| {
            out.extend_from_slice(piece);
            Ok(())
        })
    }

    fn finish_streaming(
        &mut self,
        status: &EndStatus,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), FormatError>,
    ) -> Result<(), FormatError> {
        let mut spool = self.spool.take().ok_or_else(|| FormatError::Usage("begin was not called".into()))?;
        spool.finish()?;
        drop(spool);
        for plan in &mut self.plans {
            plan.finalize()?;
        }
        let heap: u64 = self.plans.iter().map(|p| p.stats.heap_bytes).sum();
        if heap > i32::MAX as u64 {
            self.plans.iter_mut().for_each(ColumnPlan::use_wide_descriptors);
        }
        let widths: Vec<usize> = self.plans.iter().map(ColumnPlan::width).collect();
        let row_width: usize = widths.iter().sum();
        sink(&Self::primary_header())?;
        sink(&self.table_header(row_width, heap, status))?;

        let mut piece = Vec::with_capacity(PIECE + row_width);
        let mut heap_offset = 0u64;
        for batch in self.read_spool()? {
            let batch = batch?;
            let cells = batch.columns().iter().map(Cells::new).collect::<Result<Vec<_>, _>>()?;
            for row in 0..batch.num_rows() {
                let start = piece.len();
                piece.resize(start + row_width, 0);
                let mut at = start;
                for ((plan, cells), width) in self.plans.iter().zip(&cells).zip(&widths) {
                    plan.write_cell(cells, row, &mut piece[at..at + width], &mut heap_offset);
                    at += width;
                }
                if piece.len() >= PIECE {
                    sink(&piece)?;
                    piece.clear();
                }
            }
        }
        if heap > 0 {
            // The heap in the order the descriptors were given out: row by row, column by column.
            for batch in self.read_spool()? {
                let batch = batch?;
                let cells = batch.columns().iter().map(Cells::new).collect::<Result<Vec<_>, _>>()?;
                for row in 0..batch.num_rows() {
                    for (plan, cells) in self.plans.iter().zip(&cells).filter(|(p, _)| p.is_variable()) {
                        plan.write_heap(cells, row, &mut piece);
                    }
                    if piece.len() >= PIECE {
                        sink(&piece)?;
                        piece.clear();
                    }
                }
            }
        }
        let data = row_width as u64 * self.rows + heap;
        let padding = (BLOCK as u64 - data % BLOCK as u64) % BLOCK as u64;
        piece.resize(piece.len() + padding as usize, 0);
        sink(&piece)?;
        self.spool_file = None;
        Ok(())
    }
}
