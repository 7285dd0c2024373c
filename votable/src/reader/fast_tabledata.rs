//! A fast path for TABLEDATA: plain rows (`<TR><TD>..</TD><TD/></TR>`, no attributes, comments
//! or CDATA) that lie entirely in the input buffer are scanned directly from its bytes.
//!
//! Anything else — a row split across buffer refills, attributes, namespace prefixes, CDATA, a
//! character the scanner does not handle — is left untouched for the general event-based path,
//! which also produces the errors. Whole rows are consumed from the input, so the XML parser's
//! element stack stays balanced.

use std::io::BufRead;

use quick_xml::escape::unescape;

use crate::error::{Error, Position, Result};
use crate::layout::CellLayout;

use super::ValueErrors;
use super::builders::ColumnBuilder;
use super::source::LineCounter;
use super::tabledata::{decode_cell, decode_cell_or_null};

/// Outcome of scanning one row.
enum Scan {
    /// A complete plain row of this many bytes; cell ranges are in the output vector
    /// (`None` for `<TD/>`).
    Row(usize),
    /// Not a plain complete row: let the event path handle what comes next.
    Other,
}

fn skip_whitespace(buf: &[u8], mut at: usize) -> usize {
    while at < buf.len() && matches!(buf[at], b' ' | b'\n' | b'\t' | b'\r') {
        at += 1;
    }
    at
}

/// Scans one `<TR>...</TR>` at the start of `buf` (after optional whitespace).
fn scan_row(buf: &[u8], cells: &mut Vec<Option<(usize, usize)>>) -> Scan {
    cells.clear();
    let mut at = skip_whitespace(buf, 0);
    if !buf[at..].starts_with(b"<TR>") {
        return Scan::Other;
    }
    at += 4;
    loop {
        at = skip_whitespace(buf, at);
        let rest = &buf[at..];
        if rest.starts_with(b"<TD>") {
            let start = at + 4;
            let Some(len) = memchr::memchr(b'<', &buf[start..]) else { return Scan::Other };
            let end = start + len;
            if !buf[end..].starts_with(b"</TD>") {
                return Scan::Other;
            }
            cells.push(Some((start, end)));
            at = end + 5;
        } else if rest.starts_with(b"<TD/>") {
            cells.push(None);
            at += 5;
        } else if rest.starts_with(b"</TR>") {
            return Scan::Row(at + 5);
        } else {
            return Scan::Other;
        }
    }
}

/// The position `skipped` bytes after `start`.
fn position_after(start: Position, skipped: &[u8]) -> Position {
    match memchr::memrchr(b'\n', skipped) {
        Some(last) => Position {
            line: start.line + memchr::memchr_iter(b'\n', skipped).count() as u64,
            column: (skipped.len() - last) as u64,
        },
        None => Position { line: start.line, column: start.column + skipped.len() as u64 },
    }
}

/// Decodes up to `max` plain rows from the input buffer; returns how many. With `value_errors`,
/// a bad value becomes a null cell and is recorded there instead of ending the read.
pub(crate) fn read_rows<R: BufRead>(
    xml: &mut quick_xml::Reader<LineCounter<R>>,
    builders: &mut [ColumnBuilder],
    layouts: &[CellLayout],
    cells: &mut Vec<Option<(usize, usize)>>,
    mut value_errors: Option<&mut ValueErrors>,
    max: usize,
) -> Result<usize> {
    let mut stream = xml.stream();
    let buffer_start = stream.get_ref().position();
    let buf = stream.fill_buf()?;
    let mut consumed = 0;
    let mut rows = 0;
    while rows < max {
        let Scan::Row(len) = scan_row(&buf[consumed..], cells) else { break };
        if cells.len() != layouts.len() {
            break; // the event path reports the wrong cell count with its position
        }
        let row = &buf[consumed..consumed + len];
        // Errors point at the row's `<TR>`, after the whitespace before it.
        let lead = skip_whitespace(row, 0);
        // Check the whole row before touching the builders, so a fallback leaves them intact.
        let plain = cells.iter().flatten().all(|&(s, e)| {
            let text = &row[s..e];
            std::str::from_utf8(text).is_ok() && memchr::memchr(b'\r', text).is_none()
        });
        if !plain {
            break;
        }
        for ((builder, layout), cell) in builders.iter_mut().zip(layouts).zip(cells.iter()) {
            let raw = cell.map_or(&b""[..], |(s, e)| &row[s..e]);
            // Checked as UTF-8 above.
            let text = std::str::from_utf8(raw).unwrap_or_default();
            let decoded = if memchr::memchr(b'&', raw).is_some() {
                match unescape(text) {
                    Ok(t) => t,
                    Err(e) => {
                        stream.consume(consumed + lead);
                        let position = stream.get_ref().position();
                        return Err(Error::xml(Some(position), format!("in a TD: {e}")));
                    }
                }
            } else {
                std::borrow::Cow::Borrowed(text)
            };
            if let Some(errors) = value_errors.as_deref_mut() {
                if let Some(message) = decode_cell_or_null(builder, layout, &decoded) {
                    let position = position_after(buffer_start, &buf[..consumed + lead]);
                    errors.push(Error::Value { position: Some(position), column: layout.name.clone(), message });
                }
            } else if let Err(message) = decode_cell(builder, layout, &decoded) {
                stream.consume(consumed + lead);
                let position = stream.get_ref().position();
                return Err(Error::Value { position: Some(position), column: layout.name.clone(), message });
            }
        }
        consumed += len;
        rows += 1;
    }
    stream.consume(consumed);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_plain_rows_only() {
        let mut cells = Vec::new();
        assert!(matches!(scan_row(b"\n<TR><TD>1</TD><TD/></TR><TR>", &mut cells), Scan::Row(25)));
        assert_eq!(cells, vec![Some((9, 10)), None]);
        for other in [
            &b"<TR><TD>1</TD>"[..],
            b"<TR ID=\"a\"><TD>1</TD></TR>",
            b"<TR><TD><![CDATA[x]]></TD></TR>",
            b"</TABLEDATA>",
        ] {
            assert!(matches!(scan_row(other, &mut cells), Scan::Other));
        }
    }
}
