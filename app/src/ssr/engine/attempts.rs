//! Attempts at a paid grant, and what an interrupted one leaves behind.
//!
//! * In memory: the redemptions this instance is processing right now, so that its own catch-up
//!   never runs one a second time while the first run still waits on Twitch; and a grant that finds
//!   another grant of this instance adding the same viewer waits for it and then stacks onto its
//!   session, instead of meeting "already a VIP".
//! * In the store: before a paid grant asks Twitch to add the VIP it leaves a marker (a long-lived
//!   lease named after the redemption) and removes it once the grant is decided. A later attempt
//!   for the same redemption that finds the marker knows that an Add VIP may have gone through
//!   without being recorded (the process died, or Twitch's answer was lost), so "already a VIP",
//!   or a VIP that a Get VIPs sync recorded as external meanwhile, is this grant's own VIP and not
//!   one the streamer made by hand.
//! * A new redemption's first attempt takes its marker in the write that records the redemption
//!   ([`Engine::record_redemption`]): one write before Add VIP instead of two, on the path every
//!   redemption takes. A first attempt that decides without Add VIP (a refusal, an extension)
//!   removes that marker unused.
//!
//! The rare cost: a viewer whom the streamer makes VIP by hand while an attempt for their
//! redemption is interrupted (from the moment a new redemption is recorded, or a later attempt
//! leaves its marker, until the grant is decided) gets that VIP as the redemption's timed one.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::grant_types::{GrantOutcome, Paid};
use super::sessions::Lease;
use super::{Engine, EngineResult};
use crate::model::{ChannelId, RedemptionRecord, SessionState, VipSession, VipSource};
use crate::ssr::new_id;
use crate::ssr::store::{LeaseClaim, NewRedemption};
use crate::ssr::ActiveWith;

/// How long a grant waits at most for another grant of this instance adding the same viewer.
const ADDING_WAIT_STEP: Duration = Duration::from_millis(100);
const ADDING_WAIT_STEPS: u32 = 100;

/// How long a marker outlives an attempt that never removed it: far beyond catch-up's minimum
/// age and the periodic reconciliation, so the next attempt still finds it.
const MARKER_TTL: Duration = Duration::from_secs(24 * 3_600);

fn marker(redemption_id: &str) -> String {
    format!("vip-add:{redemption_id}")
}

/// The redemptions an engine is processing (see [`Engine::processing`]), each with the marker its
/// record was stored with while no Add VIP has used it.
#[derive(Default)]
pub(super) struct InFlight(Mutex<HashMap<String, Option<Lease>>>);

impl InFlight {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Option<Lease>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What recording a redemption found.
pub(super) enum Recorded {
    /// Recorded before (another delivery, transport or instance): nothing to do.
    Duplicate,
    /// New: this is its first attempt, with the marker stored beside it (`None` in the unlikely
    /// case that a marker of another holder was there already).
    New(Option<Lease>),
}

/// Removes its redemption from the in-flight set when dropped.
pub(super) struct ProcessingGuard<'a> {
    engine: &'a Engine,
    redemption_id: String,
}

impl Drop for ProcessingGuard<'_> {
    fn drop(&mut self) {
        self.engine.in_flight.lock().remove(&self.redemption_id);
    }
}

/// This attempt's marker, and whether an earlier attempt left one.
pub(super) struct Intent {
    /// This attempt's own marker; `None` when an earlier attempt's is still there.
    own: Option<Lease>,
    /// An earlier attempt for this redemption may have added the VIP.
    pub earlier: bool,
}

impl Engine {
    /// Records a new redemption and, in the same write, the marker of its first attempt.
    pub(super) async fn record_redemption(
        &self,
        record: &RedemptionRecord,
    ) -> EngineResult<Recorded> {
        let (name, holder) = (marker(&record.id), new_id());
        let claim = LeaseClaim {
            name: &name,
            holder: &holder,
            now: self.now(),
            ttl: MARKER_TTL,
        };
        Ok(
            match self
                .store
                .create_redemption_with_lease(record, claim)
                .await?
            {
                NewRedemption::Duplicate => Recorded::Duplicate,
                NewRedemption::Recorded { leased } => {
                    Recorded::New(leased.then_some(Lease { name, holder }))
                }
            },
        )
    }

    /// Marks the redemption as processed by this instance until the guard drops, with the marker
    /// its first attempt was recorded with, if this is that attempt.
    pub(super) fn processing(
        &self,
        redemption_id: &str,
        marked: Option<Lease>,
    ) -> ProcessingGuard<'_> {
        self.in_flight
            .lock()
            .insert(redemption_id.to_owned(), marked);
        ProcessingGuard {
            engine: self,
            redemption_id: redemption_id.to_owned(),
        }
    }

    /// Whether this instance is processing the redemption right now.
    pub(super) fn is_processing(&self, redemption_id: &str) -> bool {
        self.in_flight.lock().contains_key(redemption_id)
    }

    /// The marker the redemption was recorded with, for the Add VIP about to use it.
    fn take_recorded_marker(&self, redemption_id: &str) -> Option<Lease> {
        self.in_flight.lock().get_mut(redemption_id)?.take()
    }

    /// Whether the redemption's recorded marker is still unused: its first attempt, before any
    /// Add VIP.
    fn holds_recorded_marker(&self, redemption_id: &str) -> bool {
        self.in_flight
            .lock()
            .get(redemption_id)
            .is_some_and(Option::is_some)
    }

    /// Removes the marker the redemption was recorded with if no Add VIP used it (the grant was
    /// decided without one).
    pub(super) async fn drop_unused_marker(&self, redemption_id: &str) {
        if let Some(unused) = self.take_recorded_marker(redemption_id) {
            self.release(unused).await;
        }
    }

    /// Waits while another grant of this instance is adding the viewer (at most 10 s).
    pub(super) async fn wait_while_adding(&self, channel: &ChannelId, viewer_id: &str) {
        for _ in 0..ADDING_WAIT_STEPS {
            if !self.is_adding(channel, viewer_id) {
                return;
            }
            self.clock.sleep(ADDING_WAIT_STEP).await;
        }
    }

    /// Leaves the marker for a paid grant about to ask Twitch for the VIP (a new redemption's
    /// first attempt left it with the record already).
    pub(super) async fn intend(&self, paid: &Paid) -> EngineResult<Intent> {
        if let Some(own) = self.take_recorded_marker(&paid.id) {
            return Ok(Intent {
                own: Some(own),
                earlier: false,
            });
        }
        let own = self.take_marker(&paid.id).await?;
        Ok(Intent {
            earlier: own.is_none(),
            own,
        })
    }

    /// The grant was decided: this attempt's marker goes (an earlier attempt's lapses by itself).
    pub(super) async fn settle_intent(&self, intent: Intent) {
        if let Some(own) = intent.own {
            self.release(own).await;
        }
    }

    /// Whether an earlier attempt for `paid` left its marker (leaves none itself).
    pub(super) async fn earlier_attempt(&self, paid: &Paid) -> EngineResult<bool> {
        if self.holds_recorded_marker(&paid.id) {
            return Ok(false);
        }
        match self.take_marker(&paid.id).await? {
            Some(probe) => {
                self.release(probe).await;
                Ok(false)
            }
            None => Ok(true),
        }
    }

    async fn take_marker(&self, redemption_id: &str) -> EngineResult<Option<Lease>> {
        let name = marker(redemption_id);
        let holder = new_id();
        let taken = self
            .store
            .acquire_lease(&name, &holder, self.now(), MARKER_TTL)
            .await?;
        Ok(taken.then_some(Lease { name, holder }))
    }

    /// Makes `external` (a VIP recorded as not the app's, found by a later attempt of a paid grant
    /// whose earlier attempt may have added it) this grant's session from now. Returns `None` when
    /// the external session changed meanwhile (look again).
    pub(super) async fn adopt(
        &self,
        external: &VipSession,
        session: VipSession,
    ) -> EngineResult<Option<VipSession>> {
        if external.source != VipSource::External
            || !self
                .store
                .end_session(
                    &external.id,
                    ActiveWith { expires_at: None },
                    SessionState::Expired,
                    self.now(),
                )
                .await?
        {
            return Ok(None);
        }
        match self.store.insert_session(&session).await {
            Ok(()) => Ok(Some(session)),
            Err(crate::ssr::StoreError::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// Whether an attempt's marker must stay: the grant was left pending after an attempt that may
/// have added the VIP.
pub(super) fn keep_marker(outcome: &GrantOutcome, may_have_added: bool) -> bool {
    may_have_added && matches!(outcome, GrantOutcome::Pending(_))
}
