//! Exponential backoff with jitter for reconnecting and resubscribing. Pure: the random part is
//! passed in, so the bounds are unit-tested.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Ceiling of the first retry.
    pub base: Duration,
    /// Highest ceiling, reached after a few failures.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_secs(120),
        }
    }
}

impl Backoff {
    /// `min(max, base · 2^attempt)`; never overflows.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The wait before retry `attempt` (0 = first retry): "equal jitter", uniformly in
    /// `[ceiling / 2, ceiling]` for `jitter` in `[0, 1]` (values outside are clamped, NaN counts as 0), so retries of
    /// many channels spread out yet never come back at once.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let ceiling = self.ceiling(attempt);
        let half = ceiling / 2;
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        half + (ceiling - half).mul_f64(jitter)
    }

    /// [`Backoff::delay`] with a fresh random jitter.
    pub fn random_delay(&self, attempt: u32) -> Duration {
        self.delay(attempt, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let b = Backoff::default();
        let secs: Vec<u64> = (0..9).map(|a| b.ceiling(a).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 120, 120]);
        assert_eq!(b.ceiling(u32::MAX), b.max);
    }

    #[test]
    fn delays_stay_within_half_and_full_ceiling() {
        let b = Backoff {
            base: Duration::from_millis(250),
            max: Duration::from_secs(30),
        };
        for attempt in 0..64 {
            let ceiling = b.ceiling(attempt);
            for jitter in [0.0, 0.01, 0.5, 0.99, 1.0, -3.0, 7.0, f64::NAN] {
                let d = b.delay(attempt, jitter);
                assert!(d >= ceiling / 2 && d <= ceiling, "{attempt} {jitter} {d:?}");
            }
            let d = b.random_delay(attempt);
            assert!(d >= ceiling / 2 && d <= ceiling);
            assert!(d <= b.max);
        }
        assert_eq!(b.delay(0, 0.0), Duration::from_millis(125));
        assert_eq!(b.delay(0, 1.0), Duration::from_millis(250));
    }
}
