//! The conduit transport (Twitch docs, "Handling Conduit Events"): one EventSub conduit for the
//! whole app, whatever the number of instances.
//!
//! * [`client`]: the Helix calls (conduits, shards, subscriptions) with the app token, within the
//!   app's rate limit; [`classify`] turns each answer into an outcome.
//! * [`slots`]: which instance serves which shard. Shard `i` is held under the store lease
//!   `eventsub-conduit-shard:{i}` (renewed every third of its lifetime). At start-up an instance
//!   takes the lowest shard whose lease is free or lapsed (a dead instance's), else grows the
//!   conduit by one shard; afterwards it keeps taking over every shard whose lease lapses, so a dead
//!   instance's shard is served again within a lease lifetime. An instance serving the highest shard
//!   beside another drops it (Update Conduits), so the count comes back down to the instances. Growing (and creating or adopting the
//!   conduit) runs under the lease `eventsub-conduit:setup`, one instance at a time, so concurrent
//!   growers never lower the count.
//! * [`shard`]: one shard's WebSocket: welcomed, registered with Update Conduit Shards (at start-up,
//!   after every reconnect and after a `session_reconnect` hand-over), read, its notifications
//!   written to the durable inbox like every other transport's.
//! * [`channel`]: a channel's subscriptions, made once with the app token on the conduit (a 409
//!   adopts the subscription Twitch names) after a shard of this instance is registered (Twitch
//!   keeps no queue for a conduit without an enabled shard), reconciled by the supervisor under
//!   the lease `eventsub-conduit:{channel}` against [`listing`], one app-wide listing shared by all
//!   the instance's channels (its cost is the pages of 100 subscriptions, not the channels).

pub mod channel;
pub mod classify;
pub mod client;
pub mod listing;
mod shard;
mod slots;

use std::sync::Arc;
use std::time::Duration;

use app::ssr::Store;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::eventsub::inbox::Intake;
use crate::eventsub::parse::Subscription;
use crate::eventsub::ws::WsOptions;
pub use client::ConduitClient;
pub use listing::SharedListing;

/// What the instance's shards need.
pub struct ShardContext {
    pub client: ConduitClient,
    pub store: Arc<dyn Store>,
    /// Names this instance as a lease holder.
    pub instance_id: String,
    pub lease_ttl: Duration,
    /// The EventSub WebSocket URL.
    pub ws_url: String,
    pub options: WsOptions,
    pub intake: Intake,
    /// This app's client id (the condition of `user.authorization.revoke`).
    pub client_id: String,
    /// Told of every revocation a shard receives.
    pub on_revocation: Arc<dyn Fn(&Subscription) + Send + Sync>,
}

/// The conduit as the channel tasks see it: its id once known, and how many shards this instance
/// has registered. Cheap to clone.
#[derive(Clone)]
pub struct ConduitState {
    pub conduit: watch::Receiver<Option<String>>,
    pub shards: watch::Receiver<usize>,
}

/// The app's conduit: the client, the state the channel tasks read, and the senders the shard
/// manager writes.
pub struct Conduit {
    pub client: ConduitClient,
    /// The app-wide listing the instance's channels share.
    pub listing: SharedListing,
    pub state: ConduitState,
    conduit: watch::Sender<Option<String>>,
    shards: watch::Sender<usize>,
}

impl Conduit {
    pub fn new(client: ConduitClient) -> Self {
        let (conduit, conduit_rx) = watch::channel(None);
        let (shards, shards_rx) = watch::channel(0);
        Self {
            client,
            listing: SharedListing::default(),
            state: ConduitState {
                conduit: conduit_rx,
                shards: shards_rx,
            },
            conduit,
            shards,
        }
    }

    /// Spawns the shard manager ([`slots`]): the conduit is created or adopted, then this instance
    /// serves its shards until `cancel` fires.
    pub fn spawn(&self, ctx: ShardContext, cancel: CancellationToken, tasks: TaskTracker) {
        let senders = slots::Senders {
            conduit: self.conduit.clone(),
            shards: self.shards.clone(),
        };
        let inner = tasks.clone();
        tasks.spawn(slots::run(Arc::new(ctx), senders, cancel, inner));
    }
}
