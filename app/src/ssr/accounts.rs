//! Use cases about streamer accounts: login bookkeeping and lost authorisation.

use chrono::Utc;

use super::{Store, StoreResult};
use crate::model::{Actor, AuditAction, AuditEntry, ChannelId};

/// Twitch no longer accepts the channel's token: flag the channel (the dashboard shows why and
/// EventSub stops for it) and write one audit entry. Does nothing if the flag is already set or
/// the user has no channel (a moderator's own token).
///
/// # Errors
/// When the store fails.
pub async fn mark_needs_reauth(
    store: &dyn Store,
    channel: &ChannelId,
    reason: &str,
) -> StoreResult<bool> {
    let Some(current) = store.channel(channel).await? else {
        return Ok(false);
    };
    if current.needs_reauth {
        return Ok(false);
    }
    store.set_needs_reauth(channel, true).await?;
    tracing::warn!(channel = %channel, reason, "channel needs re-authorisation");
    store
        .append_audit(&AuditEntry {
            id: new_id(),
            channel_id: channel.clone(),
            at: Utc::now(),
            action: AuditAction::ReauthNeeded,
            actor: Actor::System,
            target: None,
            metadata: serde_json::json!({ "reason": reason }),
        })
        .await?;
    Ok(true)
}

/// A new unique, time-ordered id (UUID v7) for sessions and audit entries.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
