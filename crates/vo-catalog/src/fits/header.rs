//! FITS headers (FITS 4.0 §4): 80-byte cards in 2880-byte blocks, read from a stream.
//!
//! Only what a table reader needs: `KEYWORD = value / comment` cards with string (including the
//! `CONTINUE` long-string convention), logical and numeric values. Commentary cards (`COMMENT`,
//! `HISTORY`, blank, `HIERARCH`) are skipped.

use std::io::Read;

use super::FitsError;

/// Bytes in a FITS block; headers and data units are padded to a multiple of it.
pub(crate) const BLOCK: usize = 2880;
const CARD: usize = 80;
/// A header this long is not a FITS header (real ones have at most a few thousand cards);
/// the limit keeps a wrong input from being read into memory whole.
const MAX_CARDS: usize = 1_000_000;

/// A keyword's value, as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(String),
    Bool(bool),
    /// A number (integer, real or complex) kept as text, so that integers beyond `i64` (as
    /// `TZERO = 9223372036854775808`) are read exactly.
    Number(String),
    Undefined,
}

/// The valued cards of one header, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    cards: Vec<(String, Value)>,
}

impl Header {
    /// Reads one header, whose first card must have the keyword `first` (`SIMPLE` for the
    /// primary HDU, `XTENSION` for an extension); otherwise [`FitsError::NotAHeader`], after one
    /// block, so that a file that is not FITS is not read further. `Ok(None)` when the input
    /// ends cleanly before its first byte (no more HDUs); `bytes` counts what was consumed.
    pub(crate) fn read(input: &mut dyn Read, bytes: &mut u64, first: &str) -> Result<Option<Header>, FitsError> {
        let mut block = vec![0u8; BLOCK];
        let mut header = Header::default();
        let mut cards = 0usize;
        loop {
            let got = read_full(input, &mut block)?;
            *bytes += got as u64;
            if got == 0 && cards == 0 {
                return Ok(None);
            }
            if got < BLOCK {
                return Err(FitsError::Format("the file ends inside a header (no END card)".into()));
            }
            if cards == 0 && block[..8].trim_ascii_end() != first.as_bytes() {
                return Err(FitsError::NotAHeader);
            }
            for card in block.chunks_exact(CARD) {
                cards += 1;
                if header.push_card(card)? {
                    return Ok(Some(header));
                }
            }
            if cards >= MAX_CARDS {
                return Err(FitsError::Format(format!("no END card in the first {MAX_CARDS} header cards")));
            }
        }
    }

    /// Adds one card; `true` at END.
    fn push_card(&mut self, card: &[u8]) -> Result<bool, FitsError> {
        let text = String::from_utf8_lossy(card);
        let keyword = text.get(..8).unwrap_or(&text).trim_end();
        if keyword == "END" {
            return Ok(true);
        }
        if keyword == "CONTINUE" {
            // The long-string convention: the previous string ended with `&`.
            // (No let chains: the workspace's rust-version predates them.)
            if let Some((_, Value::Str(previous))) = self.cards.last_mut() {
                if previous.ends_with('&') {
                    if let Value::Str(more) = parse_value(text.get(8..).unwrap_or("")) {
                        previous.pop();
                        previous.push_str(&more);
                    }
                }
            }
            return Ok(false);
        }
        if text.get(8..10) == Some("= ") && !keyword.is_empty() {
            self.cards.push((keyword.to_string(), parse_value(&text[10..])));
        }
        Ok(false)
    }

    pub(crate) fn get(&self, keyword: &str) -> Option<&Value> {
        self.cards.iter().find(|(k, _)| k == keyword).map(|(_, v)| v)
    }

    pub(crate) fn string(&self, keyword: &str) -> Option<&str> {
        match self.get(keyword)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn boolean(&self, keyword: &str) -> Option<bool> {
        match self.get(keyword)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integer value; `Err` when present but not an integer.
    pub(crate) fn integer(&self, keyword: &str) -> Result<Option<i128>, FitsError> {
        match self.get(keyword) {
            None | Some(Value::Undefined) => Ok(None),
            Some(Value::Number(n)) => {
                n.parse().map(Some).map_err(|_| FitsError::Format(format!("{keyword} = {n} is not an integer")))
            }
            Some(other) => Err(FitsError::Format(format!("{keyword} = {other:?} is not an integer"))),
        }
    }

    /// An integer value that must be there and be at least 0.
    pub(crate) fn required_count(&self, keyword: &str) -> Result<u64, FitsError> {
        let n = self.integer(keyword)?.ok_or_else(|| FitsError::Format(format!("the header has no {keyword}")))?;
        u64::try_from(n).map_err(|_| FitsError::Format(format!("{keyword} = {n} is negative")))
    }

    /// A real value (FORTRAN `D` exponents allowed); `Err` when present but not a number.
    pub(crate) fn real(&self, keyword: &str) -> Result<Option<f64>, FitsError> {
        match self.get(keyword) {
            None | Some(Value::Undefined) => Ok(None),
            Some(Value::Number(n)) => n
                .replace(['D', 'd'], "E")
                .parse()
                .map(Some)
                .map_err(|_| FitsError::Format(format!("{keyword} = {n} is not a number"))),
            Some(other) => Err(FitsError::Format(format!("{keyword} = {other:?} is not a number"))),
        }
    }

    /// The size in bytes of this HDU's data unit, padding included (FITS 4.0 §4.4.1).
    pub(crate) fn data_size(&self, primary: bool) -> Result<u64, FitsError> {
        let overflow = || FitsError::Format("the data size in the header overflows".into());
        let bitpix = self.integer("BITPIX")?.ok_or_else(|| FitsError::Format("the header has no BITPIX".into()))?;
        let naxis = self.required_count("NAXIS")?;
        if naxis == 0 {
            return Ok(0);
        }
        // Random groups (a primary with NAXIS1 = 0 and GROUPS = T) leave axis 1 out.
        let groups = primary && self.boolean("GROUPS") == Some(true);
        let mut elements = 1u64;
        for axis in 1..=naxis {
            let n = self.required_count(&format!("NAXIS{axis}"))?;
            if !(groups && axis == 1 && n == 0) {
                elements = elements.checked_mul(n).ok_or_else(overflow)?;
            }
        }
        let pcount = self.integer("PCOUNT")?.unwrap_or(0);
        let gcount = self.integer("GCOUNT")?.unwrap_or(1);
        let (Ok(pcount), Ok(gcount)) = (u64::try_from(pcount), u64::try_from(gcount)) else {
            return Err(FitsError::Format("negative PCOUNT or GCOUNT".into()));
        };
        let bytes = (bitpix.unsigned_abs() as u64 / 8)
            .checked_mul(gcount)
            .and_then(|b| b.checked_mul(pcount.checked_add(elements)?))
            .ok_or_else(overflow)?;
        bytes.checked_next_multiple_of(BLOCK as u64).ok_or_else(overflow)
    }
}

/// Reads until `buf` is full or the input ends; returns how much was read.
pub(crate) fn read_full(input: &mut dyn Read, buf: &mut [u8]) -> Result<usize, FitsError> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FitsError::Io(e)),
        }
    }
    Ok(filled)
}

/// Parses the value field of a card (what follows `= `).
fn parse_value(field: &str) -> Value {
    let field = field.trim_start();
    if let Some(rest) = field.strip_prefix('\'') {
        // A quote inside a string is written twice; trailing blanks are not significant.
        let mut value = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                } else {
                    break;
                }
            }
            value.push(c);
        }
        return Value::Str(value.trim_end().to_string());
    }
    let value = field.split('/').next().unwrap_or("").trim();
    match value {
        "" => Value::Undefined,
        "T" => Value::Bool(true),
        "F" => Value::Bool(false),
        number => Value::Number(number.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cards: &[&str]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for card in cards {
            let mut c = card.as_bytes().to_vec();
            c.resize(CARD, b' ');
            bytes.extend_from_slice(&c);
        }
        bytes.resize(bytes.len().div_ceil(BLOCK) * BLOCK, b' ');
        bytes
    }

    #[test]
    fn values_of_every_kind() {
        let bytes = header(&[
            "XTENSION= 'BINTABLE'           / binary table",
            "NAXIS2  =                   12 / rows",
            "TZERO1  =  9223372036854775808",
            "TSCAL1  =               1.5D-1",
            "EXTEND  =                    T",
            "TTYPE1  = 'it''s a / name'     / the slash is inside the string",
            "TCOMM1  = 'a long descrip&'",
            "CONTINUE  'tion'",
            "COMMENT   TTYPE2  = 'not a keyword'",
            "BLANK   =",
            "END",
        ]);
        let mut read = 0;
        let h = Header::read(&mut &bytes[..], &mut read, "XTENSION").unwrap().unwrap();
        assert_eq!(read, BLOCK as u64);
        assert_eq!(h.string("XTENSION"), Some("BINTABLE"));
        assert_eq!(h.integer("NAXIS2").unwrap(), Some(12));
        assert_eq!(h.integer("TZERO1").unwrap(), Some(1 << 63));
        assert_eq!(h.real("TSCAL1").unwrap(), Some(0.15));
        assert_eq!(h.boolean("EXTEND"), Some(true));
        assert_eq!(h.string("TTYPE1"), Some("it's a / name"));
        assert_eq!(h.string("TCOMM1"), Some("a long description"));
        assert_eq!(h.get("TTYPE2"), None);
        assert_eq!(h.get("BLANK"), Some(&Value::Undefined));
        assert!(h.integer("XTENSION").is_err());
    }

    #[test]
    fn data_sizes_are_padded_and_clean_ends_are_not_errors() {
        let bytes = header(&["SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 10", "NAXIS2  = 100", "END"]);
        let h = Header::read(&mut &bytes[..], &mut 0, "SIMPLE").unwrap().unwrap();
        assert_eq!(h.data_size(true).unwrap(), 4000u64.next_multiple_of(2880));
        let table = header(&[
            "XTENSION= 'BINTABLE'",
            "BITPIX  = 8",
            "NAXIS   = 2",
            "NAXIS1  = 3",
            "NAXIS2  = 5",
            "PCOUNT  = 7",
            "GCOUNT  = 1",
            "END",
        ]);
        let h = Header::read(&mut &table[..], &mut 0, "XTENSION").unwrap().unwrap();
        assert_eq!(h.data_size(false).unwrap(), 2880);
        assert!(Header::read(&mut &[][..], &mut 0, "SIMPLE").unwrap().is_none());
        let err = Header::read(&mut &bytes[..100], &mut 0, "SIMPLE").unwrap_err();
        assert!(err.to_string().contains("ends inside a header"), "{err}");
        let no_end = header(&["SIMPLE  = T"]);
        assert!(Header::read(&mut &no_end[..], &mut 0, "SIMPLE").is_err());
        let err = Header::read(&mut &table[..], &mut 0, "SIMPLE").unwrap_err();
        assert!(matches!(err, FitsError::NotAHeader), "{err}");
    }
}
