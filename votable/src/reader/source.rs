//! A `BufRead` wrapper that knows the line and column of every byte it has handed out, so errors
//! anywhere (including inside megabytes of base64) can say where they are.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

use crate::error::Position;

/// How many recent line starts are remembered to place positions slightly behind the cursor.
const REMEMBERED_LINES: usize = 256;

/// Counts lines in everything consumed from the inner reader.
pub(crate) struct LineCounter<R> {
    inner: R,
    /// Bytes consumed so far.
    offset: u64,
    /// Number of newlines consumed so far.
    newlines: u64,
    /// Offsets just after recent newlines (the starts of recent lines), oldest first.
    line_starts: VecDeque<u64>,
}

impl<R: BufRead> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineCounter { inner, offset: 0, newlines: 0, line_starts: VecDeque::with_capacity(REMEMBERED_LINES) }
    }

    /// Bytes consumed so far (cheap; turn into a [`Position`] with [`Self::position_of`]).
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// The position of byte `offset` (at most the current offset, and not too far behind it).
    pub(crate) fn position_of(&self, offset: u64) -> Position {
        let offset = offset.min(self.offset);
        let later_lines = self.line_starts.iter().rev().take_while(|&&start| start > offset).count() as u64;
        let line_start = self.line_starts.iter().rev().find(|&&start| start <= offset).copied().unwrap_or(0);
        Position { line: self.newlines - later_lines + 1, column: offset - line_start + 1 }
    }

    /// The position of the next byte to be consumed.
    pub(crate) fn position(&self) -> Position {
        self.position_of(self.offset)
    }
}

/// Records the newlines of `consumed`, which starts at offset `base`.
fn count_lines(consumed: &[u8], base: u64, newlines: &mut u64, line_starts: &mut VecDeque<u64>) {
    for i in memchr::memchr_iter(b'\n', consumed) {
        *newlines += 1;
        if line_starts.len() == REMEMBERED_LINES {
            line_starts.pop_front();
        }
        line_starts.push_back(base + i as u64 + 1);
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        count_lines(&buf[..n], self.offset, &mut self.newlines, &mut self.line_starts);
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt == 0 {
            return;
        }
        // The bytes being consumed are at the front of the inner buffer, which `fill_buf` returns
        // again without reading (it is not empty, since `amt` bytes are in it).
        if let Ok(buffer) = self.inner.fill_buf() {
            let end = amt.min(buffer.len());
            count_lines(&buffer[..end], self.offset, &mut self.newlines, &mut self.line_starts);
        }
        self.inner.consume(amt);
        self.offset += amt as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_lines_and_columns() {
        let mut r = LineCounter::new(io::BufReader::with_capacity(3, &b"ab\ncd\n\nef"[..]));
        let mut s = String::new();
        r.read_line(&mut s).unwrap();
        assert_eq!(r.position(), Position { line: 2, column: 1 });
        r.read_line(&mut s).unwrap();
        r.read_line(&mut s).unwrap();
        r.consume(1);
        assert_eq!(r.position(), Position { line: 4, column: 2 });
        assert_eq!(r.position_of(4), Position { line: 2, column: 2 });
        assert_eq!(r.position_of(0), Position { line: 1, column: 1 });
    }
}
