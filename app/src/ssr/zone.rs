//! Time zones on the server, where the time-zone database is (chrono-tz; never in the browser):
//! which zone a page is shown in, the [`ZoneTable`] the page formats its times with, and the
//! validation of the streamer's `time_zone` setting.
//!
//! A page is shown in the viewer's zone: the `vip_tz` cookie, which `/zone.js` sets from the
//! browser's `Intl.DateTimeFormat().resolvedOptions().timeZone`, when it names a zone the
//! database knows; else UTC (the first visit, a browser without JavaScript). Every time on the
//! page carries its zone's abbreviation, so the zone in use is always visible.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};
use leptos::prelude::{provide_context, use_context};

use crate::error::AppError;
use crate::model::{is_zone_name_shaped, BadInput, ZoneSpan, ZoneTable};

/// The cookie that names the viewer's zone.
pub const ZONE_COOKIE: &str = "vip_tz";
/// How far back and ahead of now a page's table reaches.
const BACK: Duration = Duration::days(3 * 366);
const AHEAD: Duration = Duration::days(400);
/// Offsets are sampled this often and each change found to the second; no zone changes its
/// offset twice within it.
const STEP: Duration = Duration::hours(6);

/// The zone named `name`, if the database knows it.
pub fn parse(name: &str) -> Option<Tz> {
    if !is_zone_name_shaped(name) {
        return None;
    }
    name.parse::<Tz>().ok()
}

/// Checks a `time_zone` setting.
///
/// # Errors
/// [`AppError::Invalid`] naming the setting when `name` is not an IANA zone.
pub fn validate(name: Option<&str>) -> Result<(), AppError> {
    match name {
        Some(n) if parse(n).is_none() => Err(BadInput::TimeZone(n.to_owned()).into()),
        _ => Ok(()),
    }
}

fn offset_and_abbr(tz: Tz, at: DateTime<Utc>) -> (i32, String) {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc());
    (
        offset.fix().local_minus_utc(),
        offset.abbreviation().unwrap_or_default().to_owned(),
    )
}

/// `tz`'s offsets from `now - 3 years` to `now + 400 days`.
pub fn table(tz: Tz, now: DateTime<Utc>) -> ZoneTable {
    let (start, end) = (now - BACK, now + AHEAD);
    let (offset, abbr) = offset_and_abbr(tz, start);
    let mut spans = vec![ZoneSpan {
        from: i64::MIN,
        offset,
        abbr,
    }];
    let mut t = start;
    while t < end {
        let next = t + STEP;
        let here = offset_and_abbr(tz, t);
        if offset_and_abbr(tz, next) != here {
            // The change lies in (t, next]: find its first second.
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let at = DateTime::from_timestamp(mid, 0).unwrap_or(t);
                if offset_and_abbr(tz, at) == here {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let at = DateTime::from_timestamp(hi, 0).unwrap_or(next);
            let (offset, abbr) = offset_and_abbr(tz, at);
            spans.push(ZoneSpan {
                from: hi,
                offset,
                abbr,
            });
        }
        t = next;
    }
    ZoneTable {
        name: tz.name().to_owned(),
        spans,
    }
}

/// The zone a `Cookie` header names in [`ZONE_COOKIE`] (its value URL-encoded, as
/// `encodeURIComponent` writes it), if the database knows it.
pub fn zone_from_cookies<'a>(headers: impl Iterator<Item = &'a str>) -> Option<Tz> {
    let value = headers
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == ZONE_COOKIE)
        .map(|(_, value)| value)?;
    let decoded = value
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%2B", "+")
        .replace("%2b", "+");
    parse(&decoded)
}

/// Puts the viewer's [`ZoneTable`] into the Leptos render (call it in the render's context
/// closure): the request's zone cookie, else UTC.
pub fn provide_viewer_zone() {
    let parts = use_context::<axum::http::request::Parts>();
    let tz = parts.and_then(|p| {
        zone_from_cookies(
            p.headers
                .get_all(axum::http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
        )
    });
    let zone = tz.map_or_else(ZoneTable::utc, |tz| table(tz, Utc::now()));
    provide_context(zone);
}

#[cfg(test)]
mod tests {
    use crate::model::Precision;

    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn a_dst_change_is_found_to_the_second() {
        let berlin = table(parse("Europe/Berlin").unwrap(), at(2026, 12, 4, 20, 0, 0));
        let change = at(2026, 3, 29, 1, 0, 0);
        let before = change - Duration::seconds(1);
        assert_eq!(
            berlin.text(before, Precision::Seconds),
            "2026-03-29 01:59:59 CET"
        );
        assert_eq!(
            berlin.text(change, Precision::Seconds),
            "2026-03-29 03:00:00 CEST"
        );
        // Autumn: 01:00 UTC on 25 October 2026 is 02:00 CET again.
        let back = at(2026, 10, 25, 1, 0, 0);
        assert_eq!(
            berlin.text(back - Duration::seconds(1), Precision::Seconds),
            "2026-10-25 02:59:59 CEST"
        );
        assert_eq!(
            berlin.text(back, Precision::Seconds),
            "2026-10-25 02:00:00 CET"
        );
        // Each year has its two changes.
        let changes_2026 = berlin
            .spans
            .iter()
            .filter(|s| {
                (at(2026, 1, 1, 0, 0, 0).timestamp()..at(2027, 1, 1, 0, 0, 0).timestamp())
                    .contains(&s.from)
            })
            .count();
        assert_eq!(changes_2026, 2);
    }

    #[test]
    fn a_half_hour_zone_keeps_its_minutes() {
        let kolkata = table(parse("Asia/Kolkata").unwrap(), at(2026, 12, 4, 20, 0, 0));
        assert_eq!(kolkata.spans.len(), 1, "no changes: {kolkata:?}");
        assert_eq!(kolkata.offset_at(at(2026, 12, 4, 20, 0, 0)), 19_800);
        assert_eq!(
            kolkata.text(at(2026, 12, 4, 20, 0, 0), Precision::Minutes),
            "2026-12-05 01:30 IST"
        );
        let kathmandu = table(parse("Asia/Kathmandu").unwrap(), at(2026, 12, 4, 20, 0, 0));
        assert_eq!(kathmandu.offset_at(at(2026, 12, 4, 20, 0, 0)), 20_700);
    }

    #[test]
    fn the_table_travels_through_the_page_unchanged() {
        let zone = table(
            parse("America/New_York").unwrap(),
            at(2026, 12, 4, 20, 0, 0),
        );
        assert_eq!(ZoneTable::decode(&zone.encode()), Some(zone));
    }

    #[test]
    fn only_known_zones_are_accepted() {
        assert!(validate(Some("Europe/Berlin")).is_ok());
        assert!(validate(None).is_ok());
        for bad in ["Mars/Olympus", "europe/berlin;", "", "../../etc/passwd"] {
            let err = validate(Some(bad)).unwrap_err();
            assert!(err.to_string().contains("time_zone"), "{err}");
        }
    }

    #[test]
    fn the_cookie_names_the_zone_url_encoded() {
        let tz = zone_from_cookies(["a=b; vip_tz=Europe%2FBerlin"].into_iter());
        assert_eq!(tz, Some(chrono_tz::Europe::Berlin));
        assert_eq!(
            zone_from_cookies(["vip_tz=Nowhere%2FLand"].into_iter()),
            None
        );
        assert_eq!(zone_from_cookies(["other=1"].into_iter()), None);
    }
}
