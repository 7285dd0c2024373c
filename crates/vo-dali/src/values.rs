//! DALI literal values [DALI §3.3]: numbers and intervals, plus the error type and the parsing trait
//! shared by every value type of this crate ([`Timestamp`](crate::Timestamp), the shapes of
//! [`shapes`](crate::shapes), [`Moc`](crate::Moc)).
//!
//! Values are written the way VOTable writes TABLEDATA [DALI §3.3.1]: arrays are space-separated,
//! floating-point numbers may be `NaN`, `+Inf` or `-Inf`. Every type implements `FromStr` and a
//! `Display` that writes the canonical form, so `text.parse::<T>()?.to_string()` is stable.
//!
//! ```
//! use vo_dali::{Interval, format_double, parse_double};
//!
//! let band: Interval = "500e-9 +Inf".parse()?;
//! assert_eq!(band.lower(), 5e-7);
//! assert!(band.contains(1.0));
//! assert_eq!(band.to_string(), "5e-7 +Inf");
//!
//! let err = "2 1".parse::<Interval>().unwrap_err();
//! assert_eq!(err.to_string(), "the interval lower bound 2 is greater than its upper bound 1");
//!
//! assert_eq!(format_double(parse_double("-inf")?), "-Inf");
//! # Ok::<(), vo_dali::ValueError>(())
//! ```

use std::fmt;
use std::str::FromStr;

/// Where in a value a problem starts: the 1-based character position, when the value came from text
/// (values built in code have no position).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct At(pub Option<usize>);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(column) => write!(f, " at character {column}"),
            None => Ok(()),
        }
    }
}

/// Why a DALI literal was rejected. The message names the offending part and, when the value was
/// parsed from text, the character where it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is empty or only whitespace.
    #[error("the value is empty")]
    Empty,
    /// A word that should be a floating-point number is not one.
    #[error("{what} '{word}'{at} is not a number{hint}")]
    NotANumber { what: String, word: String, at: At, hint: &'static str },
    /// A word that should be an integer is not one, or does not fit in 64 bits.
    #[error("'{word}'{at} is not a 64-bit integer")]
    NotAnInteger { word: String, at: At },
    /// The value has the wrong number of numbers.
    #[error("expected {expected}, found {found}{hint}")]
    WrongCount { expected: String, found: usize, hint: &'static str },
    /// A number outside the range its role allows (a latitude of 95, a radius of 0, ...).
    #[error("{what} {word}{at} is {problem}")]
    OutOfRange { what: String, word: String, at: At, problem: &'static str },
    /// A lower bound greater than the upper bound.
    #[error("the {what} lower bound {lower} is greater than its upper bound {upper}")]
    Reversed { what: &'static str, lower: String, upper: String },
    /// A polygon vertex equal to its neighbour: the edge between them has no direction.
    #[error("vertex {index}{at} repeats vertex {of} (a zero-length edge)")]
    RepeatedVertex { index: usize, of: usize, at: At },
    /// A shape keyword other than CIRCLE, RANGE or POLYGON.
    #[error("unknown shape '{word}'{at}: expected CIRCLE, RANGE or POLYGON followed by numbers in degrees")]
    UnknownShape { word: String, at: At },
    /// A malformed timestamp or MOC.
    #[error("{reason}{at}")]
    Syntax { reason: String, at: At },
}

/// A type that has a DALI literal form. [`Params`](crate::Params) uses it to parse any such value
/// with errors that name the parameter.
pub trait DaliValue: Sized {
    /// What the value is called in error messages (`"interval"`, `"circle"`, ...).
    const NAME: &'static str;

    /// Parses the DALI literal form.
    fn parse_dali(text: &str) -> Result<Self, ValueError>;
}

/// One whitespace-separated word of a value and where it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    pub text: &'a str,
    pub at: At,
}

/// Splits a value into words. DALI arrays are space-separated; any whitespace is accepted because
/// form encoders and hand-typed URLs also produce tabs and newlines.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    for (column, (byte, ch)) in text.char_indices().enumerate() {
        if ch.is_whitespace() {
            if let Some((begin, col)) = start.take() {
                out.push(Word { text: &text[begin..byte], at: At(Some(col + 1)) });
            }
        } else if start.is_none() {
            start = Some((byte, column));
        }
    }
    if let Some((begin, col)) = start {
        out.push(Word { text: &text[begin..], at: At(Some(col + 1)) });
    }
    out
}

/// The 1-based character position of byte `byte` in `text`.
pub(crate) fn column_of(text: &str, byte: usize) -> At {
    At(Some(text[..byte].chars().count() + 1))
}

const COMMA_HINT: &str = " (DALI values are separated by spaces, not commas)";

/// The error for a value with the wrong number of words; a comma inside a word is the usual cause.
pub(crate) fn wrong_count(expected: impl Into<String>, words: &[Word<'_>]) -> ValueError {
    let hint = if words.iter().any(|w| w.text.contains(',')) { COMMA_HINT } else { "" };
    ValueError::WrongCount { expected: expected.into(), found: words.len(), hint }
}

/// Parses one word as a double; `what` names its role for the error message.
pub(crate) fn double_word(word: &Word<'_>, what: impl FnOnce() -> String) -> Result<f64, ValueError> {
    // Rust's parser takes decimal and exponent forms and `inf`/`infinity`/`nan` in any case with an
    // optional sign, which covers VOTable's `NaN`, `+Inf`, `-Inf` and what Python clients (pyvo sends
    // `str(float)`, i.e. `inf`) produce.
    word.text.parse::<f64>().map_err(|_| {
        let hint = if word.text.contains(',') {
            COMMA_HINT
        } else if word.text.contains(':') {
            " (sexagesimal is not accepted; give decimal degrees)"
        } else {
            ""
        };
        ValueError::NotANumber { what: what(), word: word.text.to_string(), at: word.at, hint }
    })
}

/// Parses a DALI (VOTable TABLEDATA) double: decimal or exponent notation, `NaN`, `+Inf`, `-Inf`
/// (any case; `inf` and `infinity` too). Surrounding whitespace is ignored.
///
/// ```
/// use vo_dali::parse_double;
/// assert_eq!(parse_double(" 1.5E-3 ")?, 0.0015);
/// assert!(parse_double("NaN")?.is_nan());
/// assert!(parse_double("1,5").unwrap_err().to_string().contains("not commas"));
/// # Ok::<(), vo_dali::ValueError>(())
/// ```
pub fn parse_double(text: &str) -> Result<f64, ValueError> {
    match words(text).as_slice() {
        [] => Err(ValueError::Empty),
        [word] => double_word(word, || "number".to_string()),
        more => Err(wrong_count("one number", more)),
    }
}

/// Parses a DALI (VOTable TABLEDATA) integer: an optional sign and decimal digits, or hexadecimal
/// with a `0x` prefix as VOTable allows. It must fit in 64 bits.
///
/// ```
/// use vo_dali::parse_integer;
/// assert_eq!(parse_integer("-42")?, -42);
/// assert_eq!(parse_integer("0x1F")?, 31);
/// assert!(parse_integer("1.5").is_err());
/// # Ok::<(), vo_dali::ValueError>(())
/// ```
pub fn parse_integer(text: &str) -> Result<i64, ValueError> {
    let word = match words(text).as_slice() {
        [] => return Err(ValueError::Empty),
        [word] => *word,
        more => return Err(wrong_count("one integer", more)),
    };
    let fail = || ValueError::NotAnInteger { word: word.text.to_string(), at: word.at };
    let (negative, unsigned) = match word.text.as_bytes().first() {
        Some(b'-') => (true, &word.text[1..]),
        Some(b'+') => (false, &word.text[1..]),
        _ => (false, word.text),
    };
    let (digits, radix) = match unsigned.strip_prefix("0x").or_else(|| unsigned.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (unsigned, 10),
    };
    // from_str_radix would accept a second sign, so the digits are checked first.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(fail());
    }
    let magnitude = i128::from_str_radix(digits, radix).map_err(|_| fail())?;
    i64::try_from(if negative { -magnitude } else { magnitude }).map_err(|_| fail())
}

/// Writes a double in its canonical DALI form: `NaN`, `+Inf`, `-Inf`, otherwise the shortest text
/// that reads back as the same number, in exponent notation when very large or small.
///
/// ```
/// use vo_dali::format_double;
/// assert_eq!(format_double(10.0), "10");
/// assert_eq!(format_double(5e-7), "5e-7");
/// assert_eq!(format_double(f64::NEG_INFINITY), "-Inf");
/// ```
pub fn format_double(value: f64) -> String {
    Double(value).to_string()
}

/// `Display` of a double in canonical DALI form (see [`format_double`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Double(pub f64);

impl fmt::Display for Double {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            f.write_str("NaN")
        } else if v.is_infinite() {
            f.write_str(if v > 0.0 { "+Inf" } else { "-Inf" })
        } else if v == 0.0 || (1e-4..1e16).contains(&v.abs()) {
            // Both forms are Rust's shortest round-trip representation; plain decimals read better
            // in the usual range, exponents avoid 300-digit strings outside it.
            write!(f, "{v}")
        } else {
            write!(f, "{v:e}")
        }
    }
}

impl DaliValue for f64 {
    const NAME: &'static str = "number";
    fn parse_dali(text: &str) -> Result<Self, ValueError> {
        parse_double(text)
    }
}

impl DaliValue for i64 {
    const NAME: &'static str = "integer";
    fn parse_dali(text: &str) -> Result<Self, ValueError> {
        parse_integer(text)
    }
}

/// A numeric interval [DALI §3.3.4]: `lower upper`, both bounds included; `-Inf` or `+Inf` make it
/// open-ended. SIA 2.0 uses it for BAND, TIME, FOV, SPATRES, SPECRP, EXPTIME and TIMERES.
///
/// Invariants: no bound is NaN, `lower <= upper`, `lower` is not `+Inf` and `upper` is not `-Inf`
/// (either would leave the interval empty).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    lower: f64,
    upper: f64,
}

impl Interval {
    /// The interval `[lower, upper]`.
    pub fn new(lower: f64, upper: f64) -> Result<Interval, ValueError> {
        Interval::checked(lower, upper, &Double(lower).to_string(), &Double(upper).to_string(), At(None), At(None))
    }

    /// The degenerate interval `[value, value]`, which DALI counts as a scalar.
    pub fn scalar(value: f64) -> Result<Interval, ValueError> {
        Interval::new(value, value)
    }

    fn checked(lower: f64, upper: f64, lo: &str, hi: &str, lo_at: At, hi_at: At) -> Result<Interval, ValueError> {
        let out = |what: &str, word: &str, at: At, problem| ValueError::OutOfRange {
            what: what.to_string(),
            word: word.to_string(),
            at,
            problem,
        };
        // DALI defines open ends by infinities only; a NaN bound would make every comparison false.
        const NAN: &str = "not allowed (use -Inf or +Inf for an open end)";
        if lower.is_nan() {
            return Err(out("lower bound", lo, lo_at, NAN));
        }
        if upper.is_nan() {
            return Err(out("upper bound", hi, hi_at, NAN));
        }
        if lower == f64::INFINITY {
            return Err(out("lower bound", lo, lo_at, "not allowed: +Inf as lower bound leaves the interval empty"));
        }
        if upper == f64::NEG_INFINITY {
            return Err(out("upper bound", hi, hi_at, "not allowed: -Inf as upper bound leaves the interval empty"));
        }
        if lower > upper {
            return Err(ValueError::Reversed { what: "interval", lower: lo.to_string(), upper: hi.to_string() });
        }
        Ok(Interval { lower, upper })
    }

    fn from_words(words: &[Word<'_>], scalar_allowed: bool) -> Result<Interval, ValueError> {
        match words {
            [] => Err(ValueError::Empty),
            [lo, hi] => {
                let lower = double_word(lo, || "lower bound".to_string())?;
                let upper = double_word(hi, || "upper bound".to_string())?;
                Interval::checked(lower, upper, lo.text, hi.text, lo.at, hi.at)
            }
            [value] if scalar_allowed => {
                let v = double_word(value, || "value".to_string())?;
                if !v.is_finite() {
                    return Err(ValueError::OutOfRange {
                        what: "value".to_string(),
                        word: value.text.to_string(),
                        at: value.at,
                        problem: "not allowed: a single value must be finite",
                    });
                }
                Ok(Interval { lower: v, upper: v })
            }
            other => Err(wrong_count(
                if scalar_allowed { "one value or two values (lower upper)" } else { "2 values (lower upper)" },
                other,
            )),
        }
    }

    /// Parses either an interval or a single number, which SIA 2.0 §2.1 accepts for its numeric
    /// parameters and means `[value, value]` (e.g. `BAND=0.21`).
    ///
    /// ```
    /// use vo_dali::Interval;
    /// assert_eq!(Interval::parse_or_scalar("0.21")?, Interval::scalar(0.21)?);
    /// assert_eq!(Interval::parse_or_scalar("0.21")?.to_string(), "0.21 0.21");
    /// assert!("0.21".parse::<Interval>().is_err());
    /// # Ok::<(), vo_dali::ValueError>(())
    /// ```
    pub fn parse_or_scalar(text: &str) -> Result<Interval, ValueError> {
        Interval::from_words(&words(text), true)
    }

    pub fn lower(&self) -> f64 {
        self.lower
    }

    pub fn upper(&self) -> f64 {
        self.upper
    }

    /// Whether both bounds are equal (DALI's scalar interval).
    pub fn is_scalar(&self) -> bool {
        self.lower == self.upper
    }

    /// Whether `value` lies in the interval, bounds included. NaN is never contained.
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }

    /// Whether the two intervals share at least one value (SIA 2.0 matches BAND and TIME this way
    /// against ObsCore's `[em_min, em_max]` and `[t_min, t_max]`).
    pub fn intersects(&self, other: &Interval) -> bool {
        self.lower <= other.upper && other.lower <= self.upper
    }
}

impl FromStr for Interval {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Interval, ValueError> {
        Interval::from_words(&words(text), false)
    }
}

impl fmt::Display for Interval {
    /// Always two numbers, also for a scalar interval [DALI §3.3.4].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", Double(self.lower), Double(self.upper))
    }
}

impl DaliValue for Interval {
    const NAME: &'static str = "interval";
    fn parse_dali(text: &str) -> Result<Self, ValueError> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_character_positions() {
        let w = words("  ab\tc  déf g");
        let got: Vec<(&str, Option<usize>)> = w.iter().map(|w| (w.text, w.at.0)).collect();
        assert_eq!(got, vec![("ab", Some(3)), ("c", Some(6)), ("déf", Some(9)), ("g", Some(13))]);
        assert!(words(" \n ").is_empty());
        assert_eq!(column_of("éa", 2), At(Some(2)));
    }

    #[test]
    fn doubles_accept_votable_and_python_spellings() {
        for (text, expected) in [
            ("1", 1.0),
            ("-2.5", -2.5),
            ("+3e2", 300.0),
            ("1.5E-3", 0.0015),
            (".5", 0.5),
            ("+Inf", f64::INFINITY),
            ("-Inf", f64::NEG_INFINITY),
            ("Inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("infinity", f64::INFINITY),
            ("  7  ", 7.0),
        ] {
            assert_eq!(parse_double(text).unwrap(), expected, "{text}");
        }
        assert!(parse_double("NaN").unwrap().is_nan());
        assert!(parse_double("nan").unwrap().is_nan());
    }

    #[test]
    fn double_errors() {
        assert_eq!(parse_double("").unwrap_err(), ValueError::Empty);
        assert_eq!(parse_double("   ").unwrap_err(), ValueError::Empty);
        assert_eq!(parse_double("abc").unwrap_err().to_string(), "number 'abc' at character 1 is not a number");
        assert_eq!(
            parse_double(" 1,5").unwrap_err().to_string(),
            "number '1,5' at character 2 is not a number (DALI values are separated by spaces, not commas)"
        );
        assert!(parse_double("12:30:00").unwrap_err().to_string().contains("sexagesimal"));
        assert_eq!(parse_double("1 2").unwrap_err().to_string(), "expected one number, found 2");
        assert!(parse_double("0x10").is_err());
        assert!(parse_double("1.5deg").is_err());
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer("0").unwrap(), 0);
        assert_eq!(parse_integer("+17").unwrap(), 17);
        assert_eq!(parse_integer("-0x10").unwrap(), -16);
        assert_eq!(parse_integer("0XfF").unwrap(), 255);
        assert_eq!(parse_integer("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(parse_integer("-9223372036854775808").unwrap(), i64::MIN);
        for bad in ["9223372036854775808", "1.0", "1e3", "--1", "+-1", "0x", "0x-1", "-", "abc", "0xG"] {
            let err = parse_integer(bad).unwrap_err();
            assert_eq!(err, ValueError::NotAnInteger { word: bad.to_string(), at: At(Some(1)) }, "{bad}");
        }
        assert_eq!(parse_integer("").unwrap_err(), ValueError::Empty);
        assert_eq!(parse_integer("1 2").unwrap_err().to_string(), "expected one integer, found 2");
        assert_eq!(parse_integer(" x").unwrap_err().to_string(), "'x' at character 2 is not a 64-bit integer");
    }

    #[test]
    fn canonical_double_form_round_trips() {
        for (value, text) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (10.0, "10"),
            (-5.5, "-5.5"),
            (0.0001, "0.0001"),
            (0.00009, "9e-5"),
            (5e-7, "5e-7"),
            (123456.789, "123456.789"),
            (1e16, "1e16"),
            (1.5e300, "1.5e300"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(format_double(value), text);
            let back = parse_double(text).unwrap();
            assert!(back == value || (back.is_nan() && value.is_nan()), "{text}");
        }
        for value in [0.1 + 0.2, 1.0 / 3.0, 359.99999999999994, -89.123456789, f64::MIN_POSITIVE, f64::MAX] {
            assert_eq!(parse_double(&format_double(value)).unwrap(), value);
        }
    }

    #[test]
    fn intervals() {
        let i: Interval = "300 600".parse().unwrap();
        assert_eq!((i.lower(), i.upper()), (300.0, 600.0));
        assert!(i.contains(300.0) && i.contains(600.0) && !i.contains(600.1) && !i.contains(f64::NAN));
        assert!(!i.is_scalar());
        let open: Interval = "-Inf 0.21".parse().unwrap();
        assert_eq!(open.lower(), f64::NEG_INFINITY);
        assert!(open.contains(-1e300));
        let all: Interval = "-Inf +Inf".parse().unwrap();
        assert!(all.contains(f64::MAX) && all.contains(f64::INFINITY));
        let point: Interval = "1.0 1.0".parse().unwrap();
        assert!(point.is_scalar());
        assert!(i.intersects(&"600 700".parse().unwrap()));
        assert!(i.intersects(&"-Inf 300".parse().unwrap()));
        assert!(!i.intersects(&"601 700".parse().unwrap()));
        assert!("550 1e400".parse::<Interval>().unwrap().upper().is_infinite());
    }

    #[test]
    fn interval_errors_name_the_bound_and_position() {
        let e = |t: &str| t.parse::<Interval>().unwrap_err().to_string();
        assert_eq!(e("2 1"), "the interval lower bound 2 is greater than its upper bound 1");
        assert_eq!(
            e("+Inf +Inf"),
            "lower bound +Inf at character 1 is not allowed: +Inf as lower bound leaves the interval empty"
        );
        assert_eq!(
            e("1 -Inf"),
            "upper bound -Inf at character 3 is not allowed: -Inf as upper bound leaves the interval empty"
        );
        assert_eq!(e("NaN 1"), "lower bound NaN at character 1 is not allowed (use -Inf or +Inf for an open end)");
        assert_eq!(e("1 NaN"), "upper bound NaN at character 3 is not allowed (use -Inf or +Inf for an open end)");
        assert_eq!(e("1 x"), "upper bound 'x' at character 3 is not a number");
        assert_eq!(e("1"), "expected 2 values (lower upper), found 1");
        assert_eq!(e("1 2 3"), "expected 2 values (lower upper), found 3");
        assert_eq!(e(""), "the value is empty");
        assert_eq!(
            e("1,2"),
            "expected 2 values (lower upper), found 1 (DALI values are separated by spaces, not commas)"
        );
        assert!(Interval::new(1.0, 0.0).is_err());
        assert_eq!(
            Interval::new(f64::NAN, 0.0).unwrap_err().to_string(),
            "lower bound NaN is not allowed (use -Inf or +Inf for an open end)"
        );
    }

    #[test]
    fn scalar_intervals_for_sia() {
        let s = Interval::parse_or_scalar(" 550 ").unwrap();
        assert_eq!((s.lower(), s.upper()), (550.0, 550.0));
        assert_eq!(Interval::parse_or_scalar("1 2").unwrap(), Interval::new(1.0, 2.0).unwrap());
        let e = |t: &str| Interval::parse_or_scalar(t).unwrap_err().to_string();
        assert_eq!(e("+Inf"), "value +Inf at character 1 is not allowed: a single value must be finite");
        assert_eq!(e("NaN"), "value NaN at character 1 is not allowed: a single value must be finite");
        assert_eq!(e("abc"), "value 'abc' at character 1 is not a number");
        assert_eq!(e("1 2 3"), "expected one value or two values (lower upper), found 3");
        assert_eq!(e(""), "the value is empty");
    }

    #[test]
    fn interval_round_trips() {
        for text in ["0.5 1", "-Inf 0", "0 +Inf", "-Inf +Inf", "1 1", "5e-7 5.5e-7", "-3 -2"] {
            let i: Interval = text.parse().unwrap();
            assert_eq!(i.to_string(), text);
            assert_eq!(i.to_string().parse::<Interval>().unwrap(), i);
        }
        assert_eq!("  1.0   2.50 ".parse::<Interval>().unwrap().to_string(), "1 2.5");
        assert_eq!("-inf inf".parse::<Interval>().unwrap().to_string(), "-Inf +Inf");
    }
}
