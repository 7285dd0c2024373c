//! The `arraysize` attribute [VOT §2.2]: `n`, `n*`, `*`, `AxB`, `AxB*`, `Ax*`.

use std::fmt;
use std::str::FromStr;

/// The largest number of elements a fixed-size cell may declare.
///
/// A fixed arraysize tells readers how many bytes each cell takes; a hostile or broken document
/// could declare `2000000000` and make a reader allocate gigabytes per row. Real data (e.g. a
/// 4096×4096 image in a cell) stays well below this bound.
pub const MAX_FIXED_ELEMENTS: u64 = 1 << 26;

/// The size of the last (slowest-varying) dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LastDim {
    /// `n`: exactly n elements.
    Fixed(u32),
    /// `n*`: variable, at most n elements.
    Bounded(u32),
    /// `*`: variable, unbounded.
    Unbounded,
}

/// A parsed `arraysize`: leading fixed dimensions (first index varies fastest) and the last one.
///
/// ```
/// use vo_votable::model::ArraySize;
/// let a: ArraySize = "2x3*".parse().unwrap();
/// assert!(a.is_variable());
/// assert_eq!(a.leading_elements(), 2);
/// assert_eq!(a.to_string(), "2x3*");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArraySize {
    /// The dimensions before the last one, all fixed (`AxB` in `AxBxC*`).
    pub leading: Vec<u32>,
    /// The last dimension, the only one that may be variable.
    pub last: LastDim,
}

impl ArraySize {
    /// `n`: a fixed one-dimensional array.
    pub fn fixed(n: u32) -> Self {
        ArraySize { leading: Vec::new(), last: LastDim::Fixed(n) }
    }

    /// `*`: a variable-length one-dimensional array.
    pub fn variable() -> Self {
        ArraySize { leading: Vec::new(), last: LastDim::Unbounded }
    }

    /// `n*`: variable length, at most n elements.
    pub fn bounded(n: u32) -> Self {
        ArraySize { leading: Vec::new(), last: LastDim::Bounded(n) }
    }

    /// `true` when the last dimension is `n*` or `*`.
    pub fn is_variable(&self) -> bool {
        !matches!(self.last, LastDim::Fixed(_))
    }

    /// Product of the leading dimensions (1 for a one-dimensional array).
    pub fn leading_elements(&self) -> u64 {
        self.leading.iter().map(|&d| d as u64).product()
    }

    /// Total number of elements per cell when every dimension is fixed.
    pub fn fixed_elements(&self) -> Option<u64> {
        match self.last {
            LastDim::Fixed(n) => Some(self.leading_elements() * n as u64),
            _ => None,
        }
    }

    /// Upper bound on the number of elements per cell (`None` when unbounded).
    pub fn max_elements(&self) -> Option<u64> {
        match self.last {
            LastDim::Fixed(n) | LastDim::Bounded(n) => Some(self.leading_elements() * n as u64),
            LastDim::Unbounded => None,
        }
    }
}

impl fmt::Display for ArraySize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.leading {
            write!(f, "{d}x")?;
        }
        match self.last {
            LastDim::Fixed(n) => write!(f, "{n}"),
            LastDim::Bounded(n) => write!(f, "{n}*"),
            LastDim::Unbounded => f.write_str("*"),
        }
    }
}

/// Why an `arraysize` attribute could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad arraysize '{text}': {reason}")]
pub struct BadArraySize {
    /// The attribute value.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FromStr for ArraySize {
    type Err = BadArraySize;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| BadArraySize { text: s.to_string(), reason: reason.to_string() };
        let text = s.trim();
        if text.is_empty() {
            return Err(bad("empty"));
        }
        let parts: Vec<&str> = text.split('x').collect();
        let (last_text, leading_texts) = parts.split_last().ok_or_else(|| bad("empty"))?;
        let parse_dim = |t: &str| -> Result<u32, BadArraySize> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("each dimension must be a positive integer; only the last may end with '*'"));
            }
            t.parse::<u32>().map_err(|_| bad("dimension too large"))
        };
        let leading = leading_texts.iter().map(|t| parse_dim(t)).collect::<Result<Vec<_>, _>>()?;
        let last = if *last_text == "*" {
            LastDim::Unbounded
        } else if let Some(n) = last_text.strip_suffix('*') {
            LastDim::Bounded(parse_dim(n)?)
        } else {
            LastDim::Fixed(parse_dim(last_text)?)
        };
        let size = ArraySize { leading, last };
        if size.leading.contains(&0) {
            return Err(bad("a leading dimension of 0 makes every cell empty"));
        }
        // Checked products: `leading_elements` would overflow for absurd dimension lists.
        let mut product: u64 = 1;
        let fixed_dims = size.leading.iter().copied().chain(match size.last {
            LastDim::Fixed(n) => Some(n),
            _ => None,
        });
        for d in fixed_dims {
            product = product.saturating_mul(d as u64);
        }
        if product > MAX_FIXED_ELEMENTS {
            return Err(bad(&format!("more than {MAX_FIXED_ELEMENTS} fixed elements per cell")));
        }
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        assert_eq!("5".parse::<ArraySize>().unwrap(), ArraySize::fixed(5));
        assert_eq!("*".parse::<ArraySize>().unwrap(), ArraySize::variable());
        assert_eq!("12*".parse::<ArraySize>().unwrap(), ArraySize::bounded(12));
        let a: ArraySize = "64x64x10*".parse().unwrap();
        assert_eq!(a.leading, vec![64, 64]);
        assert_eq!(a.last, LastDim::Bounded(10));
        assert_eq!(a.max_elements(), Some(40960));
        let b: ArraySize = "3x*".parse().unwrap();
        assert_eq!(b.leading_elements(), 3);
        assert_eq!(b.max_elements(), None);
        assert_eq!("2x3".parse::<ArraySize>().unwrap().fixed_elements(), Some(6));
    }

    #[test]
    fn display_round_trips() {
        for text in ["1", "16", "*", "8*", "2x3", "2x3*", "2x*"] {
            assert_eq!(text.parse::<ArraySize>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_bad_and_absurd_sizes() {
        for text in ["", "x", "*x3", "3*x2", "-1", "abc", "2000000000", "100000x100000", "99999999999", "0x*"] {
            assert!(text.parse::<ArraySize>().is_err(), "{text} should be rejected");
        }
        // A huge *bound* on a variable array is fine: memory follows the actual data.
        assert!("2000000000*".parse::<ArraySize>().is_ok());
    }
}
