//! ISO 8601 text for Arrow dates, times and timestamps (DALI §3.3.3 timestamps: UTC, no zone).

use arrow_schema::TimeUnit;

/// Ticks per second and fraction digits of a time unit.
pub(crate) fn unit_scale(unit: TimeUnit) -> (i64, usize) {
    match unit {
        TimeUnit::Second => (1, 0),
        TimeUnit::Millisecond => (1_000, 3),
        TimeUnit::Microsecond => (1_000_000, 6),
        TimeUnit::Nanosecond => (1_000_000_000, 9),
    }
}

/// Converts days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`, exact for every `i32` day count).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn push_padded(out: &mut Vec<u8>, value: u64, width: usize) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(value);
    out.extend(std::iter::repeat_n(b'0', width.saturating_sub(digits.len())));
    out.extend_from_slice(digits.as_bytes());
}

/// `YYYY-MM-DD` for a day count since 1970-01-01. Years before 0 or after 9999 are written
/// with a sign or more digits, as ISO 8601 extended years.
pub(crate) fn write_date(out: &mut Vec<u8>, days: i64) {
    let (year, month, day) = civil_from_days(days);
    if year < 0 {
        out.push(b'-');
    }
    push_padded(out, year.unsigned_abs(), 4);
    out.push(b'-');
    push_padded(out, month as u64, 2);
    out.push(b'-');
    push_padded(out, day as u64, 2);
}

/// `hh:mm:ss[.fff]`; the fraction is written without trailing zeros, and omitted when zero.
pub(crate) fn write_clock(out: &mut Vec<u8>, second_of_day: i64, fraction: i64, digits: usize) {
    push_padded(out, (second_of_day / 3600) as u64, 2);
    out.push(b':');
    push_padded(out, (second_of_day / 60 % 60) as u64, 2);
    out.push(b':');
    push_padded(out, (second_of_day % 60) as u64, 2);
    if fraction != 0 {
        out.push(b'.');
        let start = out.len();
        push_padded(out, fraction as u64, digits);
        while out.len() > start && out.last() == Some(&b'0') {
            out.pop();
        }
    }
}

/// `YYYY-MM-DDThh:mm:ss[.fff]` for `value` ticks (`per_second` per second) since the Unix epoch.
pub(crate) fn write_timestamp(out: &mut Vec<u8>, value: i64, per_second: i64, digits: usize) {
    let seconds = value.div_euclid(per_second);
    let fraction = value.rem_euclid(per_second);
    write_date(out, seconds.div_euclid(86_400));
    out.push(b'T');
    write_clock(out, seconds.rem_euclid(86_400), fraction, digits);
}

/// `hh:mm:ss[.fff]` for a time of day of `value` ticks since midnight.
pub(crate) fn write_time_of_day(out: &mut Vec<u8>, value: i64, per_second: i64, digits: usize) {
    write_clock(out, value.div_euclid(per_second).rem_euclid(86_400), value.rem_euclid(per_second), digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(text(|o| write_date(o, -719_529)), "-0001-12-31");
    }

    #[test]
    fn timestamps() {
        assert_eq!(text(|o| write_timestamp(o, 1_700_000_000_123_400, 1_000_000, 6)), "2023-11-14T22:13:20.1234");
        assert_eq!(text(|o| write_timestamp(o, -1, 1, 0)), "1969-12-31T23:59:59");
        assert_eq!(text(|o| write_timestamp(o, -1, 1_000, 3)), "1969-12-31T23:59:59.999");
        assert_eq!(text(|o| write_time_of_day(o, 3_723_000_000_005, 1_000_000_000, 9)), "01:02:03.000000005");
    }
}
