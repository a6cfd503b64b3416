//! VIP sessions: who holds VIP in which channel, until when. At most one active session per
//! viewer and channel; moves of an active session are compare-and-set.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::model::{ChannelId, SessionState, VipSession};

/// The compare part of a compare-and-set on a session: it must still be `Active` with this deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveWith {
    pub expires_at: Option<DateTime<Utc>>,
}

/// The VIP sessions' part of the storage port.
#[async_trait]
pub trait VipSessionStore: Send + Sync {
    /// Stores a new session.
    ///
    /// # Errors
    /// [`StoreError::Conflict`](super::StoreError::Conflict) when the session is `Active` and the
    /// viewer already has an active session in that channel (at most one active session per viewer
    /// and channel), or the id exists.
    async fn insert_session(&self, session: &VipSession) -> StoreResult<()>;
    async fn session(&self, id: &str) -> StoreResult<Option<VipSession>>;
    /// The viewer's active session in a channel, if any.
    async fn active_session(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> StoreResult<Option<VipSession>>;
    /// A channel's active sessions (timed and external), soonest deadline first, no-deadline last.
    async fn active_sessions(&self, channel: &ChannelId) -> StoreResult<Vec<VipSession>>;
    /// Active sessions of every channel whose deadline is at or before `now`, earliest first, at most
    /// `limit`. Its cost must not grow with the number of ended or future sessions (an indexed query).
    async fn due_sessions(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<VipSession>>;
    /// The earliest deadline of any active session, for a scheduler that sleeps until then.
    async fn next_deadline(&self) -> StoreResult<Option<DateTime<Utc>>>;
    /// Moves the deadline of an active session, only if it is still active with the `expected`
    /// deadline. Returns whether it moved. A concurrent expiry or extension makes it return `false`.
    /// Every backend's: [`Self::set_deadline`] to a deadline.
    async fn extend_session(
        &self,
        id: &str,
        expected: ActiveWith,
        new_expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.set_deadline(id, expected, Some(new_expires_at)).await
    }
    /// Sets or clears the deadline of an active session, only if it is still active with the
    /// `expected` deadline (`None` matches a session without one). Returns whether it changed; as
    /// [`Self::extend_session`] otherwise. A VIP that lasts until the stream ends gets its deadline
    /// when the stream goes offline, and loses it again when the stream comes back in time.
    async fn set_deadline(
        &self,
        id: &str,
        expected: ActiveWith,
        to: Option<DateTime<Utc>>,
    ) -> StoreResult<bool>;
    /// Clears the deadline of an active session and replaces its metadata, only if it is still
    /// active with the `expected` deadline (protecting a VIP, or taking the protection away).
    /// Returns whether it changed; a concurrent expiry or extension makes it return `false`.
    async fn set_untimed(
        &self,
        id: &str,
        expected: ActiveWith,
        metadata: &serde_json::Value,
    ) -> StoreResult<bool>;
    /// Ends an active session, only if it is still active with the
    /// `expected` deadline. Returns whether this call ended it: two racing callers never both see `true`,
    /// and an extension that landed first makes an expiry return `false`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`](super::StoreError::Conflict) when `to` is `Active` (not a final
    /// state).
    async fn end_session(
        &self,
        id: &str,
        expected: ActiveWith,
        to: SessionState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
