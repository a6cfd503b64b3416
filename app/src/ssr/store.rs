//! The storage port. One trait, two production backends (SQLite, Firestore) chosen at run time,
//! held as `Arc<dyn Store>`. Every backend passes the same contract suite (`server/tests/it/store_contract`).
//!
//! Times are passed in (`now`) rather than read from a clock, so callers and tests decide what "now" is.

mod analytics;
mod inbox;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::{
    AuditEntry, AuditPage, AuditQuery, Channel, ChannelId, RedemptionOutcome, RedemptionRecord,
    Reward, SessionState, Settings, VipSession, WaitlistEntry,
};

pub use analytics::{AnalyticsStore, BACKFILL_STEP};
pub use inbox::{InboxMessage, InboxStore, INBOX_RETENTION};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed (I/O, network, contention); the operation may be retried.
    #[error("storage backend failed: {0}")]
    Backend(String),
    /// A stored value could not be decoded.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The write would break a uniqueness rule (e.g. a second active session for one viewer).
    #[error("conflict: {0}")]
    Conflict(String),
}

/// Twitch tokens after encryption: the store only ever sees these bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTokens {
    /// Which encryption key sealed them (keys rotate).
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// The compare part of a compare-and-set on a session: it must still be `Active` with this deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveWith {
    pub expires_at: Option<DateTime<Utc>>,
}

/// A personal API token as stored: never the token itself, only its SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// SHA-256 of the whole token text, as 64 lowercase hex digits: the lookup key.
    pub hash: String,
    /// Public handle (lists, revocation), chosen by the app; unique per user.
    pub id: String,
    /// Whom the token acts as (a Twitch user id).
    pub user_id: String,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// How long relayed live events are kept: [`Store::purge_expired`] deletes older ones. Far longer
/// than any instance looks back, short enough that the records stay few.
pub const LIVE_EVENT_RETENTION: Duration = Duration::from_secs(10 * 60);

/// A live event as one instance leaves it in the store for the others (the live relay), so that
/// every instance's dashboards hear of every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayedEvent {
    /// Unique per event, chosen by the publisher.
    pub id: String,
    /// The instance that published it; it does not read its own events back.
    pub instance_id: String,
    /// The channel the event is about.
    pub channel_id: ChannelId,
    /// When it was published, by the publisher's clock.
    pub at: DateTime<Utc>,
    /// The `LiveEvent` as JSON, stored as it is.
    pub event_json: String,
}

/// The whole storage port. Areas with their own trait (the EventSub inbox, the analytics
/// counters) are supertraits, so an `Arc<dyn Store>` offers their methods too.
#[async_trait]
pub trait Store: InboxStore + AnalyticsStore + Send + Sync + 'static {
    /// Which backend this is, for health reports and logs (`"sqlite"`, `"firestore"`, …).
    fn backend(&self) -> &'static str;

    /// A cheap round trip proving the backend answers.
    async fn ping(&self) -> StoreResult<()>;

    // ---- channels --------------------------------------------------------------------------

    /// Creates or fully replaces a channel, keyed by its Twitch user id. Twitch gives a login to one
    /// user at a time: another channel still holding this login (case-insensitively; its user was
    /// renamed and the name passed on) gives it up, its login becoming [`released_login`] until its
    /// user signs in again, so the new owner is never refused and the lookup finds them.
    async fn save_channel(&self, channel: &Channel) -> StoreResult<()>;
    async fn channel(&self, id: &ChannelId) -> StoreResult<Option<Channel>>;
    /// Looks a channel up by its login, case-insensitively.
    async fn channel_by_login(&self, login: &str) -> StoreResult<Option<Channel>>;
    /// Every channel, in no particular order.
    async fn channels(&self) -> StoreResult<Vec<Channel>>;
    /// Replaces a channel's settings only. Returns `false` when the channel does not exist.
    async fn update_settings(&self, id: &ChannelId, settings: &Settings) -> StoreResult<bool>;
    /// Sets or clears "needs re-authorisation" only. Returns `false` when the channel does not exist.
    async fn set_needs_reauth(&self, id: &ChannelId, needs_reauth: bool) -> StoreResult<bool>;

    // ---- tokens (sealed; keyed by Twitch user id: a broadcaster or a moderator) ------------------

    async fn put_tokens(&self, user_id: &str, tokens: &SealedTokens) -> StoreResult<()>;
    async fn tokens(&self, user_id: &str) -> StoreResult<Option<SealedTokens>>;
    async fn delete_tokens(&self, user_id: &str) -> StoreResult<()>;

    // ---- rewards ---------------------------------------------------------------------------

    /// Creates or replaces a reward (keyed by its Twitch id).
    async fn save_reward(&self, reward: &Reward) -> StoreResult<()>;
    async fn reward(&self, reward_id: &str) -> StoreResult<Option<Reward>>;
    /// A channel's rewards, ordered by title.
    async fn rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>>;
    /// Returns `false` when there was no such reward.
    async fn delete_reward(&self, reward_id: &str) -> StoreResult<bool>;

    // ---- redemptions -----------------------------------------------------------------------

    /// Records a redemption unless one with the same id exists, atomically.
    /// Returns `true` only to the one caller that created it: of any number of concurrent calls
    /// with one id, on any number of instances, exactly one sees `true`.
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool>;
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>>;
    /// Returns `false` when there is no such redemption.
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool>;

    // ---- VIP sessions ----------------------------------------------------------------------

    /// Stores a new session.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the session is `Active` and the viewer already has an active
    /// session in that channel (at most one active session per viewer and channel), or the id exists.
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
    async fn extend_session(
        &self,
        id: &str,
        expected: ActiveWith,
        new_expires_at: DateTime<Utc>,
    ) -> StoreResult<bool>;
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
    /// Ends an active session, only if it is still active with the
    /// `expected` deadline. Returns whether this call ended it: two racing callers never both see `true`,
    /// and an extension that landed first makes an expiry return `false`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when `to` is `Active` (not a final state).
    async fn end_session(
        &self,
        id: &str,
        expected: ActiveWith,
        to: SessionState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;

    // ---- audit log -------------------------------------------------------------------------

    /// Appends an entry and, in the same write, counts it into the channel's analytics counters
    /// ([`AnalyticsStore`], decided by [`on_write`](crate::ssr::analytics::counters::on_write)).
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// A page of a channel's log, newest first (ties broken by id, descending), filtered by action
    /// and viewer. `next` is set when older matching entries exist; passing it back as `before`
    /// continues strictly after the last entry returned.
    async fn audit_page(&self, channel: &ChannelId, query: &AuditQuery) -> StoreResult<AuditPage>;

    // ---- EventSub message ids (webhook dedupe) -----------------------------------------------

    /// Remembers a message id until `now + ttl`. Returns `true` the first time an id is seen, and
    /// `false` while it is remembered (also to concurrent callers: exactly one sees `true`).
    async fn remember_message(
        &self,
        message_id: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool>;
    /// Forgets message ids and leases that expired before `now`, relayed live events published
    /// more than [`LIVE_EVENT_RETENTION`] before `now`, and inbox messages processed more than
    /// [`INBOX_RETENTION`] before `now` (never unprocessed ones); returns how many records went.
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    // ---- leases (work one instance should do at a time) --------------------------------------

    /// Takes the lease `name` for `holder` until `now + ttl` when it is free, expired, or already
    /// held by `holder` (which renews it). Returns whether `holder` holds it now.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool>;
    /// Gives the lease up if `holder` holds it; otherwise does nothing.
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;

    // ---- waitlist (slots full) -----------------------------------------------------------

    /// Appends to a channel's waitlist (a redemption id appears at most once; a repeat is ignored).
    async fn waitlist_push(&self, entry: &WaitlistEntry) -> StoreResult<()>;
    /// A channel's waitlist, first queued first.
    async fn waitlist(&self, channel: &ChannelId) -> StoreResult<Vec<WaitlistEntry>>;
    /// Takes an entry off the waitlist. Returns `true` to exactly one of any racing callers.
    async fn waitlist_remove(&self, channel: &ChannelId, redemption_id: &str) -> StoreResult<bool>;

    // ---- personal API tokens (stored hashed, looked up by hash) --------------------------------

    /// Stores a new token unless its owner already holds `max_per_user` tokens. Returns whether
    /// it was stored. Atomic: of any number of racing creations for one user, on any number of
    /// instances, never more succeed than there is room for.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a token with this hash, or one of the user's tokens with
    /// this id, exists.
    async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        max_per_user: u32,
    ) -> StoreResult<bool>;
    /// The token with this hash, if it exists (revoked tokens do not). An indexed lookup: its
    /// cost does not grow with the number of tokens.
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiTokenRecord>>;
    /// A user's tokens, newest first (ties broken by id, descending).
    async fn api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>>;
    /// Records a use of the token at `at`; `last_used_at` never moves backwards. Returns
    /// `false` when there is no such token (a revoked token is never brought back).
    async fn touch_api_token(&self, hash: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Deletes `user_id`'s token with this id and returns it; `None` when the user has no such
    /// token (another user's token is never touched). Of racing revocations exactly one gets it.
    async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> StoreResult<Option<ApiTokenRecord>>;

    // ---- live events relayed between instances ---------------------------------------------

    /// Stores a live event for the other instances to read.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when an event with this id exists.
    async fn append_live_event(&self, event: &RelayedEvent) -> StoreResult<()>;
    /// Relayed events published at or after `since`, oldest first, at most `limit` (events of one
    /// instant come in no particular order). An indexed query: its cost does not grow with the
    /// number of older events.
    async fn live_events_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<RelayedEvent>>;

    // ---- catch-up attempts at pending redemptions --------------------------------------------

    /// Counts one more catch-up attempt at a redemption and returns the count, this one included
    /// (1 the first time); `None` when there is no such redemption. The count is kept with the
    /// redemption (it survives restarts and is shared by every instance), starts at 0 when the
    /// redemption is created, and no other method changes it. Atomic: of any number of racing
    /// calls, on any number of instances, each gets a different count.
    async fn note_redemption_attempt(&self, id: &str) -> StoreResult<Option<u32>>;
}

/// The login a channel holds after another user took its Twitch name: not a Twitch login (those
/// are letters, digits and `_`), unique per channel, replaced at that user's next sign-in.
pub fn released_login(id: &ChannelId) -> String {
    format!("~{}", id.as_str())
}
