//! How many live streams (`GET /api/ws`) one caller may hold open at once, and how often an open
//! stream checks that its caller may still watch.

use std::num::NonZeroUsize;
use std::time::Duration;

use anyhow::{bail, Context};

use super::Lookup;

/// `LIVE_STREAMS_PER_SESSION`, `LIVE_STREAMS_PER_TOKEN`, `LIVE_STREAMS_PER_IP` and
/// `LIVE_STREAM_RECHECK_SECS` (`None`: no cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// Open streams per login session (a streamer's tabs share one). Default 5.
    pub per_session: Option<NonZeroUsize>,
    /// Open streams per API token. Default 5.
    pub per_token: Option<NonZeroUsize>,
    /// Open streams per client address, whoever holds them (an office or a household shares one
    /// address). Default 30.
    pub per_ip: Option<NonZeroUsize>,
    /// How often an open stream checks that its session or token still exists and that its
    /// caller may still watch the channel. Default 5 s.
    pub recheck_every: Duration,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            per_session: NonZeroUsize::new(5),
            per_token: NonZeroUsize::new(5),
            per_ip: NonZeroUsize::new(30),
            recheck_every: Duration::from_secs(5),
        }
    }
}

impl StreamLimits {
    pub(super) fn from_lookup(env: Lookup<'_>) -> anyhow::Result<Self> {
        let defaults = Self::default();
        let cap = |key: &str, default| -> anyhow::Result<Option<NonZeroUsize>> {
            match env(key).as_deref().map(str::trim) {
                None => Ok(default),
                Some(off) if off.eq_ignore_ascii_case("off") => Ok(None),
                Some(n) => {
                    Ok(NonZeroUsize::new(n.parse().with_context(|| {
                        format!("{key} must be a whole number or `off`")
                    })?))
                }
            }
        };
        let recheck_every = match env("LIVE_STREAM_RECHECK_SECS") {
            None => defaults.recheck_every,
            Some(text) => {
                let secs: u64 = text
                    .trim()
                    .parse()
                    .context("LIVE_STREAM_RECHECK_SECS must be a whole number of seconds")?;
                if secs == 0 {
                    bail!("LIVE_STREAM_RECHECK_SECS must be at least 1");
                }
                Duration::from_secs(secs)
            }
        };
        Ok(Self {
            per_session: cap("LIVE_STREAMS_PER_SESSION", defaults.per_session)?,
            per_token: cap("LIVE_STREAMS_PER_TOKEN", defaults.per_token)?,
            per_ip: cap("LIVE_STREAMS_PER_IP", defaults.per_ip)?,
            recheck_every,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> anyhow::Result<StreamLimits> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        StreamLimits::from_lookup(&move |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_cap_every_caller() {
        let d = read(&[]).unwrap();
        assert_eq!(d, StreamLimits::default());
        assert_eq!(d.per_session, NonZeroUsize::new(5));
        assert_eq!(d.per_token, NonZeroUsize::new(5));
        assert_eq!(d.per_ip, NonZeroUsize::new(30));
        assert_eq!(d.recheck_every, Duration::from_secs(5));
    }

    #[test]
    fn caps_are_counts_and_zero_or_off_lifts_them() {
        let c = read(&[
            ("LIVE_STREAMS_PER_SESSION", " 2 "),
            ("LIVE_STREAMS_PER_TOKEN", "0"),
            ("LIVE_STREAMS_PER_IP", "OFF"),
            ("LIVE_STREAM_RECHECK_SECS", "1"),
        ])
        .unwrap();
        assert_eq!(c.per_session, NonZeroUsize::new(2));
        assert_eq!(c.per_token, None);
        assert_eq!(c.per_ip, None);
        assert_eq!(c.recheck_every, Duration::from_secs(1));
    }

    #[test]
    fn malformed_values_are_named() {
        for (key, value) in [
            ("LIVE_STREAMS_PER_SESSION", "many"),
            ("LIVE_STREAMS_PER_IP", "-1"),
            ("LIVE_STREAM_RECHECK_SECS", "0"),
            ("LIVE_STREAM_RECHECK_SECS", "5s"),
        ] {
            let e = read(&[(key, value)]).unwrap_err();
            assert!(e.to_string().contains(key), "{key}={value}: {e}");
        }
    }
}
