//! FITS header cards (FITS 4.0 §4): 80-character records in 2880-byte blocks.

/// Bytes in a FITS block; headers and data are padded to a multiple of it.
pub(crate) const BLOCK: usize = 2880;
const CARD: usize = 80;
/// Characters of a string value that fit on one card between the quotes.
const STRING_ROOM: usize = 68;

/// A header being built, card by card.
#[derive(Default)]
pub(crate) struct Header {
    text: Vec<u8>,
    /// Whether a string was continued with CONTINUE cards (then LONGSTRN is declared).
    pub(crate) uses_long_strings: bool,
}

/// Header text must be printable ASCII: anything else becomes `?`.
fn printable(text: &str) -> String {
    text.chars().map(|c| if (' '..='~').contains(&c) { c } else { '?' }).collect()
}

impl Header {
    fn push_card(&mut self, card: &str) {
        let card = printable(card);
        let mut bytes = card.into_bytes();
        bytes.truncate(CARD);
        bytes.resize(CARD, b' ');
        self.text.extend_from_slice(&bytes);
    }

    fn value_card(&mut self, keyword: &str, value: &str, comment: Option<&str>) {
        // Fixed format: the value right-justified to column 30 (FITS §4.2).
        let mut card = format!("{keyword:<8}= {value:>20}");
        if let Some(comment) = comment {
            card.push_str(" / ");
            card.push_str(comment);
        }
        self.push_card(&card);
    }

    /// `KEYWORD = T` or `F`.
    pub(crate) fn logical(&mut self, keyword: &str, value: bool, comment: Option<&str>) {
        self.value_card(keyword, if value { "T" } else { "F" }, comment);
    }

    /// An integer-valued card.
    pub(crate) fn integer(&mut self, keyword: &str, value: impl Into<i128>, comment: Option<&str>) {
        self.value_card(keyword, &value.into().to_string(), comment);
    }

    /// A string-valued card; values too long for one card continue on CONTINUE cards (the
    /// long-string convention of FITS 4.0 §4.2.1.2).
    pub(crate) fn string(&mut self, keyword: &str, value: &str, comment: Option<&str>) {
        let value = printable(value);
        let pieces = split_string(&value);
        let last = pieces.len() - 1;
        for (i, piece) in pieces.iter().enumerate() {
            let mut quoted = piece.replace('\'', "''");
            if i < last {
                quoted.push('&');
            }
            // Fixed-format strings have at least 8 characters between the quotes.
            let card = if i == 0 { format!("{keyword:<8}= '{quoted:<8}'") } else { format!("CONTINUE  '{quoted}'") };
            let with_comment = match comment {
                Some(c) if i == last && card.len() + 3 + c.len() <= CARD => format!("{card} / {c}"),
                _ => card,
            };
            self.push_card(&with_comment);
        }
        self.uses_long_strings |= last > 0;
    }

    /// A COMMENT card (long text is split over several).
    pub(crate) fn comment(&mut self, text: &str) {
        let text = printable(text);
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(CARD - 8) {
            let line: String = chunk.iter().collect();
            self.push_card(&format!("COMMENT {line}"));
        }
    }

    /// Appends the cards of `other`.
    pub(crate) fn append(&mut self, other: Header) {
        self.text.extend_from_slice(&other.text);
        self.uses_long_strings |= other.uses_long_strings;
    }

    /// Ends the header with END and pads it to a whole block.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.push_card("END");
        let padded = self.text.len().div_ceil(BLOCK) * BLOCK;
        self.text.resize(padded, b' ');
        self.text
    }
}

/// Splits a value into pieces that fit a card once quotes are doubled and `&` is added, never
/// splitting a quote pair.
fn split_string(value: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut room = STRING_ROOM;
    for c in value.chars() {
        let cost = if c == '\'' { 2 } else { 1 };
        // One character of room is kept for the continuation `&`.
        if cost + 1 > room {
            pieces.push(String::new());
            room = STRING_ROOM;
        }
        pieces.last_mut().expect("pieces is never empty").push(c);
        room -= cost;
    }
    if pieces.len() > 1 && pieces.last().is_some_and(String::is_empty) {
        pieces.pop();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(header: Header) -> Vec<String> {
        let bytes = header.finish();
        assert_eq!(bytes.len() % BLOCK, 0);
        bytes.chunks(CARD).map(|c| String::from_utf8(c.to_vec()).unwrap().trim_end().to_string()).collect()
    }

    #[test]
    fn fixed_format_values() {
        let mut h = Header::default();
        h.logical("SIMPLE", true, Some("conforms to FITS"));
        h.integer("NAXIS2", 12345u64, None);
        h.string("TTYPE1", "ra", None);
        h.string("TUNIT1", "it's", None);
        let cards = cards(h);
        assert_eq!(cards[0], "SIMPLE  =                    T / conforms to FITS");
        assert_eq!(cards[1], "NAXIS2  =                12345");
        assert_eq!(cards[2], "TTYPE1  = 'ra      '");
        assert_eq!(cards[3], "TUNIT1  = 'it''s   '");
        assert_eq!(cards[4], "END");
    }

    #[test]
    fn long_strings_continue() {
        let mut h = Header::default();
        let long = format!("{}'{}", "a".repeat(66), "b".repeat(80));
        h.string("TCOMM1", &long, Some("a comment"));
        assert!(h.uses_long_strings);
        let cards = cards(h);
        assert!(cards[0].starts_with("TCOMM1  = 'aaaa") && cards[0].ends_with("a&'"), "{}", cards[0]);
        assert!(cards[1].starts_with("CONTINUE  '''bbb"), "{}", cards[1]);
        let rebuilt: String = cards[..3]
            .iter()
            .map(|c| {
                let start = c.find('\'').unwrap() + 1;
                let end = c.rfind('\'').unwrap();
                c[start..end].trim_end_matches('&').replace("''", "'")
            })
            .collect();
        assert_eq!(rebuilt.trim_end(), long);
        assert!(cards.iter().all(|c| c.len() <= 80));
    }

    #[test]
    fn non_ascii_becomes_question_marks() {
        let mut h = Header::default();
        h.string("TTYPE1", "Ω\tx", None);
        assert_eq!(cards(h)[0], "TTYPE1  = '??x     '");
    }
}
