//! VIP sessions under concurrency: the leases that keep two pieces of work on one session (or one
//! channel's waitlist) apart, across instances, and the compare-and-set transitions of a session
//! (end it, move its deadline) that every use case goes through.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Engine, EngineError, EngineResult};
use crate::model::{ChannelId, SessionState, VipSession};
use crate::ssr::new_id;
use crate::ssr::ActiveWith;

/// How long a lease on one session's removal, a waitlist drain or a catch-up is held at most, in
/// case the holder dies half-way.
pub(super) const LEASE_TTL: Duration = Duration::from_secs(60);
/// How many times a compare-and-set is re-read and retried when another writer got there first.
pub(super) const CAS_ATTEMPTS: usize = 8;

/// How long work that needs a taken lease waits for its holder (an expiry, a revoke or an event
/// handler on the same session; a waitlist drain on the same channel).
const LEASE_WAIT_ATTEMPTS: u32 = 50;
const LEASE_WAIT_STEP: Duration = Duration::from_millis(100);

/// The name of the lease held while one session's VIP is removed (expiry, revoke) or while an
/// event about that viewer is dispatched.
pub(super) fn session_lease(session_id: &str) -> String {
    format!("vip-session:{session_id}")
}

/// The name of the lease held while a channel's waitlist is drained, or while a reward's waiting
/// redemptions are refunded or closed.
pub(super) fn waitlist_lease(channel: &ChannelId) -> String {
    format!("waitlist:{channel}")
}

pub(super) struct Lease {
    pub(super) name: String,
    pub(super) holder: String,
}

impl Engine {
    /// Takes a lease for a piece of work, with a holder unique to this call.
    pub(super) async fn lease(&self, name: String) -> EngineResult<Option<Lease>> {
        let holder = new_id();
        if self
            .store
            .acquire_lease(&name, &holder, self.now(), LEASE_TTL)
            .await?
        {
            Ok(Some(Lease { name, holder }))
        } else {
            Ok(None)
        }
    }

    pub(super) async fn release(&self, lease: Lease) {
        if let Err(e) = self.store.release_lease(&lease.name, &lease.holder).await {
            tracing::warn!(lease = %lease.name, error = %e, "cannot release a lease; it will expire");
        }
    }

    /// Takes a lease, waiting a little while another holder finishes.
    pub(super) async fn wait_for_lease(&self, name: String) -> EngineResult<Lease> {
        for _ in 0..LEASE_WAIT_ATTEMPTS {
            if let Some(lease) = self.lease(name.clone()).await? {
                return Ok(lease);
            }
            self.clock.sleep(LEASE_WAIT_STEP).await;
        }
        Err(EngineError::Contended)
    }

    /// Compare-and-set end of an active session at the current time.
    pub(super) async fn end(
        &self,
        session: &VipSession,
        expected: ActiveWith,
        to: SessionState,
    ) -> EngineResult<bool> {
        Ok(self
            .store
            .end_session(&session.id, expected, to, self.now())
            .await?)
    }

    /// The session as it is after `end` succeeded.
    pub(super) fn ended(&self, session: VipSession, state: SessionState) -> VipSession {
        VipSession {
            state,
            ended_at: Some(self.now()),
            ..session
        }
    }

    /// Moves an active timed session's deadline to `new_deadline(current deadline)` while holding
    /// the session's lease: an expiry or a revoke holds it from before it removes the VIP until the
    /// session is ended, so an extension never lands in between. Twitch must still list the VIP;
    /// when it does not, the session is closed as removed externally. Returns the extended session,
    /// or `None` when the session is no longer active and timed, its VIP is gone, or another
    /// extension won (look again).
    ///
    /// # Errors
    /// [`EngineError::Contended`] when the lease stays taken (a removal hangs, or its holder died
    /// until the lease lapses), [`EngineError::Twitch`] when Get VIPs fails, or a store failure.
    pub(super) async fn extend_leased(
        &self,
        session_id: &str,
        new_deadline: impl FnOnce(DateTime<Utc>) -> DateTime<Utc>,
    ) -> EngineResult<Option<VipSession>> {
        let lease = self.wait_for_lease(session_lease(session_id)).await?;
        let result = async {
            let Some(current) = self
                .store
                .session(session_id)
                .await?
                .filter(|s| s.state == SessionState::Active)
            else {
                return Ok(None);
            };
            let Some(deadline) = current.expires_at else {
                return Ok(None);
            };
            // The VIP must still be there: an expiry or a revoke that died between removing it and
            // recording the end (its lease lapsed since) leaves an active session without a VIP.
            let vips = self
                .retrying(|| self.twitch.vips(&current.channel_id))
                .await?;
            if !vips.iter().any(|v| v.id == current.viewer.id) {
                self.close_externally(&current, "extension").await?;
                return Ok(None);
            }
            let to = new_deadline(deadline);
            let expected = ActiveWith {
                expires_at: Some(deadline),
            };
            let moved = self.store.extend_session(&current.id, expected, to).await?;
            Ok(moved.then_some(VipSession {
                expires_at: Some(to),
                ..current
            }))
        }
        .await;
        self.release(lease).await;
        result
    }
}
