//! Twitch's rate limits, honoured before Twitch has to refuse. Per broadcaster: at most 10 VIP adds
//! and, separately, 10 VIP removals in any 10-second window; and the Helix token bucket that
//! `Ratelimit-Remaining`/`Ratelimit-Reset` describe (when it is empty, the token's next call waits for
//! the reset). State is per channel, found through a map whose lock is held only for the lookup, so
//! channels never wait on each other and nothing holds a shared lock across an await.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Twitch's window for VIP adds and removals.
pub const VIP_WINDOW: Duration = Duration::from_secs(10);
/// Adds (and, separately, removals) allowed per window and broadcaster.
pub const VIPS_PER_WINDOW: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VipChange {
    Add,
    Remove,
}

/// Every channel's limits.
pub struct Limits {
    window: Duration,
    per_window: usize,
    channels: RwLock<HashMap<String, Arc<ChannelLimits>>>,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(VIP_WINDOW, VIPS_PER_WINDOW)
    }
}

impl Limits {
    pub fn new(window: Duration, per_window: usize) -> Self {
        Self {
            window,
            per_window,
            channels: RwLock::default(),
        }
    }

    /// The channel's limits, created on first use.
    pub fn channel(&self, channel: &str) -> Arc<ChannelLimits> {
        if let Some(found) = self
            .channels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(channel)
        {
            return found.clone();
        }
        self.channels
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(channel.to_owned())
            .or_insert_with(|| Arc::new(ChannelLimits::new(self.window, self.per_window)))
            .clone()
    }
}

/// One broadcaster's limits.
pub struct ChannelLimits {
    window: Duration,
    adds: Arc<Semaphore>,
    removes: Arc<Semaphore>,
    bucket: Mutex<Bucket>,
}

/// What the last answers said about the token's bucket.
#[derive(Debug, Default)]
struct Bucket {
    /// Points left, counted down locally between answers.
    remaining: Option<u32>,
    reset_at: Option<Instant>,
}

impl ChannelLimits {
    fn new(window: Duration, per_window: usize) -> Self {
        Self {
            window,
            adds: Arc::new(Semaphore::new(per_window)),
            removes: Arc::new(Semaphore::new(per_window)),
            bucket: Mutex::default(),
        }
    }

    /// Waits (first come, first served) for a free place in the sliding window of `change`. The
    /// place stays taken until one window after the permit is dropped, i.e. after Twitch answered:
    /// Twitch counts from when the request arrived, which is earlier, so it never sees more than
    /// the limit in any window, whatever the network delays.
    pub async fn vip_slot(&self, change: VipChange) -> VipPermit {
        let semaphore = match change {
            VipChange::Add => &self.adds,
            VipChange::Remove => &self.removes,
        };
        let permit = semaphore
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        VipPermit {
            permit: Some(permit),
            hold: self.window,
        }
    }

    /// Waits while the token's bucket is known to be empty, then counts this call against it.
    pub async fn token_ready(&self) {
        self.token_ready_keeping(0).await;
    }

    /// Waits while the token's bucket is known to hold `reserve` points or fewer, then counts this
    /// call against it: a caller that can wait leaves the last `reserve` points to one that cannot.
    pub async fn token_ready_keeping(&self, reserve: u32) {
        loop {
            let wait_until = {
                let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
                match (bucket.remaining, bucket.reset_at) {
                    (Some(left), Some(reset)) if left <= reserve && reset > Instant::now() => {
                        Some(reset)
                    }
                    (Some(left), _) if left <= reserve => {
                        // The reset has passed: the bucket is full again, size unknown.
                        bucket.remaining = None;
                        None
                    }
                    (Some(left), _) => {
                        bucket.remaining = Some(left - 1);
                        None
                    }
                    (None, _) => None,
                }
            };
            match wait_until {
                Some(reset) => tokio::time::sleep_until(reset).await,
                None => return,
            }
        }
    }

    /// Records `Ratelimit-Remaining` and the time left until `Ratelimit-Reset` from an answer.
    pub fn observe(&self, remaining: Option<u32>, reset_in: Option<Duration>) {
        let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        if remaining.is_some() {
            bucket.remaining = remaining;
        }
        if let Some(reset_in) = reset_in {
            bucket.reset_at = Some(Instant::now() + reset_in);
        }
    }
}

/// A place in a VIP window. Dropping it frees the place one window later.
pub struct VipPermit {
    permit: Option<OwnedSemaphorePermit>,
    hold: Duration,
}

impl Drop for VipPermit {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        let hold = self.hold;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                tokio::time::sleep(hold).await;
                drop(permit);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolves `fut` if it can finish without the (paused) clock moving.
    async fn now_or_never<T>(fut: impl std::future::Future<Output = T>) -> Option<T> {
        tokio::time::timeout(Duration::ZERO, fut).await.ok()
    }

    #[tokio::test(start_paused = true)]
    async fn a_reserve_is_left_to_the_calls_that_cannot_wait() {
        let limits = Limits::default();
        let app = limits.channel("app");
        app.observe(Some(3), Some(Duration::from_secs(60)));
        // Down to the reserve of two, then only a call keeping none goes.
        assert!(now_or_never(app.token_ready_keeping(2)).await.is_some());
        assert!(now_or_never(app.token_ready_keeping(2)).await.is_none());
        assert!(now_or_never(app.token_ready()).await.is_some());
        assert!(now_or_never(app.token_ready()).await.is_some());
        assert!(now_or_never(app.token_ready()).await.is_none(), "empty");
        // At the reset the bucket is full again for everyone.
        let start = Instant::now();
        app.token_ready_keeping(2).await;
        assert!(Instant::now() >= start + Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn the_eleventh_add_waits_one_window_after_the_first_answer() {
        let limits = Limits::default();
        let channel = limits.channel("1");
        let start = Instant::now();
        let mut permits = Vec::new();
        for _ in 0..VIPS_PER_WINDOW {
            permits.push(channel.vip_slot(VipChange::Add).await);
        }
        assert_eq!(Instant::now(), start, "ten adds pass at once");
        assert!(now_or_never(channel.vip_slot(VipChange::Add))
            .await
            .is_none());

        tokio::time::advance(Duration::from_secs(3)).await;
        let answered = Instant::now();
        drop(permits);
        let _eleventh = channel.vip_slot(VipChange::Add).await;
        assert!(Instant::now() >= answered + VIP_WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn a_place_stays_taken_while_the_request_is_in_flight() {
        let limits = Limits::new(VIP_WINDOW, 1);
        let channel = limits.channel("1");
        let in_flight = channel.vip_slot(VipChange::Remove).await;
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(now_or_never(channel.vip_slot(VipChange::Remove))
            .await
            .is_none());
        drop(in_flight);
        let released = Instant::now();
        let _next = channel.vip_slot(VipChange::Remove).await;
        assert!(Instant::now() >= released + VIP_WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn adds_removals_and_channels_do_not_share_windows() {
        let limits = Limits::new(VIP_WINDOW, 1);
        let a = limits.channel("a");
        let _add = a.vip_slot(VipChange::Add).await;
        assert!(now_or_never(a.vip_slot(VipChange::Remove)).await.is_some());
        assert!(now_or_never(limits.channel("b").vip_slot(VipChange::Add))
            .await
            .is_some());
        assert!(now_or_never(limits.channel("a").vip_slot(VipChange::Add))
            .await
            .is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_are_served_in_order() {
        let limits = Arc::new(Limits::new(VIP_WINDOW, 1));
        let first = limits.channel("1").vip_slot(VipChange::Add).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..3 {
            let (limits, order) = (limits.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = limits.channel("1").vip_slot(VipChange::Add).await;
                order.lock().unwrap().push(i);
            }));
            tokio::task::yield_now().await;
        }
        drop(first);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_bucket_holds_the_token_until_the_reset() {
        let limits = Limits::default();
        let channel = limits.channel("1");
        channel.token_ready().await;
        channel.observe(Some(0), Some(Duration::from_secs(5)));
        let start = Instant::now();
        assert!(now_or_never(channel.token_ready()).await.is_none());
        channel.token_ready().await;
        assert!(Instant::now() >= start + Duration::from_secs(5));
        // Another channel's token is not affected.
        limits
            .channel("2")
            .observe(Some(0), Some(Duration::from_secs(50)));
        assert!(now_or_never(channel.token_ready()).await.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn calls_count_down_the_bucket_between_answers() {
        let limits = Limits::default();
        let channel = limits.channel("1");
        channel.observe(Some(2), Some(Duration::from_secs(7)));
        assert!(now_or_never(channel.token_ready()).await.is_some());
        assert!(now_or_never(channel.token_ready()).await.is_some());
        assert!(now_or_never(channel.token_ready()).await.is_none());
        let start = Instant::now();
        channel.token_ready().await;
        assert!(Instant::now() >= start + Duration::from_secs(7));
    }
}
