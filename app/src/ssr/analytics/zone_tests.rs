//! Days in the streamer's zone composed from UTC hours: each hour counts on the local day it
//! starts in, through a DST change (23- and 25-hour days) and in a half-hour zone.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::compose::{from_counters, from_counters_in, utc_days_read};
use super::counters::{DayCounters, Days, HourCounters, ViewerCounters};

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// `fulfilled` redemptions in each listed UTC hour.
fn records(hours: &[(NaiveDate, u8, u32)]) -> Days {
    let mut days = Days::new();
    for (day, hour, n) in hours {
        let record: &mut DayCounters = days.entry(*day).or_default();
        record.hours.insert(
            *hour,
            HourCounters {
                fulfilled: *n,
                points: u64::from(*n) * 100,
                ..HourCounters::default()
            },
        );
    }
    days
}

fn at(m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, mi, 0).unwrap()
}

fn fulfilled_by_day(a: &crate::model::Analytics) -> Vec<(String, u32)> {
    a.series
        .iter()
        .map(|s| (s.date.clone(), s.fulfilled))
        .collect()
}

#[test]
fn a_berlin_day_runs_from_local_midnight_to_midnight() {
    // 9 March 23:30 UTC is 10 March 00:30 in Berlin (CET, +1): the 23:00 UTC hour is the 10th's.
    let days = records(&[
        (date(3, 9), 22, 1),
        (date(3, 9), 23, 2),
        (date(3, 10), 12, 4),
    ]);
    let now = at(3, 10, 20, 0);
    let berlin = from_counters_in(2, now, Tz::Europe__Berlin, 0, &days);
    assert_eq!(
        fulfilled_by_day(&berlin),
        vec![("2026-03-09".into(), 1), ("2026-03-10".into(), 6)]
    );
    assert!(
        berlin.range.ends_with("(Europe/Berlin)"),
        "{}",
        berlin.range
    );
    let utc = from_counters(2, now, 0, &days);
    assert_eq!(
        fulfilled_by_day(&utc),
        vec![("2026-03-09".into(), 3), ("2026-03-10".into(), 4)]
    );
    assert!(utc.range.ends_with("(UTC)"));
}

#[test]
fn dst_days_have_23_and_25_hours_and_lose_nothing() {
    // One redemption in every UTC hour from 27 March to 31 March.
    let mut hours = Vec::new();
    for d in 27..=31 {
        for h in 0..24 {
            hours.push((date(3, d), h, 1));
        }
    }
    let days = records(&hours);
    let now = at(3, 30, 12, 0);
    let berlin = from_counters_in(3, now, Tz::Europe__Berlin, 0, &days);
    // 29 March 2026 springs forward: 23 hours.
    assert_eq!(
        fulfilled_by_day(&berlin),
        vec![
            ("2026-03-28".into(), 24),
            ("2026-03-29".into(), 23),
            ("2026-03-30".into(), 24)
        ]
    );
    let mut hours = Vec::new();
    for d in 23..=27 {
        for h in 0..24 {
            hours.push((date(10, d), h, 1));
        }
    }
    let days = records(&hours);
    let autumn = from_counters_in(1, at(10, 25, 12, 0), Tz::Europe__Berlin, 0, &days);
    assert_eq!(fulfilled_by_day(&autumn), vec![("2026-10-25".into(), 25)]);
}

#[test]
fn in_a_half_hour_zone_each_hour_counts_on_the_day_it_starts() {
    // Kolkata is +05:30: its 11 March starts at 10 March 18:30 UTC. The 18:00 UTC hour starts
    // at 23:30 on the 10th (counted there); the 19:00 hour at 00:30 on the 11th.
    let days = records(&[
        (date(3, 10), 18, 1),
        (date(3, 10), 19, 2),
        (date(3, 11), 17, 4),
        (date(3, 11), 18, 8),
    ]);
    let kolkata = from_counters_in(2, at(3, 11, 12, 0), Tz::Asia__Kolkata, 0, &days);
    assert_eq!(
        fulfilled_by_day(&kolkata),
        vec![("2026-03-10".into(), 1), ("2026-03-11".into(), 2 + 4 + 8)]
    );
    // The 18:00 UTC hour of the 11th starts at 23:30 on the 11th, so it is the 11th's too; the
    // window reads the UTC days around its local days.
    let (from, to) = utc_days_read(2, at(3, 11, 12, 0), Tz::Asia__Kolkata);
    assert_eq!((from, to), (date(3, 9), date(3, 12)));
}

#[test]
fn viewer_sums_count_on_the_local_day_that_holds_their_utc_noon() {
    let mut days = records(&[]);
    for (day, points) in [(date(3, 9), 10), (date(3, 10), 100)] {
        days.entry(day).or_default().viewers.insert(
            "7".into(),
            ViewerCounters {
                login: "v".into(),
                display_name: "V".into(),
                points,
                redemptions: 1,
                grants: 1,
            },
        );
    }
    // In Los Angeles (-7 in March) the UTC noon of the 10th is 05:00 on the 10th; of the 9th
    // 05:00 on the 9th: a one-day window on the 10th sees only the 10th's sums.
    let la = from_counters_in(1, at(3, 10, 20, 0), Tz::America__Los_Angeles, 0, &days);
    assert_eq!(la.top_viewers[0].points, 100);
    let two = from_counters_in(2, at(3, 10, 20, 0), Tz::America__Los_Angeles, 0, &days);
    assert_eq!(two.top_viewers[0].points, 110);
}
