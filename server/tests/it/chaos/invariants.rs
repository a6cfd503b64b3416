//! What must hold after the chaos, checked from Twitch's side only: the simulator's redemptions and
//! VIP lists, and its journal of the requests it answered. The server's own records are compared
//! with that, never trusted instead of it.
//!
//! * every redemption is FULFILLED or CANCELED; a CANCELED one is recorded as refunded with a
//!   reason, a FULFILLED one as fulfilled;
//! * a viewer's successful Add VIPs and Remove VIPs alternate, and each Add VIP is paid for by a
//!   fulfilled redemption of its own (no duplicate grant, no grant for a refunded redemption);
//! * every fulfilled redemption had VIP: an Add VIP before it was fulfilled whose VIP lasted at
//!   least until `redeemed_at + duration` (whatever the stacking rule, the deadline is never earlier);
//! * no VIP was removed before a deadline that a redemption fulfilled earlier paid for, nor before
//!   one duration after its Add VIP;
//! * nobody is VIP any more (every deadline has passed when this is checked).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use twitch_sim::chaos::Exchange;
use twitch_sim::RedemptionStatus;

/// One redemption of one of the app's rewards, as the simulator holds it at the end.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub id: String,
    pub broadcaster: String,
    pub viewer: String,
    pub redeemed_at: DateTime<Utc>,
    /// The reward's VIP duration.
    pub duration: Duration,
    pub status: RedemptionStatus,
}

/// How the server recorded a redemption (its store), for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Fulfilled,
    /// Refunded, with the reason's name.
    Refunded(String),
    /// Pending, waitlisted, or never seen.
    Undecided(String),
}

/// A successful VIP change on Twitch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Add,
    Remove,
}

#[derive(Debug, Clone)]
struct VipChange {
    change: Change,
    started: DateTime<Utc>,
    finished: DateTime<Utc>,
}

/// One stretch of VIP: from a successful Add VIP to the successful Remove VIP after it (if any).
#[derive(Debug, Clone)]
struct Stretch {
    added: DateTime<Utc>,
    removed: Option<DateTime<Utc>>,
    /// When the Remove VIP request arrived.
    remove_started: Option<DateTime<Utc>>,
}

/// The checks' input.
pub struct Evidence<'a> {
    pub redemptions: &'a [Redeemed],
    pub journal: &'a [Exchange],
    /// The server's record of each redemption id.
    pub recorded: &'a HashMap<String, Recorded>,
    /// `(broadcaster, viewer)` pairs that are VIP on Twitch now.
    pub vips_now: &'a [(String, String)],
}

/// Every broken rule, described; empty when all hold.
pub fn violations(evidence: &Evidence<'_>) -> Vec<String> {
    let mut found = Vec::new();
    let changes = vip_changes(evidence.journal);
    let settled = settlements(evidence.journal);

    for r in evidence.redemptions {
        let recorded = evidence.recorded.get(&r.id);
        match (r.status, recorded) {
            (RedemptionStatus::Unfulfilled, _) => {
                found.push(format!(
                    "redemption {} is still UNFULFILLED on Twitch",
                    r.id
                ));
            }
            (RedemptionStatus::Fulfilled, Some(Recorded::Fulfilled)) => {}
            (RedemptionStatus::Canceled, Some(Recorded::Refunded(_))) => {}
            (status, other) => found.push(format!(
                "redemption {} is {status:?} on Twitch but recorded as {other:?}",
                r.id
            )),
        }
    }

    let mut by_viewer: BTreeMap<(&str, &str), Vec<&Redeemed>> = BTreeMap::new();
    for r in evidence.redemptions {
        by_viewer
            .entry((r.broadcaster.as_str(), r.viewer.as_str()))
            .or_default()
            .push(r);
    }
    let mut pairs: Vec<(&str, &str)> = by_viewer.keys().copied().collect();
    pairs.extend(changes.keys().map(|(b, v)| (b.as_str(), v.as_str())));
    pairs.sort_unstable();
    pairs.dedup();

    for (broadcaster, viewer) in pairs {
        let who = format!("viewer {viewer} in channel {broadcaster}");
        let none = Vec::new();
        let redeemed = by_viewer.get(&(broadcaster, viewer)).unwrap_or(&none);
        let list = changes
            .get(&(broadcaster.to_owned(), viewer.to_owned()))
            .cloned()
            .unwrap_or_default();
        let stretches = match stretches(&list) {
            Ok(s) => s,
            Err(e) => {
                found.push(format!("{who}: {e}"));
                continue;
            }
        };
        let fulfilled: Vec<&Redeemed> = redeemed
            .iter()
            .copied()
            .filter(|r| r.status == RedemptionStatus::Fulfilled)
            .collect();
        let min_duration = redeemed.iter().map(|r| r.duration).min();

        // Each Add VIP needs a fulfilled redemption of its own, redeemed before the add.
        for (i, s) in stretches.iter().enumerate() {
            let paid = fulfilled
                .iter()
                .filter(|r| r.redeemed_at <= s.added)
                .count();
            if paid < i + 1 {
                found.push(format!(
                    "{who}: Add VIP number {} at {} is not paid for by a fulfilled redemption \
                     ({paid} redeemed before it)",
                    i + 1,
                    s.added
                ));
            }
            if let (Some(removed), Some(d)) = (s.removed, min_duration) {
                if removed < s.added + d {
                    found.push(format!(
                        "{who}: VIP added at {} was removed at {removed}, before one duration ({}s)",
                        s.added,
                        d.num_seconds()
                    ));
                }
            }
        }

        for r in &fulfilled {
            let Some(fulfilled_at) = settled.get(&r.id) else {
                found.push(format!(
                    "redemption {} is FULFILLED but no fulfilment request succeeded",
                    r.id
                ));
                continue;
            };
            let paid_until = r.redeemed_at + r.duration;
            let had_vip = stretches
                .iter()
                .any(|s| s.added <= *fulfilled_at && s.removed.is_none_or(|at| at >= paid_until));
            if !had_vip {
                found.push(format!(
                    "{who}: redemption {} (redeemed {}) was fulfilled at {fulfilled_at} without VIP \
                     lasting until {paid_until}",
                    r.id, r.redeemed_at
                ));
            }
            // A removal that started after the fulfilment must respect the deadline it paid for.
            for s in &stretches {
                if let (Some(started), Some(removed)) = (s.remove_started, s.removed) {
                    if started >= *fulfilled_at && removed < paid_until {
                        found.push(format!(
                            "{who}: VIP removed at {removed}, before {paid_until} that redemption {} \
                             (fulfilled at {fulfilled_at}) paid for",
                            r.id
                        ));
                    }
                }
            }
        }

        if evidence
            .vips_now
            .iter()
            .any(|(b, v)| b == broadcaster && v == viewer)
        {
            found.push(format!("{who} is still VIP after every deadline passed"));
        }
    }
    found
}

/// Successful Add / Remove VIP requests per `(broadcaster, viewer)`, in the order they finished.
fn vip_changes(journal: &[Exchange]) -> HashMap<(String, String), Vec<VipChange>> {
    let mut out: HashMap<(String, String), Vec<VipChange>> = HashMap::new();
    for e in journal
        .iter()
        .filter(|e| e.path == "/helix/channels/vips" && e.succeeded())
    {
        let change = match e.method.as_str() {
            "POST" => Change::Add,
            "DELETE" => Change::Remove,
            _ => continue,
        };
        let (Some(b), Some(v)) = (e.query("broadcaster_id"), e.query("user_id")) else {
            continue;
        };
        out.entry((b, v)).or_default().push(VipChange {
            change,
            started: e.started,
            finished: e.finished,
        });
    }
    for list in out.values_mut() {
        list.sort_by_key(|c| c.finished);
    }
    out
}

/// When each redemption's FULFILLED request succeeded (the first, should there be more).
fn settlements(journal: &[Exchange]) -> HashMap<String, DateTime<Utc>> {
    let mut out: HashMap<String, DateTime<Utc>> = HashMap::new();
    for e in journal.iter().filter(|e| {
        e.method == "PATCH"
            && e.path == "/helix/channel_points/custom_rewards/redemptions"
            && e.succeeded()
            && e.body.contains("FULFILLED")
    }) {
        for id in e.query_all("id") {
            let at = out.entry(id).or_insert(e.finished);
            *at = (*at).min(e.finished);
        }
    }
    out
}

/// Pairs adds with the removals after them; the changes must alternate, starting with an add.
fn stretches(changes: &[VipChange]) -> Result<Vec<Stretch>, String> {
    let mut out: Vec<Stretch> = Vec::new();
    for c in changes {
        match (c.change, out.last_mut()) {
            (Change::Add, None) => out.push(Stretch {
                added: c.started,
                removed: None,
                remove_started: None,
            }),
            (Change::Add, Some(last)) if last.removed.is_some() => out.push(Stretch {
                added: c.started,
                removed: None,
                remove_started: None,
            }),
            (Change::Remove, Some(last)) if last.removed.is_none() => {
                last.removed = Some(c.finished);
                last.remove_started = Some(c.started);
            }
            (change, _) => {
                return Err(format!(
                    "successful VIP changes do not alternate: {change:?} at {}",
                    c.finished
                ))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::milliseconds(ms)
    }

    fn exchange(
        method: &str,
        path: &str,
        query: &str,
        body: &str,
        status: u16,
        ms: i64,
    ) -> Exchange {
        Exchange {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            body: body.into(),
            status,
            answer_lost: false,
            started: at(ms),
            finished: at(ms + 5),
        }
    }

    fn add(ms: i64) -> Exchange {
        exchange(
            "POST",
            "/helix/channels/vips",
            "broadcaster_id=b&user_id=v",
            "",
            204,
            ms,
        )
    }

    fn remove(ms: i64) -> Exchange {
        exchange(
            "DELETE",
            "/helix/channels/vips",
            "broadcaster_id=b&user_id=v",
            "",
            204,
            ms,
        )
    }

    fn fulfil(id: &str, ms: i64) -> Exchange {
        exchange(
            "PATCH",
            "/helix/channel_points/custom_rewards/redemptions",
            &format!("id={id}&broadcaster_id=b&reward_id=r"),
            r#"{"status":"FULFILLED"}"#,
            200,
            ms,
        )
    }

    fn redeemed(id: &str, ms: i64, status: RedemptionStatus) -> Redeemed {
        Redeemed {
            id: id.into(),
            broadcaster: "b".into(),
            viewer: "v".into(),
            redeemed_at: at(ms),
            duration: Duration::seconds(3),
            status,
        }
    }

    fn check(
        redemptions: &[Redeemed],
        journal: &[Exchange],
        recorded: &[(&str, Recorded)],
        vips_now: &[(String, String)],
    ) -> Vec<String> {
        let recorded: HashMap<String, Recorded> = recorded
            .iter()
            .map(|(id, r)| ((*id).to_owned(), r.clone()))
            .collect();
        violations(&Evidence {
            redemptions,
            journal,
            recorded: &recorded,
            vips_now,
        })
    }

    use RedemptionStatus::{Canceled, Fulfilled, Unfulfilled};

    #[test]
    fn a_grant_extended_once_and_removed_after_both_deadlines_is_fine() {
        let reds = [
            redeemed("r1", 0, Fulfilled),
            redeemed("r2", 1_000, Fulfilled),
        ];
        let journal = [
            add(100),
            fulfil("r1", 200),
            fulfil("r2", 1_100),
            remove(6_000),
        ];
        let rec = [("r1", Recorded::Fulfilled), ("r2", Recorded::Fulfilled)];
        assert_eq!(check(&reds, &journal, &rec, &[]), Vec::<String>::new());
    }

    #[test]
    fn a_refund_without_a_grant_is_fine_and_with_one_it_is_not() {
        let reds = [redeemed("r1", 0, Canceled)];
        let rec = [("r1", Recorded::Refunded("already_vip".into()))];
        assert!(check(&reds, &[], &rec, &[]).is_empty());
        let v = check(&reds, &[add(100), remove(5_000)], &rec, &[]);
        assert!(v.iter().any(|m| m.contains("not paid for")), "{v:?}");
    }

    #[test]
    fn two_grants_for_one_redemption_are_caught() {
        let reds = [redeemed("r1", 0, Fulfilled)];
        let journal = [
            add(100),
            fulfil("r1", 200),
            remove(3_200),
            add(3_300),
            remove(7_000),
        ];
        let v = check(&reds, &journal, &[("r1", Recorded::Fulfilled)], &[]);
        assert!(v.iter().any(|m| m.contains("Add VIP number 2")), "{v:?}");
    }

    #[test]
    fn an_early_removal_is_caught() {
        let reds = [
            redeemed("r1", 0, Fulfilled),
            redeemed("r2", 2_000, Fulfilled),
        ];
        // r2 extended to at least 5 s, but the VIP went at 3.5 s.
        let journal = [
            add(100),
            fulfil("r1", 200),
            fulfil("r2", 2_100),
            remove(3_500),
        ];
        let rec = [("r1", Recorded::Fulfilled), ("r2", Recorded::Fulfilled)];
        let v = check(&reds, &journal, &rec, &[]);
        assert!(
            v.iter().any(|m| m.contains("before") && m.contains("r2")),
            "{v:?}"
        );
        // Before one duration after the add.
        let v = check(
            &reds[..1],
            &[add(100), fulfil("r1", 200), remove(2_000)],
            &rec[..1],
            &[],
        );
        assert!(v.iter().any(|m| m.contains("before one duration")), "{v:?}");
    }

    #[test]
    fn a_fulfilment_without_vip_is_caught() {
        let reds = [redeemed("r1", 0, Fulfilled)];
        let v = check(
            &reds,
            &[fulfil("r1", 200)],
            &[("r1", Recorded::Fulfilled)],
            &[],
        );
        assert!(v.iter().any(|m| m.contains("without VIP")), "{v:?}");
    }

    #[test]
    fn undecided_mismatched_and_lingering_states_are_caught() {
        let reds = [redeemed("r1", 0, Unfulfilled), redeemed("r2", 0, Fulfilled)];
        let journal = [add(100), fulfil("r2", 200)];
        let rec = [("r2", Recorded::Undecided("pending".into()))];
        let vips = [("b".to_owned(), "v".to_owned())];
        let v = check(&reds, &journal, &rec, &vips);
        assert!(v.iter().any(|m| m.contains("still UNFULFILLED")), "{v:?}");
        assert!(v.iter().any(|m| m.contains("recorded as")), "{v:?}");
        assert!(v.iter().any(|m| m.contains("still VIP")), "{v:?}");
    }

    #[test]
    fn changes_that_do_not_alternate_are_caught() {
        let reds = [redeemed("r1", 0, Fulfilled)];
        let v = check(
            &reds,
            &[add(100), fulfil("r1", 200), add(300)],
            &[("r1", Recorded::Fulfilled)],
            &[],
        );
        assert!(v.iter().any(|m| m.contains("do not alternate")), "{v:?}");
    }

    #[test]
    fn a_lost_answer_counts_as_done_and_a_refused_request_does_not() {
        let mut lost = add(100);
        lost.status = 504;
        lost.answer_lost = true;
        let mut refused = add(150);
        refused.status = 422;
        let reds = [redeemed("r1", 0, Fulfilled)];
        let journal = [lost, refused, fulfil("r1", 200), remove(4_000)];
        assert!(check(&reds, &journal, &[("r1", Recorded::Fulfilled)], &[]).is_empty());
    }
}
