//! Settings of the HTTP surface's protections: how many requests each kind of caller may make, and
//! which proxies in front of the server are trusted to name the client's address.

use std::num::NonZeroU32;
use std::time::Duration;

use anyhow::{bail, Context};

use super::Lookup;

/// A request budget: `count` requests per `per`, all of which may come at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

impl Rate {
    /// `count` requests per minute.
    pub fn per_minute(count: u32) -> Option<Self> {
        NonZeroU32::new(count).map(|count| Self {
            count,
            per: Duration::from_secs(60),
        })
    }

    /// Reads `N` (per minute) or `N/s`, `N/min`, `N/h`; `0` or `off` turns the limit off (`None`).
    ///
    /// # Errors
    /// Anything else.
    pub fn parse(text: &str) -> anyhow::Result<Option<Self>> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (count, unit) = text.split_once('/').unwrap_or((text, "min"));
        let count: u32 = count.trim().parse().context("the count is not a number")?;
        let per = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            other => bail!("unknown unit `{other}` (use s, min or h)"),
        };
        Ok(NonZeroU32::new(count).map(|count| Self { count, per }))
    }
}

/// Request budgets per kind of endpoint (`None`: unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `RATE_LIMIT_API_PER_SESSION`: the JSON API, server functions and live updates, per caller
    /// (a login session, or an API token).
    pub api_per_session: Option<Rate>,
    /// `RATE_LIMIT_API_PER_IP`: the same endpoints, per client address.
    pub api_per_ip: Option<Rate>,
    /// `RATE_LIMIT_AUTH_PER_IP`: login, callback and logout, per client address.
    pub auth_per_ip: Option<Rate>,
    /// `RATE_LIMIT_CRON_PER_IP`: the scheduler's expiry endpoint, per client address.
    pub cron_per_ip: Option<Rate>,
    /// `RATE_LIMIT_WEBHOOK_PER_IP`: the EventSub webhook, per client address. Twitch gives up on a
    /// subscription whose deliveries keep failing, so this one is high.
    pub webhook_per_ip: Option<Rate>,
    /// `RATE_LIMIT_PAGES_PER_IP`: pages (rendered on the server) and `/api/health`, per client
    /// address.
    pub pages_per_ip: Option<Rate>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            api_per_session: Rate::per_minute(300),
            api_per_ip: Rate::per_minute(1200),
            auth_per_ip: Rate::per_minute(120),
            cron_per_ip: Rate::per_minute(60),
            webhook_per_ip: Rate::per_minute(6000),
            pages_per_ip: Rate::per_minute(300),
        }
    }
}

/// How the HTTP surface protects itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecurityConfig {
    pub rate_limits: RateLimits,
    /// `TRUSTED_PROXY_HOPS`: how many proxies in front of the server append to `X-Forwarded-For`.
    /// 0: the client is the peer address and the header is ignored; 1: the last entry (Cloud
    /// Run); 2: the entry before it (a load balancer in front of Cloud Run). Default: 1 on Cloud
    /// Run, 0 elsewhere.
    pub trusted_proxy_hops: usize,
    /// Running on Cloud Run (`K_SERVICE` is set), where every request arrives from Google's
    /// front end, which appends the client's address to `X-Forwarded-For`.
    pub cloud_run: bool,
}

/// Proxies in front of a Cloud Run service: Google's front end, which appends the address it
/// received the request from to `X-Forwarded-For` (Cloud Run's documented request headers).
pub const CLOUD_RUN_PROXY_HOPS: usize = 1;

impl SecurityConfig {
    pub(super) fn from_lookup(env: Lookup<'_>) -> anyhow::Result<Self> {
        let defaults = RateLimits::default();
        let cloud_run = env("K_SERVICE").is_some();
        let rate = |key: &str, default: Option<Rate>| -> anyhow::Result<Option<Rate>> {
            match env(key) {
                None => Ok(default),
                Some(text) => Rate::parse(&text).with_context(|| format!("{key} is malformed")),
            }
        };
        Ok(Self {
            rate_limits: RateLimits {
                api_per_session: rate("RATE_LIMIT_API_PER_SESSION", defaults.api_per_session)?,
                api_per_ip: rate("RATE_LIMIT_API_PER_IP", defaults.api_per_ip)?,
                auth_per_ip: rate("RATE_LIMIT_AUTH_PER_IP", defaults.auth_per_ip)?,
                cron_per_ip: rate("RATE_LIMIT_CRON_PER_IP", defaults.cron_per_ip)?,
                webhook_per_ip: rate("RATE_LIMIT_WEBHOOK_PER_IP", defaults.webhook_per_ip)?,
                pages_per_ip: rate("RATE_LIMIT_PAGES_PER_IP", defaults.pages_per_ip)?,
            },
            trusted_proxy_hops: match env("TRUSTED_PROXY_HOPS") {
                None if cloud_run => CLOUD_RUN_PROXY_HOPS,
                None => 0,
                Some(n) => n
                    .trim()
                    .parse()
                    .context("TRUSTED_PROXY_HOPS is malformed")?,
            },
            cloud_run,
        })
    }

    /// What looks wrong about the trusted proxies, for the start-up log.
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut found = Vec::new();
        if self.cloud_run && self.trusted_proxy_hops == 0 {
            found.push(
                "TRUSTED_PROXY_HOPS=0 on Cloud Run: every request comes from Google's front end, \
                 so all clients share one rate-limit budget per address; set it to 1 (2 behind a \
                 load balancer)",
            );
        }
        if self.trusted_proxy_hops > 2 {
            found.push(
                "TRUSTED_PROXY_HOPS is above 2: clients behind fewer proxies than that are \
                 limited by the address of the proxy in front of the server",
            );
        }
        found
    }

    /// Logs [`Self::warnings`].
    pub fn warn_if_misconfigured(&self) {
        for warning in self.warnings() {
            tracing::warn!(hops = self.trusted_proxy_hops, "{warning}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> anyhow::Result<SecurityConfig> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        SecurityConfig::from_lookup(&move |k| map.get(k).cloned())
    }

    #[test]
    fn rates_read_a_count_and_an_optional_unit() {
        let rate = |count, secs| {
            Some(Rate {
                count: NonZeroU32::new(count).unwrap(),
                per: Duration::from_secs(secs),
            })
        };
        assert_eq!(Rate::parse("30").unwrap(), rate(30, 60));
        assert_eq!(Rate::parse(" 5/s ").unwrap(), rate(5, 1));
        assert_eq!(Rate::parse("2/h").unwrap(), rate(2, 3600));
        assert_eq!(Rate::parse("100/min").unwrap(), rate(100, 60));
        assert_eq!(Rate::parse("0").unwrap(), None);
        assert_eq!(Rate::parse("OFF").unwrap(), None);
        assert!(Rate::parse("many").is_err());
        assert!(Rate::parse("5/day").is_err());
        assert!(Rate::parse("-1").is_err());
    }

    #[test]
    fn defaults_are_generous_and_every_limit_is_configurable() {
        let c = read(&[]).unwrap();
        assert_eq!(c, SecurityConfig::default());
        assert_eq!(c.rate_limits.api_per_session, Rate::per_minute(300));
        assert_eq!(c.trusted_proxy_hops, 0);

        let c = read(&[
            ("RATE_LIMIT_API_PER_SESSION", "off"),
            ("RATE_LIMIT_API_PER_IP", "10/s"),
            ("RATE_LIMIT_AUTH_PER_IP", "3"),
            ("RATE_LIMIT_CRON_PER_IP", "1/h"),
            ("RATE_LIMIT_WEBHOOK_PER_IP", "0"),
            ("TRUSTED_PROXY_HOPS", "1"),
        ])
        .unwrap();
        let limits = c.rate_limits;
        assert_eq!(limits.api_per_session, None);
        assert_eq!(limits.api_per_ip.unwrap().per, Duration::from_secs(1));
        assert_eq!(limits.auth_per_ip, Rate::per_minute(3));
        assert_eq!(limits.cron_per_ip.unwrap().per, Duration::from_secs(3600));
        assert_eq!(limits.webhook_per_ip, None);
        assert_eq!(c.trusted_proxy_hops, 1);
    }

    #[test]
    fn on_cloud_run_the_front_end_s_entry_names_the_client_by_default() {
        let c = read(&[("K_SERVICE", "vip")]).unwrap();
        assert_eq!(c.trusted_proxy_hops, 1);
        assert!(c.warnings().is_empty());
        let c = read(&[("K_SERVICE", "vip"), ("TRUSTED_PROXY_HOPS", "2")]).unwrap();
        assert_eq!(c.trusted_proxy_hops, 2);
        assert!(c.warnings().is_empty());
        let c = read(&[("K_SERVICE", "vip"), ("TRUSTED_PROXY_HOPS", "0")]).unwrap();
        assert_eq!(c.trusted_proxy_hops, 0);
        assert!(c.warnings()[0].contains("Cloud Run"), "{:?}", c.warnings());
        assert!(read(&[]).unwrap().warnings().is_empty());
        assert_eq!(
            read(&[("TRUSTED_PROXY_HOPS", "5")])
                .unwrap()
                .warnings()
                .len(),
            1
        );
    }

    #[test]
    fn malformed_settings_are_named() {
        let e = read(&[("RATE_LIMIT_AUTH_PER_IP", "lots")]).unwrap_err();
        assert!(e.to_string().contains("RATE_LIMIT_AUTH_PER_IP"), "{e}");
        let e = read(&[("TRUSTED_PROXY_HOPS", "yes")]).unwrap_err();
        assert!(e.to_string().contains("TRUSTED_PROXY_HOPS"), "{e}");
    }
}
