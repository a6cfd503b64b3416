//! A channel's subscriptions on the conduit (Twitch docs, "Handling Conduit Events": "Create
//! subscriptions using the conduit's ID"), all with the app token: the channel's wanted types
//! ([`wanted_types`]) are read back from the instance's app-wide listing ([`SharedListing`], one
//! Get EventSub Subscriptions per page for all channels); one that is missing is created
//! (a 409 adopts the subscription Twitch names), one that is unwanted, on another conduit or
//! disabled is deleted (a disabled one is made anew), and `authorization_revoked` stops the channel.
//! Refusals are settled as on the other transports ([`settle`]).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::ChannelId;
use serde_json::Value;

use super::classify::{ConduitError, Placed};
use super::client::ConduitClient;
use super::listing::{conduit_broadcaster, Listing, SharedListing};
use crate::eventsub::parse::{read_by_another, AUTHORIZATION_REVOKED};
use crate::eventsub::report::Report;
use crate::eventsub::subscriptions::chat::{condition_for, still_wanted};
use crate::eventsub::subscriptions::status::from_twitch;
use crate::eventsub::subscriptions::subscribe::{
    settle, wanted_types, ChannelTypes, Placed as Settled, SubscribeError,
};
use crate::eventsub::subscriptions::Listed;

fn subscribe_error(what: &str, e: ConduitError) -> SubscribeError {
    match e {
        ConduitError::Forbidden(m) => SubscribeError::NeedsReauth(format!("{what}: {m}")),
        ConduitError::Limit(m) => SubscribeError::Limit(format!("{what}: {m}")),
        other => SubscribeError::Transient(format!("{what}: {other}")),
    }
}

fn text<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn of_channel(sub: &Listed, channel: &ChannelId) -> bool {
    conduit_broadcaster(sub) == Some(channel.as_str())
}

/// The channel's conduit subscriptions (on any conduit of this client), listed for it alone.
async fn listed(
    client: &ConduitClient,
    channel: &ChannelId,
) -> Result<Vec<Listed>, SubscribeError> {
    let all = client
        .subscriptions(("user_id", channel.as_str()))
        .await
        .map_err(|e| subscribe_error("listing subscriptions", e))?;
    Ok(all.into_iter().filter(|s| of_channel(s, channel)).collect())
}

/// The app-wide listing, at most `max_age` old and fetched after `after` (the channel's last
/// change), shared with the instance's other channels.
///
/// # Errors
/// As [`reconcile`].
pub async fn listing(
    client: &ConduitClient,
    shared: &SharedListing,
    max_age: Duration,
    after: Option<Instant>,
) -> Result<Arc<Listing>, SubscribeError> {
    shared
        .since(client, max_age, after)
        .await
        .map_err(|e| subscribe_error("listing subscriptions", e))
}

/// What one reconciliation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconciled {
    /// Subscriptions created.
    pub created: usize,
    /// Whether anything was written (created, adopted or deleted), so the next check needs a
    /// listing fetched after it.
    pub changed: bool,
}

/// Puts the channel's subscriptions for `rule_types` in place on `conduit`, chat read by the reader
/// they name (the app's chat bot or the streamer), `all` being the app-wide listing ([`listing`]).
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the broadcaster has not granted a required type's scope
/// or revoked the authorisation; [`SubscribeError::Limit`] for a limit; else transient.
pub async fn reconcile(
    client: &ConduitClient,
    all: &Listing,
    conduit: &str,
    rule_types: &ChannelTypes,
    channel: &ChannelId,
    report: Report<'_>,
) -> Result<Reconciled, SubscribeError> {
    let wanted = wanted_types(&rule_types.types);
    let mut have: HashSet<String> = HashSet::new();
    let mut changed = false;
    for sub in all.of_channel(channel) {
        let ours = text(&sub.transport, "conduit_id") == Some(conduit);
        let kind = sub.kind.as_str();
        let wanted_as_is = still_wanted(rule_types, channel, kind, &sub.condition);
        if ours && wanted_as_is && !have.contains(kind) && sub.status == "enabled" {
            report.subscription(from_twitch(kind, &sub.id, &sub.status));
            have.insert(sub.kind.clone());
            continue;
        }
        // The streamer's withdrawal; one by the account reading chat (the bot) only ends that
        // subscription, which is deleted below and made again when the account allows it.
        if ours && sub.status == AUTHORIZATION_REVOKED && !read_by_another(&sub.condition) {
            report.subscription(from_twitch(kind, &sub.id, &sub.status));
            return Err(SubscribeError::NeedsReauth("authorization revoked".into()));
        }
        tracing::info!(%channel, kind, status = %sub.status, ours, "deleting a conduit subscription not wanted as it is");
        changed = true;
        client
            .unsubscribe(&sub.id)
            .await
            .map_err(|e| subscribe_error("deleting a subscription", e))?;
    }
    let mut created = 0;
    for kind in wanted {
        if have.contains(kind) {
            continue;
        }
        changed = true;
        let placed = match client
            .subscribe(
                kind,
                condition_for(kind, channel, rule_types.chat_bot.as_deref()),
                conduit,
            )
            .await
        {
            Ok(Placed::Created { id, status }) => Ok(Some(Settled {
                status: from_twitch(kind, &id, &status),
                new: true,
            })),
            Ok(Placed::Adopted(id)) => {
                tracing::info!(%channel, kind, id = ?id, "the subscription exists on Twitch; adopted");
                Ok(Some(Settled {
                    status: from_twitch(kind, id.as_deref().unwrap_or_default(), "enabled"),
                    new: false,
                }))
            }
            Err(e) => Err(subscribe_error(kind, e)),
        };
        created += usize::from(settle(kind, placed, report)?);
    }
    Ok(Reconciled { created, changed })
}

/// Deletes every conduit subscription of the channel (it is no longer watched). Returns how many.
///
/// # Errors
/// When listing or a deletion fails.
pub async fn delete_channel(
    client: &ConduitClient,
    channel: &ChannelId,
) -> Result<usize, SubscribeError> {
    let subs = listed(client, channel).await?;
    for sub in &subs {
        client
            .unsubscribe(&sub.id)
            .await
            .map_err(|e| subscribe_error("deleting a subscription", e))?;
    }
    Ok(subs.len())
}
