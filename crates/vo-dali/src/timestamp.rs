//! DALI timestamps [DALI §3.3.3]: `YYYY-MM-DD['T'hh:mm:ss[.SSS]['Z']]`, UTC.
//!
//! Astronomical times carry no time zone; civil times (when something was processed or modified)
//! may end in `Z`. Both mean UTC. A [`Timestamp`] keeps the form it was written in (date only, whole
//! seconds or so many fractional digits, with or without `Z`), so it is written back unchanged.
//!
//! ```
//! use vo_dali::Timestamp;
//!
//! let t: Timestamp = "2000-01-01T12:00:00.5".parse()?;
//! assert_eq!(t.to_utc().to_rfc3339(), "2000-01-01T12:00:00.500+00:00");
//! assert_eq!(t.to_mjd(), 51544.500005787035);
//! assert_eq!(t.to_string(), "2000-01-01T12:00:00.5");
//!
//! let err = "2023-02-29".parse::<Timestamp>().unwrap_err();
//! assert_eq!(err.to_string(), "day 29 does not exist in 2023-02 at character 9");
//! # Ok::<(), vo_dali::ValueError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use crate::values::{At, DaliValue, ValueError, column_of};

/// How much of a timestamp was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// `YYYY-MM-DD` (the time is midnight).
    Date,
    /// `YYYY-MM-DDThh:mm:ss`.
    Seconds,
    /// `YYYY-MM-DDThh:mm:ss.` followed by this many digits (1 to 9).
    Fraction(u8),
}

/// A DALI timestamp: a UTC date and time, the precision it was written with, and whether it was
/// marked `Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    datetime: NaiveDateTime,
    precision: Precision,
    utc_marker: bool,
}

const NANOS_PER_SECOND: u32 = 1_000_000_000;

impl Timestamp {
    /// A timestamp for `datetime` (UTC), written without `Z`, with whole seconds or with the
    /// milli-, micro- or nanoseconds it needs (3, 6 or 9 digits: the groups readers expect). Years outside 0000–9999 have no DALI form and are rejected.
    pub fn new(datetime: NaiveDateTime) -> Result<Timestamp, ValueError> {
        if !(0..=9999).contains(&datetime.year()) {
            return Err(ValueError::OutOfRange {
                what: "year".to_string(),
                word: datetime.year().to_string(),
                at: At(None),
                problem: "outside 0000-9999, which a DALI timestamp can express",
            });
        }
        let fraction = datetime.nanosecond() % NANOS_PER_SECOND;
        let precision = match fraction {
            0 => Precision::Seconds,
            f if f % 1_000_000 == 0 => Precision::Fraction(3),
            f if f % 1_000 == 0 => Precision::Fraction(6),
            _ => Precision::Fraction(9),
        };
        Ok(Timestamp { datetime, precision, utc_marker: false })
    }

    /// A date without a time (midnight UTC), written `YYYY-MM-DD`.
    pub fn date(date: NaiveDate) -> Result<Timestamp, ValueError> {
        Timestamp::new(date.and_time(NaiveTime::MIN)).map(|t| Timestamp { precision: Precision::Date, ..t })
    }

    /// A civil time, marked `Z` [DALI §3.3.3].
    pub fn civil(datetime: DateTime<Utc>) -> Result<Timestamp, ValueError> {
        Timestamp::new(datetime.naive_utc()).map(|t| t.with_utc_marker(true))
    }

    /// The same time, with or without the `Z` marker. A date-only timestamp cannot carry it (the
    /// DALI form has no place for it) and is returned unchanged.
    pub fn with_utc_marker(self, utc_marker: bool) -> Timestamp {
        Timestamp { utc_marker: utc_marker && self.precision != Precision::Date, ..self }
    }

    /// The date and time (UTC). A leap second 23:59:60 is chrono's 23:59:59 plus a second of nanoseconds.
    pub fn naive(&self) -> NaiveDateTime {
        self.datetime
    }

    pub fn to_utc(&self) -> DateTime<Utc> {
        self.datetime.and_utc()
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Whether it was written with the civil-time marker `Z`.
    pub fn has_utc_marker(&self) -> bool {
        self.utc_marker
    }

    /// The Modified Julian Date (days since 1858-11-17T00:00 UTC), the unit of ObsCore `t_min`/`t_max`
    /// and SIA 2.0 TIME. Days are counted as 86,400 s, as MJD(UTC) usually is.
    pub fn to_mjd(&self) -> f64 {
        let epoch = NaiveDate::from_ymd_opt(1858, 11, 17).expect("valid date").and_time(NaiveTime::MIN);
        let since = self.datetime.signed_duration_since(epoch);
        since.num_seconds() as f64 / 86_400.0 + since.subsec_nanos() as f64 / 86_400e9
    }

    /// Parses the DALI form; see the module documentation.
    pub fn parse(text: &str) -> Result<Timestamp, ValueError> {
        Parser::new(text)?.timestamp()
    }
}

/// A cursor over the trimmed value that reports errors by character position in the original text.
struct Parser<'a> {
    original: &'a str,
    /// Byte offset of `s` in `original`.
    lead: usize,
    s: &'a [u8],
    text: &'a str,
}

impl<'a> Parser<'a> {
    fn new(original: &'a str) -> Result<Parser<'a>, ValueError> {
        let text = original.trim();
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        let lead = original.len() - original.trim_start().len();
        Ok(Parser { original, lead, s: text.as_bytes(), text })
    }

    fn error(&self, i: usize, reason: String) -> ValueError {
        ValueError::Syntax { reason, at: column_of(self.original, self.lead + i) }
    }

    /// What is at byte `i`, for messages. Every byte before the first mismatch is ASCII, so `i` is
    /// always a character boundary here.
    fn found(&self, i: usize) -> String {
        match self.text[i..].chars().next() {
            None => "the end of the value".to_string(),
            Some(c) => format!("'{c}'"),
        }
    }

    fn digits(&self, i: usize, n: usize, what: &str) -> Result<u32, ValueError> {
        for k in i..i + n {
            if !self.s.get(k).is_some_and(u8::is_ascii_digit) {
                return Err(self.error(k, format!("expected {n} digits of the {what}, found {}", self.found(k))));
            }
        }
        Ok(self.s[i..i + n].iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    }

    fn expect(&self, i: usize, ch: u8, context: &str) -> Result<(), ValueError> {
        if self.s.get(i) == Some(&ch) {
            Ok(())
        } else {
            Err(self.error(i, format!("expected '{}' {context}, found {}", ch as char, self.found(i))))
        }
    }

    fn timestamp(&self) -> Result<Timestamp, ValueError> {
        let year = self.digits(0, 4, "year (YYYY-MM-DD)")?;
        self.expect(4, b'-', "after the year")?;
        let month = self.digits(5, 2, "month")?;
        if !(1..=12).contains(&month) {
            return Err(self.error(5, format!("month {month:02} is not between 01 and 12")));
        }
        self.expect(7, b'-', "after the month")?;
        let day = self.digits(8, 2, "day")?;
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)
            .ok_or_else(|| self.error(8, format!("day {day:02} does not exist in {year:04}-{month:02}")))?;
        match self.s.get(10) {
            None => {
                return Ok(Timestamp {
                    datetime: date.and_time(NaiveTime::MIN),
                    precision: Precision::Date,
                    utc_marker: false,
                });
            }
            Some(b'T') => {}
            Some(b'Z') => {
                return Err(self.error(10, "'Z' needs a time before it (YYYY-MM-DDThh:mm:ssZ)".to_string()));
            }
            Some(b' ' | b't') => {
                return Err(self.error(10, format!("expected 'T' between date and time, found {}", self.found(10))));
            }
            Some(_) => {
                return Err(self.error(10, format!("expected 'T' or the end after the date, found {}", self.found(10))));
            }
        }
        let hour = self.digits(11, 2, "hour (Thh:mm:ss)")?;
        if hour > 23 {
            return Err(self.error(11, format!("hour {hour:02} is not between 00 and 23")));
        }
        self.expect(13, b':', "after the hour")?;
        let minute = self.digits(14, 2, "minute")?;
        if minute > 59 {
            return Err(self.error(14, format!("minute {minute:02} is not between 00 and 59")));
        }
        self.expect(16, b':', "after the minute (seconds are required)")?;
        let second = self.digits(17, 2, "second")?;
        // UTC inserts leap seconds as 23:59:60; chrono represents them as :59 with an extra second of nanos.
        let leap = second == 60 && hour == 23 && minute == 59;
        if second > 59 && !leap {
            return Err(self.error(17, format!("second {second:02} is not between 00 and 59 (60 only at 23:59:60)")));
        }
        let mut i = 19;
        let mut nanos = 0;
        let mut precision = Precision::Seconds;
        if self.s.get(i) == Some(&b'.') {
            let start = i + 1;
            let n = self.s[start..].iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return Err(self.error(start, format!("expected digits after '.', found {}", self.found(start))));
            }
            if n > 9 {
                return Err(
                    self.error(start + 9, "more than 9 fractional digits (nanoseconds are the limit)".to_string())
                );
            }
            let value = self.s[start..start + n].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            nanos = value * 10u32.pow(9 - n as u32);
            precision = Precision::Fraction(n as u8);
            i = start + n;
        }
        let mut utc_marker = false;
        match self.s.get(i) {
            None => {}
            Some(b'Z') => {
                utc_marker = true;
                if i + 1 < self.s.len() {
                    return Err(self.error(i + 1, format!("unexpected {} after 'Z'", self.found(i + 1))));
                }
            }
            Some(b'+' | b'-') => {
                return Err(self.error(
                    i,
                    "time zone offsets are not allowed: DALI times are UTC, optionally marked with 'Z'".to_string(),
                ));
            }
            Some(_) => return Err(self.error(i, format!("unexpected {} after the time", self.found(i)))),
        }
        let (second, nanos) = if leap { (59, nanos + NANOS_PER_SECOND) } else { (second, nanos) };
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).expect("fields were range-checked");
        Ok(Timestamp { datetime: date.and_time(time), precision, utc_marker })
    }
}

impl FromStr for Timestamp {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Timestamp, ValueError> {
        Timestamp::parse(text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.datetime;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())?;
        if self.precision == Precision::Date {
            return Ok(());
        }
        let (second, fraction) = match d.nanosecond() {
            n if n >= NANOS_PER_SECOND => (60, n - NANOS_PER_SECOND),
            n => (d.second(), n),
        };
        write!(f, "T{:02}:{:02}:{:02}", d.hour(), d.minute(), second)?;
        if let Precision::Fraction(digits) = self.precision {
            let digits = u32::from(digits);
            write!(f, ".{:0width$}", fraction / 10u32.pow(9 - digits), width = digits as usize)?;
        }
        if self.utc_marker {
            f.write_str("Z")?;
        }
        Ok(())
    }
}

impl DaliValue for Timestamp {
    const NAME: &'static str = "timestamp";
    fn parse_dali(text: &str) -> Result<Self, ValueError> {
        Timestamp::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> String {
        text.parse::<Timestamp>().unwrap_err().to_string()
    }

    #[test]
    fn the_three_forms_of_dali() {
        let date = ts("2002-03-04");
        assert_eq!(date.precision(), Precision::Date);
        assert_eq!(date.naive(), NaiveDate::from_ymd_opt(2002, 3, 4).unwrap().and_hms_opt(0, 0, 0).unwrap());
        let seconds = ts("2001-02-03T04:05:06");
        assert_eq!(seconds.precision(), Precision::Seconds);
        assert_eq!(seconds.naive(), NaiveDate::from_ymd_opt(2001, 2, 3).unwrap().and_hms_opt(4, 5, 6).unwrap());
        assert!(!seconds.has_utc_marker());
        let millis = ts("2000-01-02T15:20:30.456");
        assert_eq!(millis.precision(), Precision::Fraction(3));
        assert_eq!(millis.naive().nanosecond(), 456_000_000);
        let civil = ts("2000-01-02T15:20:30.456Z");
        assert!(civil.has_utc_marker());
        assert_eq!(civil.to_utc(), millis.to_utc());
        assert_eq!(ts("2000-01-02T15:20:30Z").to_utc().to_rfc3339(), "2000-01-02T15:20:30+00:00");
        assert_eq!(ts("2000-01-02T15:20:30.123456789").naive().nanosecond(), 123_456_789);
        assert_eq!(ts(" 2000-01-02 ").precision(), Precision::Date);
    }

    #[test]
    fn boundaries() {
        assert_eq!(ts("0000-01-01").naive().year(), 0);
        assert_eq!(ts("9999-12-31T23:59:59.999999999").naive().nanosecond(), 999_999_999);
        assert_eq!(ts("2024-02-29").naive().day(), 29);
        assert_eq!(ts("2000-02-29").naive().day(), 29);
        assert_eq!(ts("2023-12-31T00:00:00").naive().ordinal(), 365);
        let leap = ts("2016-12-31T23:59:60.5Z");
        assert_eq!(leap.naive().second(), 59);
        assert_eq!(leap.naive().nanosecond(), 1_500_000_000);
        assert_eq!(leap.to_string(), "2016-12-31T23:59:60.5Z");
    }

    #[test]
    fn round_trips_keep_the_written_form() {
        for text in [
            "2002-03-04",
            "2001-02-03T04:05:06",
            "2000-01-02T15:20:30.456",
            "2000-01-02T15:20:30.4",
            "2000-01-02T15:20:30.000",
            "2000-01-02T15:20:30.000001",
            "2000-01-02T15:20:30.123456789Z",
            "2000-01-02T15:20:30Z",
            "2016-12-31T23:59:60",
        ] {
            assert_eq!(ts(text).to_string(), text);
            assert_eq!(ts(&ts(text).to_string()), ts(text));
        }
    }

    #[test]
    fn built_from_chrono() {
        let dt = NaiveDate::from_ymd_opt(2020, 5, 6).unwrap().and_hms_micro_opt(7, 8, 9, 120).unwrap();
        let t = Timestamp::new(dt).unwrap();
        assert_eq!(t.precision(), Precision::Fraction(6));
        assert_eq!(t.to_string(), "2020-05-06T07:08:09.000120");
        let millis = Timestamp::new(dt.with_nanosecond(250_000_000).unwrap()).unwrap();
        assert_eq!(millis.to_string(), "2020-05-06T07:08:09.250");
        let nanos = Timestamp::new(dt.with_nanosecond(7).unwrap()).unwrap();
        assert_eq!(nanos.to_string(), "2020-05-06T07:08:09.000000007");
        let whole = Timestamp::new(dt.with_nanosecond(0).unwrap()).unwrap();
        assert_eq!(whole.to_string(), "2020-05-06T07:08:09");
        assert_eq!(Timestamp::civil(dt.and_utc()).unwrap().to_string(), "2020-05-06T07:08:09.000120Z");
        let day = Timestamp::date(NaiveDate::from_ymd_opt(2020, 5, 6).unwrap()).unwrap();
        assert_eq!(day.to_string(), "2020-05-06");
        assert_eq!(day.with_utc_marker(true).to_string(), "2020-05-06");
        assert_eq!(whole.with_utc_marker(true).with_utc_marker(false).to_string(), "2020-05-06T07:08:09");
        let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap().and_time(NaiveTime::MIN);
        assert!(Timestamp::new(far).unwrap_err().to_string().contains("outside 0000-9999"));
        let bc = NaiveDate::from_ymd_opt(-1, 1, 1).unwrap().and_time(NaiveTime::MIN);
        assert!(Timestamp::new(bc).is_err());
    }

    #[test]
    fn modified_julian_dates() {
        assert_eq!(ts("1858-11-17").to_mjd(), 0.0);
        assert_eq!(ts("2000-01-01T12:00:00").to_mjd(), 51544.5);
        assert_eq!(ts("1858-11-16T18:00:00").to_mjd(), -0.25);
        assert!((ts("2009-10-19T10:56:38.4").to_mjd() - 55123.456).abs() < 1e-9);
    }

    #[test]
    fn invalid_dates_are_rejected_with_their_position() {
        assert_eq!(err("2023-02-29"), "day 29 does not exist in 2023-02 at character 9");
        assert_eq!(err("1900-02-29"), "day 29 does not exist in 1900-02 at character 9");
        assert_eq!(err("2023-04-31"), "day 31 does not exist in 2023-04 at character 9");
        assert_eq!(err("2023-04-00"), "day 00 does not exist in 2023-04 at character 9");
        assert_eq!(err("2023-13-01"), "month 13 is not between 01 and 12 at character 6");
        assert_eq!(err("2023-00-01"), "month 00 is not between 01 and 12 at character 6");
        assert_eq!(err("  2023-00-01"), "month 00 is not between 01 and 12 at character 8");
    }

    #[test]
    fn invalid_times_are_rejected_with_their_position() {
        assert_eq!(err("2023-01-01T24:00:00"), "hour 24 is not between 00 and 23 at character 12");
        assert_eq!(err("2023-01-01T12:60:00"), "minute 60 is not between 00 and 59 at character 15");
        assert_eq!(
            err("2023-01-01T12:00:60"),
            "second 60 is not between 00 and 59 (60 only at 23:59:60) at character 18"
        );
        assert_eq!(
            err("2023-01-01T23:59:61"),
            "second 61 is not between 00 and 59 (60 only at 23:59:60) at character 18"
        );
        assert_eq!(
            err("2023-01-01T12:00"),
            "expected ':' after the minute (seconds are required), found the end of the value at character 17"
        );
        assert_eq!(
            err("2023-01-01T12:00:00."),
            "expected digits after '.', found the end of the value at character 21"
        );
        assert_eq!(
            err("2023-01-01T12:00:00.1234567890"),
            "more than 9 fractional digits (nanoseconds are the limit) at character 30"
        );
        assert_eq!(err("2023-01-01T1:00:00"), "expected 2 digits of the hour (Thh:mm:ss), found ':' at character 13");
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        assert_eq!(err(""), "the value is empty");
        assert_eq!(err("23-01-01"), "expected 4 digits of the year (YYYY-MM-DD), found '-' at character 3");
        assert_eq!(err("2023/01/01"), "expected '-' after the year, found '/' at character 5");
        assert_eq!(err("2023-1-01"), "expected 2 digits of the month, found '-' at character 7");
        assert_eq!(err("2023-01-1"), "expected 2 digits of the day, found the end of the value at character 10");
        assert_eq!(err("2023-01-01 12:00:00"), "expected 'T' between date and time, found ' ' at character 11");
        assert_eq!(err("2023-01-01t12:00:00"), "expected 'T' between date and time, found 't' at character 11");
        assert_eq!(err("2023-01-01Z"), "'Z' needs a time before it (YYYY-MM-DDThh:mm:ssZ) at character 11");
        assert_eq!(err("2023-01-01x"), "expected 'T' or the end after the date, found 'x' at character 11");
        assert_eq!(
            err("2023-01-01T12:00:00+01:00"),
            "time zone offsets are not allowed: DALI times are UTC, optionally marked with 'Z' at character 20"
        );
        assert_eq!(
            err("2023-01-01T12:00:00-05"),
            "time zone offsets are not allowed: DALI times are UTC, optionally marked with 'Z' at character 20"
        );
        assert_eq!(err("2023-01-01T12:00:00z"), "unexpected 'z' after the time at character 20");
        assert_eq!(err("2023-01-01T12:00:00ZZ"), "unexpected 'Z' after 'Z' at character 21");
        assert_eq!(err("2023-01-01T12:00:00.5é"), "unexpected 'é' after the time at character 22");
        assert_eq!(err("é023-01-01"), "expected 4 digits of the year (YYYY-MM-DD), found 'é' at character 1");
        assert_eq!(err("+12023-01-01"), "expected 4 digits of the year (YYYY-MM-DD), found '+' at character 1");
        assert_eq!(err("55123.456"), "expected '-' after the year, found '3' at character 5");
    }
}
