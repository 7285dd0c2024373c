//! OAI-PMH datestamps: UTC, granularity `YYYY-MM-DDThh:mm:ssZ` (days also accepted in `from` and
//! `until`), and the clock the registry reads them from.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// Where "now" comes from; tests use a clock they can move forward.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A datestamp in the repository's granularity, e.g. `2026-02-01T12:00:00Z`. The text form sorts
/// like the time, so it is also what the database stores and compares.
pub fn format_datestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The granularity a `from`/`until` argument was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Day,
    Second,
}

/// A parsed `from` or `until` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateBound {
    pub time: DateTime<Utc>,
    pub granularity: Granularity,
}

impl DateBound {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`. A day means its first second as a lower
    /// bound and its last second as an upper bound.
    pub fn parse(text: &str, upper: bool) -> Option<DateBound> {
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            && text.len() == 10
        {
            let time = if upper { date.and_hms_opt(23, 59, 59)? } else { date.and_hms_opt(0, 0, 0)? };
            return Some(DateBound { time: time.and_utc(), granularity: Granularity::Day });
        }
        let time = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ").ok()?;
        (text.len() == 20).then(|| DateBound { time: time.and_utc(), granularity: Granularity::Second })
    }

    pub fn datestamp(&self) -> String {
        format_datestamp(self.time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datestamps_have_second_granularity_and_z() {
        let time = DateTime::parse_from_rfc3339("2026-02-01T12:30:45.678+00:00").unwrap().with_timezone(&Utc);
        assert_eq!(format_datestamp(time), "2026-02-01T12:30:45Z");
    }

    #[test]
    fn days_cover_the_whole_day() {
        assert_eq!(DateBound::parse("2026-02-01", false).unwrap().datestamp(), "2026-02-01T00:00:00Z");
        assert_eq!(DateBound::parse("2026-02-01", true).unwrap().datestamp(), "2026-02-01T23:59:59Z");
        assert_eq!(DateBound::parse("2026-02-01", true).unwrap().granularity, Granularity::Day);
    }

    #[test]
    fn bad_datestamps_are_rejected() {
        for bad in ["2026-02-30", "2026-2-1", "2026-02-01T12:00:00", "2026-02-01T12:00Z", "2026-02-01 12:00:00Z", "x"] {
            assert!(DateBound::parse(bad, false).is_none(), "{bad}");
        }
        assert_eq!(DateBound::parse("2026-02-01T12:00:00Z", false).unwrap().granularity, Granularity::Second);
    }
}
