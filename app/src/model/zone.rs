//! Times in a reader's time zone, without a time-zone database in the browser: the server
//! (which has one, `crate::ssr::zone`) describes a zone as a [`ZoneTable`], its UTC offsets over
//! the years around now, and pages format every time with that table. The same table is used by
//! the server render and by hydration (it travels in the page's `<meta name="vip-zone">`), so
//! both write the same text.
//!
//! A time outside the table's span takes the offset of the nearest span (the table reaches
//! years back and a year ahead, so only very old entries can be off by a DST hour).

use std::fmt::Write;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::Precision;

/// From `from` (Unix seconds) on, the zone is `offset` seconds ahead of UTC and abbreviated
/// `abbr` (`CET`, `IST`, or `+0530`-like where the zone has no letters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneSpan {
    pub from: i64,
    pub offset: i32,
    pub abbr: String,
}

/// A zone as the pages need it: its IANA name and its offsets, oldest span first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneTable {
    pub name: String,
    pub spans: Vec<ZoneSpan>,
}

impl Default for ZoneTable {
    fn default() -> Self {
        Self::utc()
    }
}

/// The name of the zone every time is shown in when nothing else is known.
pub const UTC_NAME: &str = "UTC";

/// Whether `name` has the shape of an IANA zone name (`Europe/Berlin`, `UTC`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`): whether it exists is the server's to say.
pub fn is_zone_name_shaped(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
        && !name.starts_with('/')
        && !name.contains("//")
}

impl ZoneTable {
    pub fn utc() -> Self {
        Self {
            name: UTC_NAME.into(),
            spans: vec![ZoneSpan {
                from: i64::MIN,
                offset: 0,
                abbr: UTC_NAME.into(),
            }],
        }
    }

    /// The span in force at `at`.
    fn span(&self, at: DateTime<Utc>) -> Option<&ZoneSpan> {
        let t = at.timestamp();
        let after = self.spans.partition_point(|s| s.from <= t);
        self.spans.get(after.saturating_sub(1))
    }

    /// Seconds ahead of UTC at `at`.
    pub fn offset_at(&self, at: DateTime<Utc>) -> i32 {
        self.span(at).map_or(0, |s| s.offset)
    }

    /// The wall-clock time at `at` in this zone.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc() + Duration::seconds(i64::from(self.offset_at(at)))
    }

    /// What to call the zone at `at`: its abbreviation when it has letters, else `UTC+05:30`.
    pub fn abbr_at(&self, at: DateTime<Utc>) -> String {
        let Some(span) = self.span(at) else {
            return UTC_NAME.into();
        };
        if span.abbr.bytes().all(|b| b.is_ascii_alphabetic()) && !span.abbr.is_empty() {
            return span.abbr.clone();
        }
        offset_name(span.offset)
    }

    /// `2026-03-04 06:06:07 CET` (or without the seconds): `at` in this zone, named.
    pub fn text(&self, at: DateTime<Utc>, precision: Precision) -> String {
        let local = self.local(at);
        let mut out = String::with_capacity(28);
        let _ = write!(
            out,
            "{:04}-{:02}-{:02} {:02}:{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute()
        );
        if precision == Precision::Seconds {
            let _ = write!(out, ":{:02}", local.second());
        }
        out.push(' ');
        out.push_str(&self.abbr_at(at));
        out
    }

    /// The table as one line for the page's `<meta>`: `name;from,offset,abbr;…` (the first
    /// span's `from` left empty when it is the start of time).
    pub fn encode(&self) -> String {
        let mut out = self.name.clone();
        for s in &self.spans {
            let from = if s.from == i64::MIN {
                String::new()
            } else {
                s.from.to_string()
            };
            let _ = write!(out, ";{from},{},{}", s.offset, s.abbr);
        }
        out
    }

    /// A table [`Self::encode`] wrote; `None` for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split(';');
        let name = parts.next().filter(|n| is_zone_name_shaped(n))?.to_owned();
        let mut spans = Vec::new();
        for part in parts {
            let mut fields = part.splitn(3, ',');
            let from = match fields.next()? {
                "" => i64::MIN,
                n => n.parse().ok()?,
            };
            let offset: i32 = fields.next()?.parse().ok()?;
            let abbr = fields.next()?.to_owned();
            if offset.abs() > 18 * 3_600 || abbr.len() > 8 {
                return None;
            }
            if spans
                .last()
                .is_some_and(|last: &ZoneSpan| last.from >= from)
            {
                return None;
            }
            spans.push(ZoneSpan { from, offset, abbr });
        }
        (!spans.is_empty()).then_some(Self { name, spans })
    }
}

/// `UTC`, `UTC+2`, `UTC+05:30`, `UTC-03`.
fn offset_name(offset: i32) -> String {
    if offset == 0 {
        return UTC_NAME.into();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    let (h, m) = (abs / 3_600, abs % 3_600 / 60);
    if m == 0 {
        format!("UTC{sign}{h:02}")
    } else {
        format!("UTC{sign}{h:02}:{m:02}")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// Berlin around the spring change of 2026 (29 March, 01:00 UTC).
    fn berlin() -> ZoneTable {
        ZoneTable {
            name: "Europe/Berlin".into(),
            spans: vec![
                ZoneSpan {
                    from: i64::MIN,
                    offset: 3_600,
                    abbr: "CET".into(),
                },
                ZoneSpan {
                    from: Utc
                        .with_ymd_and_hms(2026, 3, 29, 1, 0, 0)
                        .unwrap()
                        .timestamp(),
                    offset: 7_200,
                    abbr: "CEST".into(),
                },
            ],
        }
    }

    #[test]
    fn times_are_written_in_the_zone_with_its_name() {
        let zone = berlin();
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 59).unwrap();
        assert_eq!(
            zone.text(before, Precision::Seconds),
            "2026-03-29 01:59:59 CET"
        );
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(
            zone.text(after, Precision::Seconds),
            "2026-03-29 03:00:00 CEST"
        );
        assert_eq!(
            zone.text(after, Precision::Minutes),
            "2026-03-29 03:00 CEST"
        );
        let utc = ZoneTable::utc();
        assert_eq!(
            utc.text(after, Precision::Seconds),
            "2026-03-29 01:00:00 UTC"
        );
        assert_eq!(
            utc.text(after, Precision::Seconds),
            super::super::utc_text(after, Precision::Seconds)
        );
    }

    #[test]
    fn zones_without_letters_are_named_by_offset() {
        let zone = ZoneTable {
            name: "Asia/Kolkata".into(),
            spans: vec![ZoneSpan {
                from: i64::MIN,
                offset: 19_800,
                abbr: "+0530".into(),
            }],
        };
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 20, 0, 0).unwrap();
        assert_eq!(
            zone.text(at, Precision::Minutes),
            "2026-12-05 01:30 UTC+05:30"
        );
        assert_eq!(offset_name(-3 * 3_600), "UTC-03");
    }

    #[test]
    fn a_table_survives_its_meta_line_and_junk_does_not_pass() {
        let zone = berlin();
        assert_eq!(ZoneTable::decode(&zone.encode()), Some(zone));
        assert_eq!(
            ZoneTable::decode(&ZoneTable::utc().encode()),
            Some(ZoneTable::utc())
        );
        for junk in [
            "",
            "Europe/Berlin",
            "<script>;,0,UTC",
            "UTC;5,0,UTC;4,0,UTC",
            "UTC;,99999999,X",
        ] {
            assert_eq!(ZoneTable::decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn zone_names_are_checked_for_shape() {
        for ok in [
            "UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
        ] {
            assert!(is_zone_name_shaped(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "Europe//Berlin",
            "Europe/Berlin;x",
            "a b",
        ] {
            assert!(!is_zone_name_shaped(bad), "{bad}");
        }
    }
}
