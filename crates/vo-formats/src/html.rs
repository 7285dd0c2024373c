//! HTML (`text/html`): a page with one table, for people looking at a result in a browser.
//!
//! Streamed row by row. Column headers show the name and unit, with the description and UCD as
//! a tooltip; cells use the text forms of the CSV encoder (nulls empty). The end status follows
//! the table as a paragraph with `class="query-status"` for OVERFLOW and ERROR.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int32Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_formats::{encode_all, EndStatus, FormatKind, ResultInfo};
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("a<b", DataType::Int32, true)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(vec![Some(1), None]))]).unwrap();
//! let html = encode_all(FormatKind::Html, ResultInfo::default(), &schema, &[batch], &EndStatus::Overflow).unwrap();
//! let html = String::from_utf8(html).unwrap();
//! assert!(html.contains("<th>a&lt;b</th>"));
//! assert!(html.contains("<tr><td>1</td></tr>\n<tr><td></td></tr>"));
//! assert!(html.contains(r#"<p class="query-status">OVERFLOW: "#));
//! ```

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use crate::metadata::{check_batch, votable_fields};
use crate::text::TextColumn;
use crate::{EndStatus, FormatError, ResultInfo, TableEncoder};

/// Writes an HTML page holding the result table.
pub struct HtmlEncoder {
    info: ResultInfo,
    schema: Option<SchemaRef>,
    scratch: Vec<u8>,
}

impl HtmlEncoder {
    /// An encoder whose page title is the table name of `info`.
    pub fn new(info: ResultInfo) -> Self {
        HtmlEncoder { info, schema: None, scratch: Vec::new() }
    }
}

/// Appends `text` with the HTML special characters escaped.
fn escape(out: &mut Vec<u8>, text: &[u8]) {
    for &b in text {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            _ => out.push(b),
        }
    }
}

impl TableEncoder for HtmlEncoder {
    fn begin(&mut self, schema: &SchemaRef, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let fields = votable_fields(schema)?;
        for field in schema.fields() {
            TextColumn::new(field.name(), &arrow_array::new_empty_array(field.data_type()))?;
        }
        let title = self.info.table_name.as_deref().unwrap_or("Query result");
        out.extend_from_slice(b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>");
        escape(out, title.as_bytes());
        out.extend_from_slice(b"</title></head>\n<body>\n");
        if let Some(description) = &self.info.resource_description {
            out.extend_from_slice(b"<p>");
            escape(out, description.as_bytes());
            out.extend_from_slice(b"</p>\n");
        }
        out.extend_from_slice(b"<table>\n<thead><tr>");
        for field in &fields {
            let tooltip: Vec<&str> =
                [field.description.as_deref(), field.ucd.as_deref()].into_iter().flatten().collect();
            if tooltip.is_empty() {
                out.extend_from_slice(b"<th>");
            } else {
                out.extend_from_slice(b"<th title=\"");
                escape(out, tooltip.join(" | ").as_bytes());
                out.extend_from_slice(b"\">");
            }
            escape(out, field.name.as_bytes());
            if let Some(unit) = &field.unit {
                out.extend_from_slice(b" [");
                escape(out, unit.as_bytes());
                out.push(b']');
            }
            out.extend_from_slice(b"</th>");
        }
        out.extend_from_slice(b"</tr></thead>\n<tbody>\n");
        self.schema = Some(schema.clone());
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let schema = self.schema.as_ref().ok_or_else(|| FormatError::Usage("begin was not called".into()))?;
        check_batch(schema, batch)?;
        let columns = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(field, array)| TextColumn::new(field.name(), array))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            out.extend_from_slice(b"<tr>");
            for column in &columns {
                out.extend_from_slice(b"<td>");
                if !column.is_null(row) {
                    self.scratch.clear();
                    column.write_text(row, &mut self.scratch);
                    escape(out, &self.scratch);
                }
                out.extend_from_slice(b"</td>");
            }
            out.extend_from_slice(b"</tr>\n");
        }
        Ok(())
    }

    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(b"</tbody>\n</table>\n");
        let note = match status {
            EndStatus::Ok => None,
            EndStatus::Overflow => Some("OVERFLOW: the result was truncated at the row limit (MAXREC).".to_string()),
            EndStatus::Error(message) => Some(format!("ERROR: {message}")),
        };
        if let Some(note) = note {
            out.extend_from_slice(b"<p class=\"query-status\">");
            escape(out, note.as_bytes());
            out.extend_from_slice(b"</p>\n");
        }
        out.extend_from_slice(b"</body></html>\n");
        Ok(())
    }
}
