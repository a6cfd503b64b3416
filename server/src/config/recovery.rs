//! How quickly the server catches up with what it missed (an outage, a crash): how often every
//! channel is reconciled with Twitch, how long a redemption left pending waits before catch-up
//! takes it up again and how many times before it is refunded, how often every channel's grant
//! rules are compared with its subscriptions, and the name under which this instance holds its
//! EventSub sockets.

use std::time::Duration;

use anyhow::{bail, Context};
use app::ssr::engine::DEFAULT_CATCH_UP_ATTEMPTS;

use super::Lookup;

/// `RECONCILE_EVERY_SECS`, `CATCH_UP_MIN_AGE_SECS`, `CATCH_UP_MAX_ATTEMPTS`, `INSTANCE_ID`,
/// `TOKEN_VALIDATE_EVERY_SECS` and `RULES_CHECK_EVERY_SECS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryConfig {
    /// Every connected channel is reconciled (Get VIPs sync, missed redemptions) this often, on top
    /// of every EventSub (re)connection. Default 10 minutes.
    pub reconcile_every: Duration,
    /// A redemption still pending this long after it arrived is processed again by catch-up: the
    /// instance that received it is taken to have died. Default 2 minutes; it must stay well above
    /// the time one redemption takes (retries included), or two instances may process one at once.
    pub catch_up_min_age: Duration,
    /// How many catch-up passes take up a redemption that Twitch keeps failing (5xx, time-outs,
    /// 429) before it is refunded as `twitch_unavailable`. Default 12: about two hours at the
    /// default reconciliation interval.
    pub catch_up_max_attempts: u32,
    /// The name this instance holds its leases (EventSub sockets, the inbox) under. Unset: with
    /// a SQLite file, a name kept beside the database and locked while the process runs, so a
    /// restart after a crash takes its leases back at once (see `store::Instance`); otherwise a
    /// new random name at every start. Two instances running at the same time must never share one.
    pub instance_id: Option<String>,
    /// Every stored token is validated at start-up and then this often (Twitch requires hourly).
    pub validate_every: Duration,
    /// Every watched channel's grant rules and scopes are compared with what its subscriptions
    /// were made for this often, on top of every settings change and login (which are compared
    /// at once). A safety net for a change this instance was not told of. Default 10 minutes.
    pub rules_check_every: Duration,
}

impl Default for RecoveryConfig {
    fn default() -> Self {
        Self {
            reconcile_every: Duration::from_secs(600),
            catch_up_min_age: Duration::from_secs(120),
            catch_up_max_attempts: DEFAULT_CATCH_UP_ATTEMPTS,
            instance_id: None,
            validate_every: Duration::from_secs(60 * 60),
            rules_check_every: Duration::from_secs(600),
        }
    }
}

impl RecoveryConfig {
    pub(super) fn from_lookup(env: Lookup<'_>) -> anyhow::Result<Self> {
        let defaults = Self::default();
        Ok(Self {
            reconcile_every: secs(env, "RECONCILE_EVERY_SECS", defaults.reconcile_every)?,
            catch_up_min_age: secs(env, "CATCH_UP_MIN_AGE_SECS", defaults.catch_up_min_age)?,
            catch_up_max_attempts: count(
                env,
                "CATCH_UP_MAX_ATTEMPTS",
                defaults.catch_up_max_attempts,
            )?,
            instance_id: env("INSTANCE_ID").map(|id| id.trim().to_owned()),
            validate_every: secs(env, "TOKEN_VALIDATE_EVERY_SECS", defaults.validate_every)?,
            rules_check_every: secs(env, "RULES_CHECK_EVERY_SECS", defaults.rules_check_every)?,
        })
    }
}

/// A whole number, at least one.
fn count(env: Lookup<'_>, key: &str, default: u32) -> anyhow::Result<u32> {
    let Some(text) = env(key) else {
        return Ok(default);
    };
    let n: u32 = text
        .trim()
        .parse()
        .with_context(|| format!("{key} must be a whole number"))?;
    if n == 0 {
        bail!("{key} must be at least 1");
    }
    Ok(n)
}

/// A whole number of seconds, at least one.
fn secs(env: Lookup<'_>, key: &str, default: Duration) -> anyhow::Result<Duration> {
    let Some(text) = env(key) else {
        return Ok(default);
    };
    let secs: u64 = text
        .trim()
        .parse()
        .with_context(|| format!("{key} must be a whole number of seconds"))?;
    if secs == 0 {
        bail!("{key} must be at least 1");
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn recovery(vars: &[(&str, &str)]) -> anyhow::Result<RecoveryConfig> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        RecoveryConfig::from_lookup(&move |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_ten_minutes_two_minutes_and_a_random_name() {
        assert_eq!(recovery(&[]).unwrap(), RecoveryConfig::default());
        assert_eq!(
            RecoveryConfig::default().reconcile_every,
            Duration::from_secs(600)
        );
        assert_eq!(
            RecoveryConfig::default().catch_up_min_age,
            Duration::from_secs(120)
        );
        assert_eq!(
            RecoveryConfig::default().validate_every,
            Duration::from_secs(3600)
        );
        assert_eq!(RecoveryConfig::default().catch_up_max_attempts, 12);
    }

    #[test]
    fn every_variable_is_read() {
        let r = recovery(&[
            ("RECONCILE_EVERY_SECS", "5"),
            ("CATCH_UP_MIN_AGE_SECS", " 7 "),
            ("CATCH_UP_MAX_ATTEMPTS", "3"),
            ("INSTANCE_ID", "host-1"),
            ("TOKEN_VALIDATE_EVERY_SECS", "30"),
        ])
        .unwrap();
        assert_eq!(r.reconcile_every, Duration::from_secs(5));
        assert_eq!(r.catch_up_min_age, Duration::from_secs(7));
        assert_eq!(r.instance_id.as_deref(), Some("host-1"));
        assert_eq!(recovery(&[]).unwrap().instance_id, None);
    }

    #[test]
    fn zero_and_malformed_values_are_named() {
        let e = recovery(&[("RECONCILE_EVERY_SECS", "0")]).unwrap_err();
        assert!(e.to_string().contains("RECONCILE_EVERY_SECS"), "{e}");
        let e = recovery(&[("CATCH_UP_MIN_AGE_SECS", "2m")]).unwrap_err();
        assert!(e.to_string().contains("CATCH_UP_MIN_AGE_SECS"), "{e}");
        for bad in ["0", "-1", "many"] {
            let e = recovery(&[("CATCH_UP_MAX_ATTEMPTS", bad)]).unwrap_err();
            assert!(e.to_string().contains("CATCH_UP_MAX_ATTEMPTS"), "{e}");
        }
    }
}
