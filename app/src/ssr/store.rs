//! The storage port, one trait per area of records, each in the file of `store/` named for it.
//! [`Store`] is all of them at once: two production backends (SQLite, Firestore) implement it,
//! chosen at run time and held as `Arc<dyn Store>`, which offers every area's methods without
//! importing its trait. Every backend passes the same contract suite
//! (`server/tests/it/store_contract`).
//!
//! Times are passed in (`now`) rather than read from a clock, so callers and tests decide what
//! "now" is.

mod analytics;
mod api_tokens;
mod audit;
mod channels;
mod coordination;
mod inbox;
mod live_events;
mod overlay_keys;
mod redemption_attempts;
mod redemptions;
mod rewards;
mod roster;
mod tokens;
mod vip_sessions;
mod waitlist;

use async_trait::async_trait;

pub use analytics::{AnalyticsStore, BACKFILL_STEP};
pub use api_tokens::{ApiTokenRecord, ApiTokenStore};
pub use audit::AuditStore;
pub use channels::{released_login, ChannelStore};
pub use coordination::CoordinationStore;
pub use inbox::{InboxMessage, InboxStore, INBOX_RETENTION};
pub use live_events::{LiveEventFeed, LiveEventStore, RelayedEvent, LIVE_EVENT_RETENTION};
pub use overlay_keys::{OverlayKey, OverlayKeyStore};
pub use redemption_attempts::RedemptionAttemptStore;
pub use redemptions::{LeaseClaim, NewRedemption, RedemptionStore};
pub use rewards::RewardStore;
pub use roster::RosterStore;
pub use tokens::{SealedTokens, TokenStore};
pub use vip_sessions::{ActiveWith, VipSessionStore};
pub use waitlist::WaitlistStore;

/// Every area trait, for code that calls store methods on a concrete backend
/// (`use app::ssr::store::prelude::*;`). Through `dyn Store` their methods need no import.
pub mod prelude {
    pub use super::{
        AnalyticsStore, ApiTokenStore, AuditStore, ChannelStore, CoordinationStore, InboxStore,
        LiveEventStore, OverlayKeyStore, RedemptionAttemptStore, RedemptionStore, RewardStore,
        RosterStore, Store, TokenStore, VipSessionStore, WaitlistStore,
    };
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, thiserror::Error)]
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

/// The whole storage port: every area, and the backend's own health. A method is added to its
/// area's trait (and its file in each backend), never here.
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
    + CoordinationStore
    + ApiTokenStore
    + LiveEventStore
    + InboxStore
    + AnalyticsStore
    + RosterStore
    + OverlayKeyStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for health reports and logs (`"sqlite"`, `"firestore"`, …).
    fn backend(&self) -> &'static str;

    /// A cheap round trip proving the backend answers.
    async fn ping(&self) -> StoreResult<()>;
}
