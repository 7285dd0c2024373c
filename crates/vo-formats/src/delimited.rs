//! CSV (RFC 4180, `text/csv;header=present`) and TSV (`text/tab-separated-values`).
//!
//! Both start with one header line of column names. Cells follow the text forms of the
//! crate's cell table (integers exact, floats in shortest round-trip form with `NaN`,
//! `Infinity`, `-Infinity`, timestamps ISO 8601 UTC, arrays as space-separated elements);
//! a null cell is empty.
//!
//! - **CSV**: lines end with CRLF. A text cell is quoted (`"`, doubled inside) when it holds a
//!   comma, a quote, CR or LF, starts or ends with a space, or is empty — so an empty string
//!   (`""`) differs from a null (nothing). Array cells are always quoted.
//! - **TSV**: lines end with LF. TSV has no quoting, so tabs, CR and LF inside text become
//!   spaces.
//!
//! Neither format can say "truncated" or "failed" in-band. On [`EndStatus::Overflow`] nothing is
//! added (clients compare the row count with MAXREC, as for any format). On
//! [`EndStatus::Error`] a last line `# ERROR: message` is added: readers that know `#` comments
//! skip it, the others fail on it, and either way a human sees it. A successful result never
//! has such a line, so pyvo, astropy, pandas and TOPCAT read it unchanged.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int64Array, RecordBatch, StringArray};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_formats::{delimited::DelimitedEncoder, EndStatus, TableEncoder};
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("id", DataType::Int64, true),
//!     Field::new("note", DataType::Utf8, true),
//! ]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![
//!     Arc::new(Int64Array::from(vec![Some(1), None])),
//!     Arc::new(StringArray::from(vec![Some("tab\there"), Some("")])),
//! ]).unwrap();
//! let mut tsv = DelimitedEncoder::tsv();
//! let mut out = Vec::new();
//! tsv.begin(&schema, &mut out).unwrap();
//! tsv.write_batch(&batch, &mut out).unwrap();
//! tsv.finish(&EndStatus::Error("timeout".into()), &mut out).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), "id\tnote\n1\ttab here\n\t\n# ERROR: timeout\n");
//! ```

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use crate::metadata::check_batch;
use crate::text::{CellKind, TextColumn};
use crate::{EndStatus, FormatError, TableEncoder};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Csv,
    Tsv,
}

/// Writes CSV or TSV.
pub struct DelimitedEncoder {
    dialect: Dialect,
    schema: Option<SchemaRef>,
    /// Cell text awaiting quoting or escaping.
    scratch: Vec<u8>,
}

impl DelimitedEncoder {
    /// An RFC 4180 CSV encoder.
    pub fn csv() -> Self {
        DelimitedEncoder { dialect: Dialect::Csv, schema: None, scratch: Vec::new() }
    }

    /// A tab-separated-values encoder.
    pub fn tsv() -> Self {
        DelimitedEncoder { dialect: Dialect::Tsv, schema: None, scratch: Vec::new() }
    }

    fn separator(&self) -> u8 {
        match self.dialect {
            Dialect::Csv => b',',
            Dialect::Tsv => b'\t',
        }
    }

    fn end_line(&self, out: &mut Vec<u8>) {
        match self.dialect {
            Dialect::Csv => out.extend_from_slice(b"\r\n"),
            Dialect::Tsv => out.push(b'\n'),
        }
    }

    /// Appends free text, quoted (CSV) or with tabs and line breaks replaced (TSV).
    fn write_text(&self, text: &[u8], always_quote: bool, out: &mut Vec<u8>) {
        match self.dialect {
            Dialect::Csv => {
                let needs_quotes = always_quote
                    || text.is_empty()
                    || text[0] == b' '
                    || text[text.len() - 1] == b' '
                    || text.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
                if !needs_quotes {
                    out.extend_from_slice(text);
                    return;
                }
                out.push(b'"');
                for &b in text {
                    if b == b'"' {
                        out.push(b'"');
                    }
                    out.push(b);
                }
                out.push(b'"');
            }
            Dialect::Tsv => {
                out.extend(text.iter().map(|&b| if matches!(b, b'\t' | b'\r' | b'\n') { b' ' } else { b }));
            }
        }
    }

    fn schema(&self) -> Result<&SchemaRef, FormatError> {
        self.schema.as_ref().ok_or_else(|| FormatError::Usage("begin was not called".into()))
    }
}

impl TableEncoder for DelimitedEncoder {
    fn begin(&mut self, schema: &SchemaRef, out: &mut Vec<u8>) -> Result<(), FormatError> {
        // Refuse unwritable column types before the header goes out.
        for field in schema.fields() {
            TextColumn::new(field.name(), &arrow_array::new_empty_array(field.data_type()))?;
        }
        for (i, field) in schema.fields().iter().enumerate() {
            if i > 0 {
                out.push(self.separator());
            }
            self.write_text(field.name().as_bytes(), false, out);
        }
        self.end_line(out);
        self.schema = Some(schema.clone());
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let schema = self.schema()?.clone();
        check_batch(&schema, batch)?;
        let columns = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(field, array)| TextColumn::new(field.name(), array))
            .collect::<Result<Vec<_>, _>>()?;
        let kinds: Vec<CellKind> = columns.iter().map(TextColumn::kind).collect();
        let separator = self.separator();
        let mut scratch = std::mem::take(&mut self.scratch);
        for row in 0..batch.num_rows() {
            for (i, (column, kind)) in columns.iter().zip(&kinds).enumerate() {
                if i > 0 {
                    out.push(separator);
                }
                if column.is_null(row) {
                    continue;
                }
                match kind {
                    CellKind::Number | CellKind::Boolean => column.write_text(row, out),
                    CellKind::Text | CellKind::Array => {
                        if let Some(text) = column.str_value(row) {
                            self.write_text(text.as_bytes(), false, out);
                        } else {
                            scratch.clear();
                            column.write_text(row, &mut scratch);
                            self.write_text(&scratch, *kind == CellKind::Array, out);
                        }
                    }
                }
            }
            self.end_line(out);
        }
        self.scratch = scratch;
        Ok(())
    }

    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if let Some(message) = status.message() {
            out.extend_from_slice(b"# ERROR: ");
            out.extend(message.bytes().map(|b| if matches!(b, b'\r' | b'\n') { b' ' } else { b }));
            self.end_line(out);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow_array::{ArrayRef, FixedSizeListArray, StringArray, types::Float64Type};
    use arrow_schema::{DataType, Field, Schema};

    fn encode(mut encoder: DelimitedEncoder, columns: Vec<(&str, ArrayRef)>) -> String {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let mut out = Vec::new();
        encoder.begin(batch.schema_ref(), &mut out).unwrap();
        encoder.write_batch(&batch, &mut out).unwrap();
        encoder.finish(&EndStatus::Ok, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let text: ArrayRef = Arc::new(StringArray::from(vec![
            Some("plain"),
            Some("a,b"),
            Some("say \"hi\""),
            Some("two\nlines"),
            Some(" padded"),
            Some(""),
            None,
        ]));
        let csv = encode(DelimitedEncoder::csv(), vec![("s", text)]);
        assert_eq!(csv, "s\r\nplain\r\n\"a,b\"\r\n\"say \"\"hi\"\"\"\r\n\"two\nlines\"\r\n\" padded\"\r\n\"\"\r\n\r\n");
    }

    #[test]
    fn arrays_are_quoted_in_csv_and_plain_in_tsv() {
        let point: ArrayRef = Arc::new(FixedSizeListArray::from_iter_primitive::<Float64Type, _, _>(
            vec![Some(vec![Some(10.5), Some(-3.0)]), None],
            2,
        ));
        assert_eq!(encode(DelimitedEncoder::csv(), vec![("p", point.clone())]), "p\r\n\"10.5 -3.0\"\r\n\r\n");
        assert_eq!(encode(DelimitedEncoder::tsv(), vec![("p", point)]), "p\n10.5 -3.0\n\n");
    }

    #[test]
    fn unwritable_types_fail_before_the_header() {
        let schema =
            Arc::new(Schema::new(vec![Field::new("m", DataType::Struct(arrow_schema::Fields::empty()), true)]));
        let mut out = Vec::new();
        assert!(DelimitedEncoder::csv().begin(&schema, &mut out).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn errors_end_with_a_comment_line() {
        let mut out = Vec::new();
        DelimitedEncoder::csv().finish(&EndStatus::Error("bad\nthing".into()), &mut out).unwrap();
        assert_eq!(out, b"# ERROR: bad thing\r\n");
        out.clear();
        DelimitedEncoder::csv().finish(&EndStatus::Overflow, &mut out).unwrap();
        assert!(out.is_empty());
    }
}
