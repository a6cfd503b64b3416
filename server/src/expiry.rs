//! Expiry, driven three ways: an in-process scheduler that sleeps until the earliest deadline (and
//! is woken when deadlines change), a periodic backstop pass, and `POST /api/cron/remove-expired-vips`
//! for an external scheduler (Cloud Scheduler). All three call [`Engine::expire_due`], whose
//! compare-and-set transitions and leases make them safe to run at once, on any number of instances.
//!
//! Wiring:
//! ```ignore
//! let scheduler = ExpiryScheduler::new();
//! let engine = Arc::new(
//!     Engine::new(store, twitch, live, Arc::new(TokioClock)).with_deadline_hook(scheduler.hook()),
//! );
//! tasks.spawn(scheduler.clone().run(engine.clone(), cancel.clone()));
//! tasks.spawn(scheduler.run_warnings(engine.clone(), cancel.clone())); // the expiry warnings
//! tasks.spawn(drain_waitlists(engine.clone(), cancel.clone()));
//! let cron = CronEndpoint::new(engine.clone(), config.cron_secret.clone());
//! // route: POST /api/cron/remove-expired-vips → cron_remove_expired (state: CronEndpoint)
//! ```

use std::sync::Arc;
use std::time::Duration;

use app::ssr::engine::{Clock, DeadlineHook, Engine, NextWarning};
use async_trait::async_trait;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// How often the scheduler runs a pass even when nothing woke it, and the waitlists are drained.
pub const BACKSTOP_EVERY: Duration = Duration::from_secs(30);
/// After a pass that left overdue sessions (Twitch failing, another instance holding them), how
/// long to wait before trying again.
pub const RETRY_OVERDUE_AFTER: Duration = Duration::from_secs(5);
/// Wake-ups this close together share one pass. A wake-up brings a deadline at least a second
/// away (the shortest VIP), so waiting this long delays no removal, while a burst of grants costs
/// one pass instead of one per grant.
pub const COALESCE_WAKE_UPS: Duration = Duration::from_millis(200);

/// After a warning pass that failed, how long until the next one.
const RETRY_WARNINGS_AFTER: chrono::Duration = chrono::Duration::seconds(5);

/// The real clock: `Utc::now` and tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioClock;

#[async_trait]
impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// The deadline-driven expiry task ([`Self::run`]) and its twin for the expiry warnings
/// ([`Self::run_warnings`]), both woken when deadlines change.
#[derive(Debug, Default, Clone)]
pub struct ExpiryScheduler {
    notify: Arc<Notify>,
    warnings: Arc<WarningsWake>,
}

/// The warnings loop's wake-up, and when it will look next anyway.
#[derive(Debug, Default)]
struct WarningsWake {
    notify: Notify,
    /// When the loop, waiting, wakes by itself; `None` while it scans (or before its first scan),
    /// when every change must wake it again.
    planned: std::sync::Mutex<Option<DateTime<Utc>>>,
}

impl WarningsWake {
    fn wake(&self, next: NextWarning) {
        let planned = *self
            .planned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let sooner = match (next, planned) {
            (NextWarning::Nothing, Some(_)) => false,
            (NextWarning::At(at), Some(planned)) => at < planned,
            _ => true,
        };
        if sooner {
            self.notify.notify_one();
        }
    }

    fn plan(&self, at: Option<DateTime<Utc>>) {
        *self
            .planned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }
}

impl ExpiryScheduler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the scheduler look at the deadlines again now, and the warnings loop too when the
    /// changed VIPs' next warning (`next`) falls due before it planned to look. A wake-up while
    /// either is busy is kept for when it next waits, never lost.
    pub fn wake(&self, next: NextWarning) {
        self.notify.notify_one();
        self.warnings.wake(next);
    }

    /// [`Self::wake`] as the engine's deadline hook.
    pub fn hook(&self) -> DeadlineHook {
        let this = self.clone();
        Arc::new(move |next| this.wake(next))
    }

    /// Runs until `cancel` fires: a pass at once (after a restart every overdue session is handled
    /// immediately), then sleeps until the earliest deadline, a wake-up or the backstop, whichever
    /// comes first. Never panics; failures are logged and retried. The warnings have a loop of
    /// their own ([`Self::run_warnings`]): their scan reads every session ending within a day, and
    /// a removal due meanwhile must not wait for it.
    pub async fn run(self, engine: Arc<Engine>, cancel: CancellationToken) {
        loop {
            let pass_at = Utc::now();
            let (next, upcoming) = match engine.expire_due(pass_at).await {
                Ok(report) => (report.next_deadline, report.next_upcoming),
                Err(e) => {
                    tracing::warn!(error = %e, "expiry pass failed; retrying soon");
                    (Some(pass_at), None)
                }
            };
            let wake_at = sleep_for(next, upcoming, pass_at, Utc::now());
            if wait(&self.notify, wake_at, &cancel).await {
                return;
            }
        }
    }

    /// Sends the expiry warnings until `cancel` fires: a pass at once, then at the next lead time
    /// any session reaches, a wake-up or the backstop, whichever comes first.
    pub async fn run_warnings(self, engine: Arc<Engine>, cancel: CancellationToken) {
        loop {
            self.warnings.plan(None);
            let pass_at = Utc::now();
            let next = match engine.warn_due(pass_at).await {
                Ok(warnings) => warnings.next_at,
                Err(e) => {
                    tracing::warn!(error = %e, "expiry warning pass failed; retrying soon");
                    Some(pass_at + RETRY_WARNINGS_AFTER)
                }
            };
            let now = Utc::now();
            let wake_at = sleep_for(next, None, pass_at, now);
            self.warnings
                .plan(chrono::Duration::from_std(wake_at).ok().map(|d| now + d));
            if wait(&self.warnings.notify, wake_at, &cancel).await {
                return;
            }
        }
    }
}

/// Waits `delay`, or for a wake-up (and the wake-ups that follow it within
/// [`COALESCE_WAKE_UPS`], never past `delay`); `true` when `cancel` fired instead.
async fn wait(notify: &Notify, delay: Duration, cancel: &CancellationToken) -> bool {
    let wake_at = tokio::time::Instant::now() + delay;
    tokio::select! {
        () = cancel.cancelled() => true,
        () = notify.notified() => {
            let coalesced = tokio::time::Instant::now() + COALESCE_WAKE_UPS;
            tokio::select! {
                () = cancel.cancelled() => true,
                () = tokio::time::sleep_until(coalesced.min(wake_at)) => false,
            }
        }
        () = tokio::time::sleep_until(wake_at) => false,
    }
}

/// Drains every channel's waitlist at start and then every [`BACKSTOP_EVERY`], until `cancel`
/// fires: refunds entries that waited too long and grants from freed slots that no expiry of this
/// app freed (a VIP removed by hand). A task of its own: one pass walks every channel and waits on
/// Twitch, and a removal that falls due meanwhile must not wait for it. (Slots that an expiry frees
/// are handed on by the expiry pass itself.)
pub async fn drain_waitlists(engine: Arc<Engine>, cancel: CancellationToken) {
    loop {
        if let Err(e) = engine.process_waitlists().await {
            tracing::warn!(error = %e, "waitlist sweep failed");
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(BACKSTOP_EVERY) => {}
        }
    }
}

/// How long the scheduler sleeps after a pass that started at `pass_at`, given the earliest
/// deadline left: until that deadline, at most [`BACKSTOP_EVERY`]. A deadline the pass already saw
/// due (a session it could not end) is retried after [`RETRY_OVERDUE_AFTER`], not in a busy loop,
/// or sooner when the next deadline still ahead (`upcoming`) comes first: a stuck session never
/// delays the others.
pub fn sleep_for(
    next_deadline: Option<DateTime<Utc>>,
    upcoming: Option<DateTime<Utc>>,
    pass_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Duration {
    let until = |at: DateTime<Utc>| (at - now).to_std().unwrap_or(Duration::ZERO);
    match next_deadline {
        None => BACKSTOP_EVERY,
        Some(at) if at <= pass_at => {
            let retry = RETRY_OVERDUE_AFTER.min(BACKSTOP_EVERY);
            upcoming.map_or(retry, |at| until(at).min(retry))
        }
        Some(at) => until(at).min(BACKSTOP_EVERY),
    }
}

/// State of the cron endpoint: the engine and the expected `CRON_SECRET`.
#[derive(Clone)]
pub struct CronEndpoint {
    engine: Arc<Engine>,
    secret: Option<SecretString>,
}

impl CronEndpoint {
    /// Without a secret (or with an empty one) every request is refused: there is no default.
    pub fn new(engine: Arc<Engine>, secret: Option<SecretString>) -> Self {
        let secret = secret.filter(|s| !s.expose_secret().is_empty());
        Self { engine, secret }
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(secret) = &self.secret else {
            return false;
        };
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        constant_time_eq(given.as_bytes(), secret.expose_secret().as_bytes())
    }
}

/// `POST /api/cron/remove-expired-vips`: one expiry pass. Needs `Authorization: Bearer
/// {CRON_SECRET}` (401 otherwise); answers `{"removed": N}`, N being the VIPs removed.
pub async fn cron_remove_expired(State(cron): State<CronEndpoint>, headers: HeaderMap) -> Response {
    if !cron.authorized(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(serde_json::json!({ "error": "unauthorized" })),
        )
            .into_response();
    }
    match cron.engine.expire_due(Utc::now()).await {
        Ok(report) => Json(serde_json::json!({ "removed": report.removed })).into_response(),
        Err(e) => {
            let reference = uuid::Uuid::new_v4().to_string();
            tracing::error!(%reference, error = %e, "cron expiry pass failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({ "error": "internal", "reference": reference })),
            )
                .into_response()
        }
    }
}

/// Compares a given secret with the expected one in time that depends only on the expected
/// secret's length, never on where the first difference is.
pub(crate) fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = u8::from(given.len() != expected.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= e ^ given.get(i).copied().unwrap_or(!e);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(ms)
    }

    /// Whether the warnings loop was woken (takes the wake-up).
    fn woken(wake: &WarningsWake) -> bool {
        use futures_util::FutureExt;
        wake.notify.notified().now_or_never().is_some()
    }

    #[test]
    fn the_warnings_look_again_only_for_a_warning_sooner_than_planned() {
        let wake = WarningsWake::default();
        wake.plan(Some(at(10_000)));
        wake.wake(NextWarning::At(at(20_000)));
        wake.wake(NextWarning::Nothing);
        assert!(!woken(&wake), "nothing sooner than planned");
        wake.wake(NextWarning::At(at(9_000)));
        assert!(woken(&wake), "a sooner warning");
        wake.wake(NextWarning::Unknown);
        assert!(woken(&wake), "a change whose warning is not known");
    }

    #[test]
    fn during_a_warning_scan_every_change_wakes_the_loop_again() {
        let wake = WarningsWake::default();
        wake.plan(None);
        wake.wake(NextWarning::Nothing);
        assert!(
            woken(&wake),
            "the scan may have read the VIP before it changed"
        );
    }

    #[test]
    fn sleeps_until_the_next_deadline() {
        assert_eq!(
            sleep_for(Some(at(1_500)), None, at(0), at(100)),
            Duration::from_millis(1_400)
        );
    }

    #[test]
    fn sleeps_at_most_until_the_backstop() {
        assert_eq!(sleep_for(None, None, at(0), at(0)), BACKSTOP_EVERY);
        assert_eq!(
            sleep_for(Some(at(3_600_000)), None, at(0), at(0)),
            BACKSTOP_EVERY
        );
    }

    #[test]
    fn a_deadline_that_passed_during_the_pass_runs_at_once() {
        assert_eq!(
            sleep_for(Some(at(50)), None, at(0), at(100)),
            Duration::ZERO
        );
    }

    #[test]
    fn sessions_the_pass_could_not_end_are_retried_later_not_in_a_busy_loop() {
        assert_eq!(
            sleep_for(Some(at(-10_000)), None, at(0), at(100)),
            RETRY_OVERDUE_AFTER
        );
    }

    #[test]
    fn a_stuck_session_does_not_delay_the_next_deadline() {
        assert_eq!(
            sleep_for(Some(at(-10_000)), Some(at(1_100)), at(0), at(100)),
            Duration::from_millis(1_000)
        );
        // One further away than the retry: the retry comes first.
        assert_eq!(
            sleep_for(Some(at(-10_000)), Some(at(60_000)), at(0), at(100)),
            RETRY_OVERDUE_AFTER
        );
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cres", b"s3cret"));
        assert!(!constant_time_eq(b"s3cre", b"s3cret"));
        assert!(!constant_time_eq(b"s3crett", b"s3cret"));
        assert!(!constant_time_eq(b"", b"s3cret"));
        assert!(!constant_time_eq(b"\xff", b"\x00"));
    }
}
