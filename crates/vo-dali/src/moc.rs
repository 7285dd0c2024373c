//! The `moc` xtype (DALI 1.2 §3.11): a spatial Multi-Order Coverage map in the ASCII serialisation
//! of MOC 2.0 §4.3.2, e.g. `1/1 2 4 2/12-14 21 23 25 8/`.
//!
//! Each `order/` starts the cells of a HEALPix order (0–29, nested numbering); cells are single
//! indices or inclusive `low-high` ranges; a trailing `order/` without cells states the MOC's
//! depth. The parser checks the syntax, that orders never decrease, that every index exists at its
//! order, and that cells ascend within an order. It does not check that the MOC is in canonical
//! (fully merged) form, because a redundant MOC still describes its coverage unambiguously.
//!
//! ```
//! use vo_dali::Moc;
//!
//! let moc: Moc = "1/1 2 4 2/12-14 21 23 25 8/".parse()?;
//! assert_eq!(moc.depth(), 8);
//! // Order-1 cells 1 and 2 are order-2 cells 4-11, which run on into 12-14: one half-open range.
//! assert_eq!(moc.to_ranges(2)[0], 4..15);
//! assert_eq!(moc.to_string(), "1/1 2 4 2/12-14 21 23 25 8/");
//!
//! let err = "1/48".parse::<Moc>().unwrap_err();
//! assert_eq!(err.to_string(), "cell 48 does not exist at order 1 (0 to 47) at character 3");
//! # Ok::<(), vo_dali::ValueError>(())
//! ```

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use crate::values::{At, DaliValue, ValueError, words};

/// The deepest HEALPix order a spatial MOC may use.
pub const MAX_ORDER: u8 = 29;

/// A spatial MOC: for each order present (ascending), its cells as inclusive index ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Moc {
    sections: Vec<(u8, Vec<(u64, u64)>)>,
}

/// The number of HEALPix cells at `order`.
fn cells_at(order: u8) -> u64 {
    12 << (2 * u32::from(order))
}

impl Moc {
    /// The orders present, ascending, each with its cells as inclusive `(low, high)` ranges (empty
    /// for an order written only to state the depth).
    pub fn orders(&self) -> impl Iterator<Item = (u8, &[(u64, u64)])> {
        self.sections.iter().map(|(order, cells)| (*order, cells.as_slice()))
    }

    /// The MOC's resolution: the deepest order it mentions (0 for an empty MOC).
    pub fn depth(&self) -> u8 {
        self.sections.last().map_or(0, |(order, _)| *order)
    }

    /// Whether it covers no cell at all.
    pub fn is_empty(&self) -> bool {
        self.sections.iter().all(|(_, cells)| cells.is_empty())
    }

    /// The coverage as sorted, disjoint, half-open index ranges at `order` (at most [`MAX_ORDER`]).
    /// Cells deeper than `order` are widened to the cell containing them, so the result covers at
    /// least the MOC — what a HEALPix-indexed pre-filter needs.
    pub fn to_ranges(&self, order: u8) -> Vec<Range<u64>> {
        let order = order.min(MAX_ORDER);
        let mut ranges: Vec<Range<u64>> = self
            .sections
            .iter()
            .flat_map(|(o, cells)| {
                cells.iter().map(move |&(low, high)| {
                    if *o <= order {
                        let shift = 2 * u32::from(order - o);
                        (low << shift)..((high + 1) << shift)
                    } else {
                        let shift = 2 * u32::from(o - order);
                        (low >> shift)..((high >> shift) + 1)
                    }
                })
            })
            .collect();
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<u64>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }

    /// Parses the ASCII serialisation; see the module documentation.
    pub fn parse(text: &str) -> Result<Moc, ValueError> {
        let words = words(text);
        if words.is_empty() {
            return Err(ValueError::Empty);
        }
        let mut sections: Vec<(u8, Vec<(u64, u64)>)> = Vec::new();
        for (k, word) in words.iter().enumerate() {
            let base = word.at.0.unwrap_or(1);
            // Positions inside a word: every byte before a reported one is ASCII, so bytes are characters.
            let at = |i: usize| At(Some(base + i));
            let syntax = |i: usize, reason: String| ValueError::Syntax { reason, at: at(i) };
            let mut token = word.text;
            let mut offset = 0;
            if k == 0 {
                if token.starts_with('t') {
                    return Err(syntax(
                        0,
                        "time MOCs ('t' prefix) are not supported: the moc xtype is a spatial MOC".to_string(),
                    ));
                }
                if let Some(rest) = token.strip_prefix('s') {
                    token = rest;
                    offset = 1;
                }
            }
            if let Some(slash) = token.find('/') {
                let digits = &token[..slash];
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(syntax(offset, format!("'{digits}' before '/' is not a HEALPix order")));
                }
                let order = digits
                    .parse::<u8>()
                    .ok()
                    .filter(|o| *o <= MAX_ORDER)
                    .ok_or_else(|| syntax(offset, format!("order {digits} is outside 0-{MAX_ORDER}")))?;
                match sections.last() {
                    Some((last, _)) if order < *last => {
                        return Err(syntax(
                            offset,
                            format!("order {order} comes after order {last}: orders must increase"),
                        ));
                    }
                    Some((last, _)) if order == *last => {}
                    _ => sections.push((order, Vec::new())),
                }
                offset += slash + 1;
                token = &token[slash + 1..];
                if token.is_empty() {
                    continue;
                }
            }
            let Some((order, cells)) = sections.last_mut() else {
                return Err(syntax(0, format!("'{token}' needs an order before it (e.g. 3/{token})")));
            };
            let (low_text, high_text, high_offset) = match token.split_once('-') {
                Some((low, high)) => (low, high, offset + low.len() + 1),
                None => (token, token, offset),
            };
            let index = |text: &str, i: usize| -> Result<u64, ValueError> {
                if let Some(bad) = text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
                    return Err(syntax(
                        i + bad.0,
                        format!("unexpected '{}' in a MOC (expected order/cells, e.g. 3/1-4 7)", bad.1),
                    ));
                }
                if text.is_empty() {
                    return Err(syntax(i, "expected a cell index".to_string()));
                }
                let count = cells_at(*order);
                text.parse::<u64>().ok().filter(|v| *v < count).ok_or_else(|| {
                    syntax(i, format!("cell {text} does not exist at order {order} (0 to {})", count - 1))
                })
            };
            let low = index(low_text, offset)?;
            let high = index(high_text, high_offset)?;
            if low > high {
                return Err(syntax(offset, format!("cell range {low}-{high} is reversed")));
            }
            if let Some(&(_, previous)) = cells.last() {
                if low <= previous {
                    return Err(syntax(
                        offset,
                        format!("cell {low} does not follow cell {previous} of order {order}: cells must ascend"),
                    ));
                }
            }
            cells.push((low, high));
        }
        Ok(Moc { sections })
    }
}

impl FromStr for Moc {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Moc, ValueError> {
        Moc::parse(text)
    }
}

impl fmt::Display for Moc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, (order, cells)) in self.sections.iter().enumerate() {
            if k > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{order}/")?;
            for (i, &(low, high)) in cells.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                if low == high { write!(f, "{low}")? } else { write!(f, "{low}-{high}")? }
            }
        }
        Ok(())
    }
}

impl DaliValue for Moc {
    const NAME: &'static str = "MOC";
    fn parse_dali(text: &str) -> Result<Self, ValueError> {
        Moc::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moc(text: &str) -> Moc {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> String {
        text.parse::<Moc>().unwrap_err().to_string()
    }

    #[test]
    fn the_standard_example() {
        let m = moc("1/1 2 4 2/12-14 21 23 25 8/");
        let orders: Vec<(u8, Vec<(u64, u64)>)> = m.orders().map(|(o, c)| (o, c.to_vec())).collect();
        assert_eq!(
            orders,
            vec![(1, vec![(1, 1), (2, 2), (4, 4)]), (2, vec![(12, 14), (21, 21), (23, 23), (25, 25)]), (8, vec![])]
        );
        assert_eq!(m.depth(), 8);
        assert!(!m.is_empty());
    }

    #[test]
    fn accepted_variants() {
        assert_eq!(moc("s3/1-3 5").to_string(), "3/1-3 5");
        assert_eq!(moc("1/ 1 2").to_string(), "1/1 2");
        assert_eq!(moc("1/1 1/2 2/12").to_string(), "1/1 2 2/12");
        assert_eq!(moc(" 0/0-11\n\r").depth(), 0);
        assert_eq!(moc("29/3458764513820540927").depth(), 29);
        let empty = moc("5/");
        assert!(empty.is_empty());
        assert_eq!(empty.depth(), 5);
        assert!(empty.to_ranges(5).is_empty());
        assert_eq!(Moc::default().depth(), 0);
    }

    #[test]
    fn ranges_at_an_order() {
        let m = moc("0/1 1/8-9 12 2/0");
        assert_eq!(m.to_ranges(1), vec![0..1, 4..10, 12..13]);
        assert_eq!(m.to_ranges(2), vec![0..1, 16..40, 48..52]);
        // Coarser than the MOC: cells widen to their parents and merge.
        assert_eq!(m.to_ranges(0), vec![0..4]);
        assert_eq!(moc("29/5").to_ranges(40), vec![5..6]);
    }

    #[test]
    fn errors_are_positioned() {
        assert_eq!(err(""), "the value is empty");
        assert_eq!(err("12"), "'12' needs an order before it (e.g. 3/12) at character 1");
        assert_eq!(err("30/1"), "order 30 is outside 0-29 at character 1");
        assert_eq!(err("1/1 300/1"), "order 300 is outside 0-29 at character 5");
        assert_eq!(err("x/1"), "'x' before '/' is not a HEALPix order at character 1");
        assert_eq!(err("/1"), "'' before '/' is not a HEALPix order at character 1");
        assert_eq!(err("2/12 1/1"), "order 1 comes after order 2: orders must increase at character 6");
        assert_eq!(err("0/12"), "cell 12 does not exist at order 0 (0 to 11) at character 3");
        assert_eq!(err("1/0-48"), "cell 48 does not exist at order 1 (0 to 47) at character 5");
        assert_eq!(
            err("29/3458764513820540928"),
            "cell 3458764513820540928 does not exist at order 29 (0 to 3458764513820540927) at character 4"
        );
        assert_eq!(
            err("1/99999999999999999999"),
            "cell 99999999999999999999 does not exist at order 1 (0 to 47) at character 3"
        );
        assert_eq!(err("1/5-3"), "cell range 5-3 is reversed at character 3");
        assert_eq!(err("1/4 2"), "cell 2 does not follow cell 4 of order 1: cells must ascend at character 5");
        assert_eq!(err("1/2-5 5"), "cell 5 does not follow cell 5 of order 1: cells must ascend at character 7");
        assert_eq!(err("1/1,2"), "unexpected ',' in a MOC (expected order/cells, e.g. 3/1-4 7) at character 4");
        assert_eq!(err("1/1-"), "expected a cell index at character 5");
        assert_eq!(err("1/-3"), "expected a cell index at character 3");
        assert_eq!(
            err("t61/1"),
            "time MOCs ('t' prefix) are not supported: the moc xtype is a spatial MOC at character 1"
        );
        assert_eq!(err("1/1 s2/3"), "'s2' before '/' is not a HEALPix order at character 5");
    }

    #[test]
    fn round_trips() {
        for text in ["1/1 2 4 2/12-14 21 23 25 8/", "0/0-11", "3/ 5/1", "29/0 3458764513820540927"] {
            assert_eq!(moc(text).to_string(), text);
            assert_eq!(moc(&moc(text).to_string()), moc(text));
        }
    }
}
