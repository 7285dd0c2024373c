//! UWS timestamps: instants are stored as milliseconds since the Unix epoch and shown as
//! ISO 8601 in UTC **with** a trailing `Z` [UWS §2.2.1] (unlike DALI's astronomical times).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// An instant in milliseconds since 1970-01-01T00:00:00Z, the form stored in the database.
pub type Millis = i64;

/// The current instant.
pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

/// Formats an instant as UWS wants it: `2026-03-01T12:00:00.123Z`.
pub fn format_instant(millis: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(millis)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The text could not be read as an ISO 8601 instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not an ISO 8601 instant (expected e.g. 2026-03-01T12:00:00Z)")]
pub struct BadInstant {
    pub text: String,
}

/// Reads an ISO 8601 instant as clients send them: with `Z` or an offset, or without zone
/// (taken as UTC, as DALI timestamps are), with optional fractional seconds, or a bare date.
pub fn parse_instant(text: &str) -> Result<Millis, BadInstant> {
    let trimmed = text.trim();
    let bad = || BadInstant { text: text.to_string() };
    if let Ok(with_zone) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(with_zone.timestamp_millis());
    }
    let without_z = trimmed.strip_suffix('Z').or_else(|| trimmed.strip_suffix('z')).unwrap_or(trimmed);
    for pattern in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(without_z, pattern) {
            return Ok(naive.and_utc().timestamp_millis());
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(without_z, "%Y-%m-%d") {
        return Ok(date.and_hms_opt(0, 0, 0).ok_or_else(bad)?.and_utc().timestamp_millis());
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_z_and_milliseconds() {
        assert_eq!(format_instant(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_instant(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn parses_the_forms_clients_send() {
        let expected = 1_700_000_000_000;
        assert_eq!(parse_instant("2023-11-14T22:13:20Z").unwrap(), expected);
        assert_eq!(parse_instant("2023-11-14T22:13:20").unwrap(), expected);
        assert_eq!(parse_instant("2023-11-14T22:13:20.000Z").unwrap(), expected);
        assert_eq!(parse_instant("2023-11-14T23:13:20+01:00").unwrap(), expected);
        assert_eq!(parse_instant(" 2023-11-14T22:13:20.5 ").unwrap(), expected + 500);
        assert_eq!(parse_instant("1970-01-02").unwrap(), 86_400_000);
        assert_eq!(parse_instant(&format_instant(expected + 7)).unwrap(), expected + 7);
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "yesterday", "2023-13-01T00:00:00Z", "2023-11-14 22:13:20x", "-1"] {
            let err = parse_instant(bad).unwrap_err();
            assert!(err.to_string().contains("ISO 8601"), "{bad}: {err}");
        }
    }
}
