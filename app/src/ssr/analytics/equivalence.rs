//! The counters give the same analytics as the log walk for the same history: counted live as
//! each entry is written, or partly built afterwards by the backfill (newest first) with the
//! newer part counted live.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

use super::compose::from_counters;
use super::counters::{count, Age, Days, Ledger};
use super::Tally;
use crate::model::{Actor, Analytics, AuditAction, AuditEntry, ChannelId, Viewer};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// A small deterministic generator (a linear congruential one): the same history every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn entry(n: usize, at: DateTime<Utc>, action: AuditAction, who: u64, meta: Value) -> AuditEntry {
    AuditEntry {
        id: format!("e{n:06}"),
        channel_id: ChannelId::from("1"),
        at,
        action,
        actor: Actor::System,
        target: Some(Viewer {
            id: format!("{who}"),
            login: format!("viewer_{who}"),
            // A viewer renamed on Twitch: the newest name is the one shown.
            display_name: format!("Viewer_{who}_{}", n / 400),
        }),
        metadata: meta,
    }
}

/// About a hundred days of a busy channel, oldest first: paid grants, grants by hand, extensions,
/// refunds (some after a grant of the same redemption, some without a redemption), a grant line
/// written twice, expiries, revokes, VIPs seen and removed outside the app, and ends of sessions
/// older than the log.
fn history(seed: u64) -> Vec<AuditEntry> {
    let mut rng = Rng(seed);
    let mut at = now() - Duration::days(100);
    let mut out: Vec<AuditEntry> = Vec::new();
    let mut active: Vec<(String, u64)> = Vec::new();
    let reasons = [
        "slots_full",
        "is_moderator",
        "twitch_refused",
        "waitlist_timed_out",
    ];
    let mut n = 0;
    loop {
        at += Duration::minutes(i64::try_from(5 + rng.below(400)).unwrap());
        if at >= now() - Duration::minutes(1) {
            break;
        }
        let who = rng.below(25);
        n += 1;
        let redemption = format!("r{n}");
        let session = format!("s{n}");
        let cost = 100 * (1 + rng.below(5));
        let e = match rng.below(14) {
            0..=3 => {
                active.push((session.clone(), who));
                let meta =
                    json!({ "session_id": session, "redemption_id": redemption, "cost": cost });
                let grant = entry(n, at, AuditAction::Grant, who, meta.clone());
                if rng.below(6) == 0 {
                    // Interrupted bookkeeping: the same line again, a moment later.
                    out.push(grant);
                    n += 1;
                    entry(n, at + Duration::seconds(3), AuditAction::Grant, who, meta)
                } else {
                    grant
                }
            }
            4 => {
                active.push((session.clone(), who));
                entry(
                    n,
                    at,
                    AuditAction::Grant,
                    who,
                    json!({ "session_id": session }),
                )
            }
            5 => {
                let meta = json!({ "redemption_id": redemption, "cost": cost });
                entry(n, at, AuditAction::Extend, who, meta)
            }
            6 | 7 => {
                let reason = reasons[usize::try_from(rng.below(4)).unwrap()];
                let meta = json!({ "reason": reason, "redemption_id": redemption, "cost": cost });
                entry(n, at, AuditAction::Refund, who, meta)
            }
            8 => {
                // A refund of an earlier redemption that was granted: the refund is what counts.
                let Some(prior) = out.iter().rev().find(|e| {
                    e.action == AuditAction::Grant && e.metadata.get("redemption_id").is_some()
                }) else {
                    continue;
                };
                let meta = json!({ "reason": "reward_deleted", "redemption_id": prior.metadata["redemption_id"], "cost": prior.metadata["cost"] });
                entry(n, at, AuditAction::Refund, who, meta)
            }
            9 => entry(
                n,
                at,
                AuditAction::Refund,
                who,
                json!({ "reason": "user_blocked" }),
            ),
            10 | 11 if !active.is_empty() => {
                let i = usize::try_from(rng.below(active.len() as u64)).unwrap();
                let (id, viewer) = active.swap_remove(i);
                let action = [
                    AuditAction::Expire,
                    AuditAction::Revoke,
                    AuditAction::RemovedExternally,
                ][usize::try_from(rng.below(3)).unwrap()];
                entry(n, at, action, viewer, json!({ "session_id": id }))
            }
            12 => {
                active.push((session.clone(), who));
                entry(
                    n,
                    at,
                    AuditAction::ExternalVipSeen,
                    who,
                    json!({ "session_id": session }),
                )
            }
            // A VIP from before the log ends.
            _ => entry(
                n,
                at,
                AuditAction::Expire,
                who,
                json!({ "session_id": format!("old{n}") }),
            ),
        };
        out.push(e);
    }
    out
}

fn walked(history: &[AuditEntry], days: u32, active_now: u32) -> Analytics {
    let mut tally = Tally::new(days, now(), active_now);
    for e in history.iter().rev() {
        if !tally.push(e) {
            break;
        }
    }
    tally.finish(false)
}

/// Counts `history[live_from..]` live, oldest first, then backfills `history[..live_from]`
/// newest first: the order a channel whose log predates its counters sees.
fn counted(history: &[AuditEntry], live_from: usize) -> Days {
    let (mut days, mut ledger) = (Days::new(), Ledger::new());
    for e in &history[live_from..] {
        count(e, Age::Newest, &mut days, &mut ledger);
    }
    for e in history[..live_from].iter().rev() {
        count(e, Age::Oldest, &mut days, &mut ledger);
    }
    days
}

#[test]
fn counters_give_the_log_walks_analytics() {
    for seed in [1, 7, 42] {
        let history = history(seed);
        assert!(history.len() > 400, "a busy history: {}", history.len());
        let live = counted(&history, 0);
        let backfilled = counted(&history, history.len());
        let mixed = counted(&history, history.len() / 2);
        for days in [7, 30, 90] {
            // The true count now, and counts the log does not explain (the walk back clamps at 0).
            for active_now in [0, 2, 6, 30] {
                let want = walked(&history, days, active_now);
                assert!(want.totals.fulfilled > 0 && want.totals.refunded > 0);
                for (how, got) in [
                    ("live", &live),
                    ("backfilled", &backfilled),
                    ("mixed", &mixed),
                ] {
                    let got = from_counters(days, now(), active_now, got);
                    assert_eq!(
                        got, want,
                        "seed {seed}, {days} days, {active_now} now, {how}"
                    );
                }
            }
        }
    }
}
