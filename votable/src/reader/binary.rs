//! BINARY / BINARY2 decoding: base64 (or raw) bytes in, cells pushed into column builders.

use std::io::BufRead;

use base64::Engine as _;
use quick_xml::reader::BinaryStream;

use crate::error::{Error, Position, Result};
use crate::layout::{CellLayout, Shape};
use crate::model::Datatype;

use super::builders::{ColumnBuilder, ElementValues, NumericBuilder, TextBuilder};
use super::source::LineCounter;

/// Largest slice of input handled per fill, to keep memory flat whatever the document size.
const CHUNK: usize = 64 * 1024;

/// Something that appends decoded bytes of a stream.
pub(crate) trait Fill {
    /// Appends more bytes to `out`; returns `false` once the stream is exhausted.
    fn fill(&mut self, out: &mut Vec<u8>) -> Result<bool>;
    /// Where the input currently is (for errors).
    fn position(&self) -> Option<Position>;
}

/// Incremental base64 decoding state.
#[derive(Default)]
pub(crate) struct Base64State {
    /// Base64 characters not yet decoded (fewer than 4), whitespace removed.
    carry: Vec<u8>,
    clean: Vec<u8>,
    pub(crate) finished: bool,
}

impl Base64State {
    /// Decodes `text` (a piece of base64 with any whitespace); `last` marks the end of the stream.
    pub(crate) fn decode(&mut self, text: &[u8], last: bool, out: &mut Vec<u8>) -> Result<(), String> {
        self.clean.clear();
        self.clean.extend_from_slice(&self.carry);
        // Base64 lines are separated by newlines (sometimes CR or spaces): copy the runs between
        // them, then drop any rarer whitespace.
        let mut from = 0;
        for at in memchr::memchr3_iter(b'\n', b'\r', b' ', text) {
            self.clean.extend_from_slice(&text[from..at]);
            from = at + 1;
        }
        self.clean.extend_from_slice(&text[from..]);
        if memchr::memchr2(b'\t', b'\x0C', &self.clean).is_some() {
            self.clean.retain(|b| !b.is_ascii_whitespace());
        }
        let usable = if last { self.clean.len() } else { self.clean.len() / 4 * 4 };
        // Padding may only end the stream (or a concatenated block, handled by decoding
        // quantum by quantum when one appears).
        let decode_all = |input: &[u8], out: &mut Vec<u8>| -> Result<(), String> {
            crate::base64_engine::LENIENT_DECODER
                .decode_vec(input, out)
                .map_err(|e| format!("bad base64 in STREAM: {e}"))
        };
        let input = &self.clean[..usable];
        match memchr::memchr(b'=', input) {
            None => decode_all(input, out)?,
            Some(_) => {
                for quantum in input.chunks(4) {
                    decode_all(quantum, out)?;
                }
            }
        }
        self.carry.clear();
        self.carry.extend_from_slice(&self.clean[usable..]);
        if last {
            self.finished = true;
        }
        Ok(())
    }
}

/// Inline base64 text inside `<STREAM>`, read straight from the XML input up to the next `<`.
pub(crate) struct InlineBase64<'a, 'b, R: BufRead> {
    pub(crate) input: BinaryStream<'a, LineCounter<R>>,
    pub(crate) state: &'b mut Base64State,
}

impl<R: BufRead> Fill for InlineBase64<'_, '_, R> {
    fn fill(&mut self, out: &mut Vec<u8>) -> Result<bool> {
        let start = out.len();
        while !self.state.finished && out.len() == start {
            let position = self.input.get_ref().position();
            let data = self.input.fill_buf()?;
            if data.is_empty() {
                return Err(Error::xml(Some(position), "the document ends inside a STREAM"));
            }
            let data = &data[..data.len().min(CHUNK)];
            let (text, last) = match memchr::memchr(b'<', data) {
                Some(end) => (&data[..end], true),
                None => (data, false),
            };
            let used = text.len();
            self.state.decode(text, last, out).map_err(|m| Error::invalid(Some(position), m))?;
            self.input.consume(used);
        }
        Ok(out.len() > start)
    }

    fn position(&self) -> Option<Position> {
        Some(self.input.get_ref().position())
    }
}

/// A stream referenced by `href` (only `file:` URLs and plain paths), raw or base64.
pub(crate) struct ExternalStream {
    pub(crate) input: Box<dyn BufRead + Send>,
    pub(crate) base64: Option<Base64State>,
    pub(crate) href: String,
}

impl Fill for ExternalStream {
    fn fill(&mut self, out: &mut Vec<u8>) -> Result<bool> {
        let start = out.len();
        loop {
            let data = self.input.fill_buf()?;
            let n = data.len().min(CHUNK);
            match &mut self.base64 {
                None => out.extend_from_slice(&data[..n]),
                Some(state) => {
                    if state.finished {
                        return Ok(false);
                    }
                    state
                        .decode(&data[..n], n == 0, out)
                        .map_err(|m| Error::invalid(None, format!("{} ({})", m, self.href)))?;
                }
            }
            self.input.consume(n);
            if n == 0 || out.len() > start {
                return Ok(out.len() > start);
            }
        }
    }

    fn position(&self) -> Option<Position> {
        None
    }
}

/// Decoded bytes waiting to be parsed into cells.
#[derive(Default)]
pub(crate) struct ByteBuffer {
    buf: Vec<u8>,
    pos: usize,
}

impl ByteBuffer {
    /// Makes at least `n` bytes available; `false` when the stream ends first.
    fn ensure<F: Fill>(&mut self, n: usize, fill: &mut F) -> Result<bool> {
        while self.buf.len() - self.pos < n {
            if self.pos > 0 && self.pos >= self.buf.len() / 2 {
                self.buf.drain(..self.pos);
                self.pos = 0;
            }
            if !fill.fill(&mut self.buf)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The decoded bytes not consumed yet.
    pub(crate) fn available(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Marks `n` available bytes as consumed.
    pub(crate) fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }

    /// Makes at least `n` bytes available if the stream has them; `false` when it ends first.
    pub(crate) fn ensure_available<F: Fill>(&mut self, n: usize, fill: &mut F) -> Result<bool> {
        self.ensure(n, fill)
    }

    /// `true` when no byte is left in the stream (the clean end between rows).
    pub(crate) fn at_end<F: Fill>(&mut self, fill: &mut F) -> Result<bool> {
        Ok(!self.ensure(1, fill)?)
    }

    /// The next `n` bytes; a stream ending before them is a truncated row.
    #[inline]
    pub(crate) fn take<F: Fill>(&mut self, n: usize, fill: &mut F, column: &str) -> Result<&[u8]> {
        if self.buf.len() - self.pos < n && !self.ensure(n, fill)? {
            return Err(Error::invalid(
                fill.position(),
                format!("binary data ends in the middle of a row (column '{column}')"),
            ));
        }
        let slice = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }
}

fn read_count<F: Fill>(bytes: &mut ByteBuffer, fill: &mut F, column: &str) -> Result<usize> {
    let b = bytes.take(4, fill, column)?;
    let count = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    usize::try_from(count)
        .map_err(|_| Error::invalid(fill.position(), format!("negative array length {count} in column '{column}'")))
}

/// Decodes one cell of `layout` from `bytes` into `builder`; `null` is the BINARY2 null flag.
pub(crate) fn decode_cell<F: Fill>(
    builder: &mut ColumnBuilder,
    layout: &CellLayout,
    bytes: &mut ByteBuffer,
    fill: &mut F,
    null: bool,
) -> Result<()> {
    let name = layout.name.as_str();
    let unit = if layout.datatype == Datatype::UnicodeChar { 2 } else { layout.element_bytes() };
    let count = match layout.shape {
        Shape::Scalar => 1,
        Shape::Fixed(n) => n,
        Shape::Variable { .. } => read_count(bytes, fill, name)?,
    };
    let size = match builder {
        ColumnBuilder::Text(_) => count.checked_mul(unit),
        ColumnBuilder::Numeric(_) if layout.datatype == Datatype::Bit => Some(count.div_ceil(8)),
        ColumnBuilder::Numeric(_) => count.checked_mul(unit * layout.components),
    }
    .ok_or_else(|| too_long(fill, name))?;
    let raw = bytes.take(size, fill, name)?;
    fill_cell(builder, layout, raw, count, null)
        .map_err(|m| Error::invalid(fill.position(), format!("column '{name}': {m}")))
}

/// Pushes one cell whose `count` elements are the bytes `raw`.
#[inline]
pub(crate) fn fill_cell(
    builder: &mut ColumnBuilder,
    layout: &CellLayout,
    raw: &[u8],
    count: usize,
    null: bool,
) -> Result<(), String> {
    match builder {
        ColumnBuilder::Text(text) => {
            if null {
                text.push_null()
            } else {
                push_text(text, raw, layout.datatype)
            }
        }
        ColumnBuilder::Numeric(numeric) => {
            let start = numeric.values.len();
            if !null {
                push_elements(numeric, layout, raw, count);
            }
            numeric.end_cell(!null, start)
        }
    }
}

fn too_long<F: Fill>(fill: &F, column: &str) -> Error {
    Error::invalid(fill.position(), format!("array length overflows in column '{column}'"))
}

/// Character data: `char` is ASCII (UTF-8 or Latin-1 tolerated), cut at the first NUL;
/// `unicodeChar` is UTF-16 big-endian.
fn push_text(text: &mut TextBuilder, raw: &[u8], datatype: Datatype) -> Result<(), String> {
    if datatype == Datatype::UnicodeChar {
        let units = raw.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).take_while(|&u| u != 0);
        let decoded: String = char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect();
        return text.push(&decoded);
    }
    let raw = match memchr::memchr(0, raw) {
        Some(end) => &raw[..end],
        None => raw,
    };
    match std::str::from_utf8(raw) {
        Ok(s) => text.push(s),
        Err(_) => {
            let latin1: String = raw.iter().map(|&b| b as char).collect();
            text.push(&latin1)
        }
    }
}

/// Appends `count` elements (× components) decoded from big-endian `raw`.
fn push_elements(b: &mut NumericBuilder, layout: &CellLayout, raw: &[u8], count: usize) {
    let int_null = b.int_null;
    let float_null = b.float_null;
    macro_rules! ints {
        ($v:expr, $t:ty, $n:expr) => {{
            let before = $v.len();
            $v.extend(raw.chunks_exact($n).map(|c| {
                let mut a = [0u8; $n];
                a.copy_from_slice(c);
                <$t>::from_be_bytes(a)
            }));
            match int_null {
                None => b.element_validity.append_n_non_nulls($v.len() - before),
                Some(magic) => {
                    for i in before..$v.len() {
                        b.element_validity.append($v[i] as i64 != magic);
                    }
                }
            }
        }};
    }
    macro_rules! floats {
        ($v:expr, $t:ty, $n:expr) => {{
            let before = $v.len();
            $v.extend(raw.chunks_exact($n).map(|c| {
                let mut a = [0u8; $n];
                a.copy_from_slice(c);
                <$t>::from_be_bytes(a)
            }));
            match float_null {
                None => b.element_validity.append_n_non_nulls($v.len() - before),
                Some(magic) => {
                    for i in before..$v.len() {
                        b.element_validity.append($v[i] as f64 != magic);
                    }
                }
            }
        }};
    }
    match &mut b.values {
        // A scalar bit is the most significant bit of its byte; astropy writes 0x08 instead, so
        // any set bit counts (the others are padding and should be zero anyway).
        ElementValues::Bool(bits) if layout.datatype == Datatype::Bit && layout.shape == Shape::Scalar => {
            bits.append(raw.first().is_some_and(|&byte| byte != 0));
            b.element_validity.append_non_null();
        }
        ElementValues::Bool(bits) if layout.datatype == Datatype::Bit => {
            for k in 0..count {
                bits.append(raw[k / 8] & (0x80 >> (k % 8)) != 0);
            }
            b.element_validity.append_n_non_nulls(count);
        }
        ElementValues::Bool(bits) => {
            for &byte in raw {
                let value = match byte {
                    b'T' | b't' | b'1' => Some(true),
                    b'F' | b'f' | b'0' => Some(false),
                    _ => None,
                };
                bits.append(value.unwrap_or(false));
                b.element_validity.append(value.is_some());
            }
        }
        ElementValues::U8(v) => ints!(v, u8, 1),
        ElementValues::I16(v) => ints!(v, i16, 2),
        ElementValues::I32(v) => ints!(v, i32, 4),
        ElementValues::I64(v) => ints!(v, i64, 8),
        ElementValues::F32(v) => floats!(v, f32, 4),
        ElementValues::F64(v) => floats!(v, f64, 8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_in_pieces_with_whitespace() {
        let mut state = Base64State::default();
        let mut out = Vec::new();
        state.decode(b"SGVs\nbG8", false, &mut out).unwrap();
        state.decode(b"gV29y\n bGQ=", true, &mut out).unwrap();
        assert_eq!(out, b"Hello World");
        let mut state = Base64State::default();
        assert!(state.decode(b"SGV*", true, &mut Vec::new()).is_err());
    }
}
