//! The live-updates port: how use cases tell dashboards what changed. The server's implementation
//! fans events out to every instance's SSE streams.

use crate::model::LiveEvent;

/// Where live events go.
///
/// Contract: `publish` is synchronous, cheap and never blocks or fails: an implementation queues or
/// drops (a dashboard that misses an event catches up on its next load), it never waits for a
/// subscriber or the network.
pub trait LiveBus: Send + Sync + 'static {
    fn publish(&self, event: LiveEvent);
}

/// A bus nobody listens to (tools, tests that do not look at live events).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLiveBus;

impl LiveBus for NoLiveBus {
    fn publish(&self, _event: LiveEvent) {}
}
