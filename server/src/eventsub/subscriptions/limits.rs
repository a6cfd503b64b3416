//! Twitch's EventSub limits (Twitch docs, "Subscription limits"): per user token at most
//! [`MAX_WS_CONNECTIONS_PER_TOKEN`] WebSocket connections with enabled subscriptions, at most
//! [`MAX_SUBSCRIPTIONS_PER_CONNECTION`] enabled subscriptions per connection, and a cost budget
//! (`max_total_cost`, reported with every Create EventSub Subscription answer) that subscriptions
//! for users who authorised the app do not use. The app opens one connection per channel with that
//! channel's own token, so it needs one of the three connections and a dozen subscriptions at most;
//! a limit is reached only when something else uses the same token. Twitch then answers 429: the
//! channel is marked failed with the reason and tried again only after a long pause. Pure.

use std::time::Duration;

/// WebSocket connections with enabled subscriptions per user token (client id + user id).
pub const MAX_WS_CONNECTIONS_PER_TOKEN: usize = 3;
/// Enabled subscriptions per WebSocket connection.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 300;
/// How long a channel waits after Twitch refused it for a limit (instead of the usual backoff).
pub const LIMIT_RETRY: Duration = Duration::from_secs(15 * 60);

/// What a Create EventSub Subscription answer says about the token's cost budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// This subscription's cost.
    pub cost: i64,
    pub total_cost: i64,
    pub max_total_cost: i64,
}

/// Why a channel with `count` subscriptions cannot use one WebSocket connection, if it cannot.
pub fn too_many_for_connection(count: usize) -> Option<String> {
    (count > MAX_SUBSCRIPTIONS_PER_CONNECTION).then(|| {
        format!(
            "{count} subscriptions wanted; Twitch allows {MAX_SUBSCRIPTIONS_PER_CONNECTION} \
             per WebSocket connection"
        )
    })
}

/// Why the cost budget stops further subscriptions, if it does: the total is over the maximum
/// (the budget is exhausted; anything that costs is refused).
pub fn over_budget(cost: Cost) -> Option<String> {
    (cost.max_total_cost > 0 && cost.total_cost > cost.max_total_cost).then(|| {
        format!(
            "EventSub cost limit reached: total_cost {} of max_total_cost {}",
            cost.total_cost, cost.max_total_cost
        )
    })
}

/// Whether the budget is used up, so the next subscription that costs anything will be refused.
pub fn budget_exhausted(cost: Cost) -> bool {
    cost.max_total_cost > 0 && cost.total_cost >= cost.max_total_cost
}

/// Whether Twitch's 429 message is about an EventSub limit rather than the request rate limit.
pub fn is_eventsub_limit(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["transport", "connection", "cost", "subscription"]
        .iter()
        .any(|w| m.contains(w))
}

/// A clear reason for Twitch's 429 to Create EventSub Subscription of `kind`, from its message.
pub fn limit_reason(kind: &str, message: &str) -> String {
    let m = message.to_ascii_lowercase();
    let what = if m.contains("transport") || m.contains("connection") {
        format!(
            "Twitch allows {MAX_WS_CONNECTIONS_PER_TOKEN} EventSub WebSocket connections per \
             token and they are in use"
        )
    } else if m.contains("cost") {
        "the token's EventSub cost limit (max_total_cost) is reached".to_owned()
    } else if m.contains("same type") || m.contains("type and condition") {
        format!("too many {kind} subscriptions with the same condition")
    } else {
        format!("an EventSub limit was reached creating {kind}")
    };
    if message.is_empty() {
        what
    } else {
        format!("{what} (Twitch: {message})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_holds_three_hundred() {
        assert_eq!(too_many_for_connection(0), None);
        assert_eq!(too_many_for_connection(300), None);
        assert!(too_many_for_connection(301)
            .unwrap()
            .contains("300 per WebSocket connection"));
    }

    #[test]
    fn the_budget_is_checked_against_the_answer() {
        let cost = |total_cost, max_total_cost| Cost {
            cost: 0,
            total_cost,
            max_total_cost,
        };
        assert_eq!(over_budget(cost(0, 10)), None);
        assert_eq!(over_budget(cost(10, 10)), None);
        assert!(budget_exhausted(cost(10, 10)));
        assert!(!budget_exhausted(cost(9, 10)));
        assert!(over_budget(cost(11, 10))
            .unwrap()
            .contains("11 of max_total_cost 10"));
        // An answer without the totals (0) says nothing.
        assert_eq!(over_budget(cost(5, 0)), None);
        assert!(!budget_exhausted(cost(5, 0)));
    }

    #[test]
    fn refusals_are_told_apart_by_their_message() {
        let connections = limit_reason(
            "stream.online",
            "number of websocket transports limit exceeded",
        );
        assert!(connections.starts_with("Twitch allows 3 EventSub WebSocket connections"));
        assert!(connections.ends_with("(Twitch: number of websocket transports limit exceeded)"));
        assert!(
            limit_reason("x", "subscription cost exceeds max_total_cost")
                .contains("max_total_cost")
        );
        assert!(limit_reason(
            "channel.vip.add",
            "too many subscriptions with the same type and condition"
        )
        .starts_with("too many channel.vip.add"));
        assert_eq!(
            limit_reason("channel.cheer", ""),
            "an EventSub limit was reached creating channel.cheer"
        );
        assert!(is_eventsub_limit(
            "number of websocket transports limit exceeded"
        ));
        assert!(is_eventsub_limit(
            "too many subscriptions on this websocket connection"
        ));
        assert!(!is_eventsub_limit("Too Many Requests"));
    }
}
