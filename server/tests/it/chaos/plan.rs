//! The chaos schedule, drawn from a seeded RNG: when which viewer redeems in which channel, and
//! which disturbance comes when. The same seed gives the same schedule.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Requests the server makes to Twitch that a failure or a lost answer may hit.
const FAILING: [&str; 7] = [
    "POST /helix/channels/vips",
    "DELETE /helix/channels/vips",
    "PATCH /helix/channel_points/custom_rewards/redemptions",
    "GET /helix/channel_points/custom_rewards/redemptions",
    "GET /helix/channels/vips",
    "POST /helix/eventsub/subscriptions",
    "POST /helix/chat/messages",
];
/// Requests that change something, whose answer may be lost after they took effect.
const CHANGING: [&str; 3] = [
    "POST /helix/channels/vips",
    "DELETE /helix/channels/vips",
    "PATCH /helix/channel_points/custom_rewards/redemptions",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disturbance {
    /// SIGKILL the server; start it again after `down_for`.
    Crash { down_for: Duration },
    /// Drop every EventSub WebSocket without a close frame.
    DropSockets,
    /// The next `times` requests to `endpoint` fail with `status` before anything happens.
    Fail {
        endpoint: &'static str,
        status: u16,
        times: u32,
    },
    /// The next successful request to `endpoint` takes effect, then is answered with `status`.
    LoseAnswer { endpoint: &'static str, status: u16 },
}

/// A viewer redeems the channel's reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redeem {
    pub channel: usize,
    pub viewer: usize,
}

/// Something that happens `at` after the chaos began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<T> {
    pub at: Duration,
    pub what: T,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub redeems: Vec<Step<Redeem>>,
    pub disturbances: Vec<Step<Disturbance>>,
}

/// Kinds of disturbance, dealt from shuffled decks so that every kind comes up in every few steps.
#[derive(Clone, Copy)]
enum Kind {
    Crash,
    Drop,
    Fail,
    Lose,
}
const DECK: [Kind; 7] = [
    Kind::Crash,
    Kind::Crash,
    Kind::Drop,
    Kind::Fail,
    Kind::Fail,
    Kind::Fail,
    Kind::Lose,
];

/// A schedule `length` long for `channels` channels with `viewers` viewers each.
pub fn plan(seed: u64, length: Duration, channels: usize, viewers: usize) -> Plan {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut redeems = Vec::new();
    let mut at = Duration::ZERO;
    loop {
        at += Duration::from_millis(rng.random_range(100..300));
        if at >= length {
            break;
        }
        redeems.push(Step {
            at,
            what: Redeem {
                channel: rng.random_range(0..channels),
                viewer: rng.random_range(0..viewers),
            },
        });
    }

    let mut disturbances = Vec::new();
    let mut deck: Vec<Kind> = Vec::new();
    let mut at = Duration::ZERO;
    loop {
        at += Duration::from_millis(rng.random_range(700..2_000));
        if at >= length {
            break;
        }
        if deck.is_empty() {
            deck = DECK.to_vec();
            deck.shuffle(&mut rng);
        }
        let what = match deck.pop().expect("refilled") {
            Kind::Crash => Disturbance::Crash {
                down_for: Duration::from_millis(rng.random_range(0..1_500)),
            },
            Kind::Drop => Disturbance::DropSockets,
            Kind::Fail => Disturbance::Fail {
                endpoint: FAILING[rng.random_range(0..FAILING.len())],
                status: [429, 500, 502, 503][rng.random_range(0..4)],
                times: rng.random_range(1..=6),
            },
            Kind::Lose => Disturbance::LoseAnswer {
                endpoint: CHANGING[rng.random_range(0..CHANGING.len())],
                status: [502, 504][rng.random_range(0..2)],
            },
        };
        disturbances.push(Step { at, what });
    }
    Plan {
        redeems,
        disturbances,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_one_schedule_and_another_seed_another() {
        let length = Duration::from_secs(16);
        assert_eq!(plan(7, length, 3, 4), plan(7, length, 3, 4));
        assert_ne!(plan(7, length, 3, 4), plan(8, length, 3, 4));
    }

    #[test]
    fn every_kind_of_disturbance_comes_up_and_steps_stay_in_range() {
        let length = Duration::from_secs(16);
        for seed in 0..20 {
            let p = plan(seed, length, 3, 4);
            let kinds =
                |f: fn(&Disturbance) -> bool| p.disturbances.iter().filter(|s| f(&s.what)).count();
            assert!(
                kinds(|d| matches!(d, Disturbance::Crash { .. })) >= 2,
                "seed {seed}"
            );
            assert!(
                kinds(|d| matches!(d, Disturbance::DropSockets)) >= 1,
                "seed {seed}"
            );
            assert!(
                kinds(|d| matches!(d, Disturbance::Fail { .. })) >= 1,
                "seed {seed}"
            );
            assert!(
                kinds(|d| matches!(d, Disturbance::LoseAnswer { .. })) >= 1,
                "seed {seed}"
            );
            assert!(p.redeems.len() >= 50, "seed {seed}");
            assert!(p
                .redeems
                .iter()
                .all(|s| s.at < length && s.what.channel < 3 && s.what.viewer < 4));
            assert!(p.redeems.windows(2).all(|w| w[0].at < w[1].at));
        }
    }
}
