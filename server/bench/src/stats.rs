//! Percentiles and the formatting of durations and sizes in the results table.

use std::time::Duration;

/// A sorted sample of durations.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    sorted: Vec<Duration>,
}

impl Sample {
    pub fn new(mut values: Vec<Duration>) -> Self {
        values.sort_unstable();
        Self { sorted: values }
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The nearest-rank percentile (`p` in 0–100); `None` for an empty sample.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.sorted.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * self.sorted.len() as f64).ceil() as usize;
        Some(self.sorted[rank.clamp(1, self.sorted.len()) - 1])
    }

    pub fn max(&self) -> Option<Duration> {
        self.sorted.last().copied()
    }
}

/// `1.23 ms`, `456 µs`, `2.50 s`.
pub fn ms(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 10_000_000 {
        format!("{:.2} ms", micros as f64 / 1_000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// [`ms`] of an optional value (`–` when missing).
pub fn opt_ms(d: Option<Duration>) -> String {
    d.map_or_else(|| "–".to_owned(), ms)
}

/// Kibibytes as `12.3 MB` (MiB) or `456 KB` (KiB).
pub fn kib(kib: u64) -> String {
    if kib >= 1024 {
        format!("{:.1} MB", kib as f64 / 1024.0)
    } else {
        format!("{kib} KB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms_sample(values: &[u64]) -> Sample {
        Sample::new(values.iter().map(|v| Duration::from_millis(*v)).collect())
    }

    #[test]
    fn nearest_rank_percentiles() {
        let s = ms_sample(&[5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
        assert_eq!(s.percentile(50.0), Some(Duration::from_millis(5)));
        assert_eq!(s.percentile(90.0), Some(Duration::from_millis(9)));
        assert_eq!(s.percentile(99.0), Some(Duration::from_millis(10)));
        assert_eq!(s.percentile(0.0), Some(Duration::from_millis(1)));
        assert_eq!(s.max(), Some(Duration::from_millis(10)));
        assert_eq!(Sample::default().percentile(50.0), None);
    }

    #[test]
    fn durations_and_sizes_read_well() {
        assert_eq!(ms(Duration::from_micros(456)), "456 µs");
        assert_eq!(ms(Duration::from_micros(1_234)), "1.23 ms");
        assert_eq!(ms(Duration::from_millis(12_500)), "12.50 s");
        assert_eq!(opt_ms(None), "–");
        assert_eq!(kib(512), "512 KB");
        assert_eq!(kib(2048 + 512), "2.5 MB");
    }
}
