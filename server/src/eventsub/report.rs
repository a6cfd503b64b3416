//! How a channel's EventSub task tells the supervisor what it learns: the connection state and
//! each subscription's status. The supervisor keeps them per channel for health and the account page.

use app::model::SubscriptionStatus;

use app::model::EventSubConnection;

/// Receives one channel's EventSub news as it happens. Calls must be cheap and never block.
pub trait Reporter: Send + Sync {
    /// The channel's connection state changed.
    fn state(&self, state: EventSubConnection);
    /// What Twitch said about one subscription; replaces what was known of its type.
    fn subscription(&self, status: SubscriptionStatus);
    /// The connection carrying the subscriptions ended: every enabled one is failed for `reason`.
    fn subscriptions_lost(&self, reason: &str);
}

/// A channel task's reporter.
pub type Report<'a> = &'a dyn Reporter;
