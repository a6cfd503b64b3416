//! Times as text, written with plain integer formatting. chrono's `format` and `to_rfc3339`
//! interpret a pattern at run time, and that interpreter is a sizeable part of the WASM bundle;
//! the few layouts the pages show need none of it. Years are written with four digits (the app's
//! times are all well inside 0000–9999).

use std::fmt::Write;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// How much of a time [`utc_text`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `2026-03-04 05:06 UTC`
    Minutes,
    /// `2026-03-04 05:06:07 UTC`
    Seconds,
}

/// A time as people read it, in UTC: `2026-03-04 05:06:07 UTC` (or without the seconds).
pub fn utc_text(at: DateTime<Utc>, precision: Precision) -> String {
    let mut out = String::with_capacity(23);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    );
    if precision == Precision::Seconds {
        let _ = write!(out, ":{:02}", at.second());
    }
    out.push_str(" UTC");
    out
}

/// RFC 3339 in UTC, as chrono's `to_rfc3339_opts(SecondsFormat::AutoSi, z)` writes it: a
/// fraction of 3, 6 or 9 digits only when there is one, and `Z` (`z`) or `+00:00` at the end.
pub fn rfc3339(at: DateTime<Utc>, z: bool) -> String {
    let mut out = String::with_capacity(32);
    // A leap second is kept as nanoseconds past 1e9 in the 59th second.
    let nanos = at.nanosecond();
    let (second, nanos) = if nanos >= 1_000_000_000 {
        (at.second() + 1, nanos - 1_000_000_000)
    } else {
        (at.second(), nanos)
    };
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{second:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    );
    if nanos == 0 {
    } else if nanos % 1_000_000 == 0 {
        let _ = write!(out, ".{:03}", nanos / 1_000_000);
    } else if nanos % 1_000 == 0 {
        let _ = write!(out, ".{:06}", nanos / 1_000);
    } else {
        let _ = write!(out, ".{nanos:09}");
    }
    out.push_str(if z { "Z" } else { "+00:00" });
    out
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, SecondsFormat, TimeZone};

    use super::*;

    /// Instants with every kind of fraction, around the turns of days, months and years.
    fn instants() -> Vec<DateTime<Utc>> {
        let mut all = Vec::new();
        for (y, mo, d, h, mi, s) in [
            (1970, 1, 1, 0, 0, 0),
            (2000, 2, 29, 23, 59, 59),
            (2026, 3, 4, 5, 6, 7),
            (2026, 12, 31, 23, 59, 58),
            (9999, 12, 31, 23, 59, 59),
            (1, 1, 1, 0, 0, 0),
        ] {
            for nanos in [0, 120_000_000, 123_456_000, 123_456_789, 5, 999_999_999] {
                let date = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
                let time = date.and_hms_nano_opt(h, mi, s, nanos).unwrap();
                all.push(Utc.from_utc_datetime(&time));
            }
        }
        all
    }

    #[test]
    fn rfc3339_is_what_chrono_writes() {
        for at in instants() {
            for z in [true, false] {
                assert_eq!(
                    rfc3339(at, z),
                    at.to_rfc3339_opts(SecondsFormat::AutoSi, z),
                    "{at:?}"
                );
            }
            assert_eq!(rfc3339(at, false), at.to_rfc3339());
        }
    }

    #[test]
    fn a_leap_second_is_written_as_second_sixty() {
        let date = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
        let leap =
            Utc.from_utc_datetime(&date.and_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap());
        assert_eq!(rfc3339(leap, true), "2016-12-31T23:59:60.500Z");
        assert_eq!(
            rfc3339(leap, true),
            leap.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        );
    }

    #[test]
    fn utc_text_is_what_the_strftime_patterns_wrote() {
        for at in instants() {
            assert_eq!(
                utc_text(at, Precision::Seconds),
                at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
            );
            assert_eq!(
                utc_text(at, Precision::Minutes),
                at.format("%Y-%m-%d %H:%M UTC").to_string()
            );
        }
    }
}
