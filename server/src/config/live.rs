//! Live updates across instances: whether live events are relayed through the store, so that a
//! dashboard open on one instance hears of changes made on another, and how often it is read.

use std::time::Duration;

use anyhow::{bail, Context};

use super::{DatabaseUrl, Lookup, StreamLimits};

/// `LIVE_RELAY` and `LIVE_RELAY_POLL_MS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveConfig {
    /// Whether the relay runs. `LIVE_RELAY=on|off|auto`; `auto` (the default) turns it on with
    /// Firestore (several instances) and off with SQLite (usually one).
    pub relay: bool,
    /// How often an instance with open dashboards reads the others' events. Default 400 ms.
    pub poll_every: Duration,
    /// Caps on open streams per caller, and how often open streams re-check their caller.
    pub streams: StreamLimits,
}

/// The default of [`LiveConfig::poll_every`].
pub const POLL_EVERY: Duration = Duration::from_millis(400);

impl LiveConfig {
    pub(super) fn from_lookup(env: Lookup<'_>, database: &DatabaseUrl) -> anyhow::Result<Self> {
        let relay = match env("LIVE_RELAY").as_deref().map(str::trim) {
            None | Some("auto") => matches!(database, DatabaseUrl::Firestore { .. }),
            Some("on") => true,
            Some("off") => false,
            Some(other) => bail!("LIVE_RELAY must be `on`, `off` or `auto`, not `{other}`"),
        };
        let poll_every = match env("LIVE_RELAY_POLL_MS") {
            None => POLL_EVERY,
            Some(text) => {
                let ms: u64 = text
                    .trim()
                    .parse()
                    .context("LIVE_RELAY_POLL_MS must be a whole number of milliseconds")?;
                if ms == 0 {
                    bail!("LIVE_RELAY_POLL_MS must be at least 1");
                }
                Duration::from_millis(ms)
            }
        };
        Ok(Self {
            relay,
            poll_every,
            streams: StreamLimits::from_lookup(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn live(database: &str, vars: &[(&str, &str)]) -> anyhow::Result<LiveConfig> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        LiveConfig::from_lookup(&move |k| map.get(k).cloned(), &database.parse()?)
    }

    const SQLITE: &str = "sqlite://data/vip.db";
    const FIRESTORE: &str = "firestore://my-project";

    #[test]
    fn auto_relays_on_firestore_only() {
        assert!(!live(SQLITE, &[]).unwrap().relay);
        assert!(live(FIRESTORE, &[]).unwrap().relay);
        assert!(!live(SQLITE, &[("LIVE_RELAY", "auto")]).unwrap().relay);
        assert!(live(FIRESTORE, &[("LIVE_RELAY", "auto")]).unwrap().relay);
        assert_eq!(live(SQLITE, &[]).unwrap().poll_every, POLL_EVERY);
        assert_eq!(POLL_EVERY, Duration::from_millis(400));
    }

    #[test]
    fn on_and_off_override_the_backend() {
        assert!(live(SQLITE, &[("LIVE_RELAY", "on")]).unwrap().relay);
        assert!(!live(FIRESTORE, &[("LIVE_RELAY", " off ")]).unwrap().relay);
    }

    #[test]
    fn the_poll_interval_is_read_in_milliseconds() {
        let c = live(SQLITE, &[("LIVE_RELAY_POLL_MS", " 40 ")]).unwrap();
        assert_eq!(c.poll_every, Duration::from_millis(40));
    }

    #[test]
    fn malformed_values_are_named() {
        for (key, value) in [
            ("LIVE_RELAY", "yes"),
            ("LIVE_RELAY_POLL_MS", "0"),
            ("LIVE_RELAY_POLL_MS", "1s"),
        ] {
            let e = live(SQLITE, &[(key, value)]).unwrap_err();
            assert!(e.to_string().contains(key), "{key}={value}: {e}");
        }
    }
}
