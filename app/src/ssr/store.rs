//! The storage port. One trait, two production backends (SQLite, Firestore) chosen at run time,
//! held as `Arc<dyn Store>`. Every backend passes the same contract suite (`server/tests/it/store_contract`).
//!
//! Times are passed in (`now`) rather than read from a clock, so callers and tests decide what "now" is.

mod audit;
mod channels;
mod inbox;
mod redemption_attempts;
mod redemptions;
mod rewards;
mod tokens;
mod vip_sessions;
mod waitlist;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::ChannelId;

pub use audit::AuditStore;
pub use channels::{released_login, ChannelStore};
pub use inbox::{InboxMessage, InboxStore, INBOX_RETENTION};
pub use redemption_attempts::RedemptionAttemptStore;
pub use redemptions::RedemptionStore;
pub use rewards::RewardStore;
pub use tokens::{SealedTokens, TokenStore};
pub use vip_sessions::{ActiveWith, VipSessionStore};
pub use waitlist::WaitlistStore;

/// Every area trait, for code that calls store methods on a concrete backend
/// (`use app::ssr::store::prelude::*;`). Through `dyn Store` their methods need no import.
pub mod prelude {
    pub use super::{
        AuditStore, ChannelStore, InboxStore, RedemptionAttemptStore, RedemptionStore, RewardStore,
        Store, TokenStore, VipSessionStore, WaitlistStore,
    };
}

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

/// The whole storage port. Areas with their own trait (the EventSub inbox) are supertraits, so an
/// `Arc<dyn Store>` offers their methods too.
#[async_trait]
pub trait Store:
    ChannelStore
    + TokenStore
    + RewardStore
    + RedemptionStore
    + RedemptionAttemptStore
    + WaitlistStore
    + VipSessionStore
    + AuditStore
    + InboxStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for health reports and logs (`"sqlite"`, `"firestore"`, …).
    fn backend(&self) -> &'static str;

    /// A cheap round trip proving the backend answers.
    async fn ping(&self) -> StoreResult<()>;

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
}
