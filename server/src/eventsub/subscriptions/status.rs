//! Each channel's subscriptions as Twitch last reported them (Create EventSub Subscription answers,
//! Get EventSub Subscriptions, revocations), in the page's terms. Pure.

use app::model::{SubscriptionState, SubscriptionStatus};

/// Twitch's `status` of a subscription in the page's terms (Twitch docs list the values).
pub fn state_from_twitch(status: &str) -> SubscriptionState {
    match status {
        "enabled" => SubscriptionState::Enabled,
        "webhook_callback_verification_pending" => SubscriptionState::Pending,
        "authorization_revoked"
        | "moderator_removed"
        | "user_removed"
        | "chat_user_banned"
        | "version_removed"
        | "beta_maintenance"
        | "notification_failures_exceeded" => SubscriptionState::Revoked(status.to_owned()),
        other => SubscriptionState::Failed(other.to_owned()),
    }
}

/// One subscription as Twitch reported it.
pub fn from_twitch(kind: &str, id: &str, status: &str) -> SubscriptionStatus {
    SubscriptionStatus {
        kind: kind.to_owned(),
        id: Some(id.to_owned()).filter(|id| !id.is_empty()),
        state: state_from_twitch(status),
    }
}

/// Records `status` in `list`, replacing the entry of the same type; the list stays ordered by type.
pub fn upsert(list: &mut Vec<SubscriptionStatus>, status: SubscriptionStatus) {
    match list.binary_search_by(|s| s.kind.as_str().cmp(&status.kind)) {
        Ok(i) => list[i] = status,
        Err(i) => list.insert(i, status),
    }
}

/// Marks every enabled subscription failed for `reason` (the connection carrying them ended).
pub fn disable_enabled(list: &mut [SubscriptionStatus], reason: &str) {
    for s in list
        .iter_mut()
        .filter(|s| s.state == SubscriptionState::Enabled)
    {
        s.state = SubscriptionState::Failed(reason.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twitch_statuses_map_to_four_states() {
        assert_eq!(state_from_twitch("enabled"), SubscriptionState::Enabled);
        assert_eq!(
            state_from_twitch("webhook_callback_verification_pending"),
            SubscriptionState::Pending
        );
        assert_eq!(
            state_from_twitch("authorization_revoked"),
            SubscriptionState::Revoked("authorization_revoked".into())
        );
        assert_eq!(
            state_from_twitch("notification_failures_exceeded"),
            SubscriptionState::Revoked("notification_failures_exceeded".into())
        );
        assert_eq!(
            state_from_twitch("webhook_callback_verification_failed"),
            SubscriptionState::Failed("webhook_callback_verification_failed".into())
        );
        assert_eq!(
            state_from_twitch("websocket_disconnected"),
            SubscriptionState::Failed("websocket_disconnected".into())
        );
        assert_eq!(from_twitch("stream.online", "", "enabled").id, None);
    }

    #[test]
    fn one_entry_per_type_in_type_order() {
        let mut list = Vec::new();
        upsert(&mut list, from_twitch("stream.online", "a", "enabled"));
        upsert(&mut list, from_twitch("channel.vip.add", "b", "enabled"));
        upsert(&mut list, from_twitch("stream.online", "c", "user_removed"));
        let kinds: Vec<(&str, Option<&str>)> = list
            .iter()
            .map(|s| (s.kind.as_str(), s.id.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [("channel.vip.add", Some("b")), ("stream.online", Some("c"))]
        );
        disable_enabled(&mut list, "connection lost");
        assert_eq!(
            list[0].state,
            SubscriptionState::Failed("connection lost".into())
        );
        assert_eq!(
            list[1].state,
            SubscriptionState::Revoked("user_removed".into())
        );
    }
}
