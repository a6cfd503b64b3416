//! Typed configuration from the environment (and an optional `.env` file). Every variable is listed in
//! README.md. Secrets are `SecretString`s: `Debug` prints them redacted.

use std::net::SocketAddr;

use anyhow::Context;
use leptos::config::LeptosOptions;
use secrecy::SecretString;

mod database;
mod demo;
mod live;
mod recovery;
mod security;
mod streams;
mod twitch;

pub use database::DatabaseUrl;
pub use live::LiveConfig;
pub use recovery::RecoveryConfig;
pub use security::{Rate, RateLimits, SecurityConfig};
pub use streams::StreamLimits;
pub use twitch::{EventSubTransport, TwitchConfig, TwitchCredentials};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line with Cloud Logging's `severity` field.
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the HTTP server listens: `0.0.0.0:$PORT` when `PORT` is set (Cloud Run), else the Leptos site address.
    pub listen_addr: SocketAddr,
    pub log_format: LogFormat,
    pub leptos: LeptosOptions,
    pub database: DatabaseUrl,
    /// `TOKEN_ENCRYPTION_KEY`; required with Firestore. Without it, a SQLite deployment keeps a
    /// generated key in a file beside the database.
    pub token_key: Option<SecretString>,
    pub twitch: TwitchConfig,
    /// `CRON_SECRET`: the bearer token Cloud Scheduler sends to the expiry endpoint. Unset: the
    /// endpoint refuses every call (the in-process scheduler still runs).
    pub cron_secret: Option<SecretString>,
    /// `BOT_CONNECT_SECRET` (32 characters or more): what an operator gives to connect the app's
    /// chat bot. Unset: no bot can be connected.
    pub bot_connect_secret: Option<SecretString>,
    /// Demo mode: how often, on average, a simulated viewer redeems (`DEMO_REDEEM_EVERY_SECS`).
    pub demo_redeem_every: std::time::Duration,
    /// How quickly missed events are caught up (`RECONCILE_EVERY_SECS`, `CATCH_UP_MIN_AGE_SECS`,
    /// `CATCH_UP_MAX_ATTEMPTS`, `INSTANCE_ID`).
    pub recovery: RecoveryConfig,
    /// Rate limits and trusted proxies (`RATE_LIMIT_*`, `TRUSTED_PROXY_HOPS`).
    pub security: SecurityConfig,
    /// Live updates across instances (`LIVE_RELAY`, `LIVE_RELAY_POLL_MS`).
    pub live: LiveConfig,
    /// `REQUEST_TIMEOUT_SECS`: how long a request (except the live stream) may take before it is
    /// answered 503. The default is above the longest a use case can wait on Twitch (two rate-limit
    /// waits of 30 s and a retried 10 s call), so that only a hung request is ever cut short.
    pub request_timeout: std::time::Duration,
}

/// The default of [`Config::request_timeout`], in seconds.
pub const REQUEST_TIMEOUT_SECS: &str = "90";

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/vip.db";

/// Looks up one configuration variable (in the process environment, or a test's map); a missing
/// or empty variable is `None`.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Config {
    /// Reads the process environment, after loading `.env` when one exists.
    ///
    /// # Errors
    /// A variable that is set but malformed, named in the message.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_env_asking_demo(false)
    }

    /// [`Self::from_env`], with `demo` (the `--demo` flag) counting as `DEMO=1`.
    ///
    /// # Errors
    /// As [`Self::from_env`].
    pub fn from_env_asking_demo(demo: bool) -> anyhow::Result<Self> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(&|key| {
            if demo && key == "DEMO" {
                return Some("1".into());
            }
            std::env::var(key).ok().filter(|v| !v.trim().is_empty())
        })
    }

    /// Reads configuration through `env` (tests pass a map).
    ///
    /// # Errors
    /// As [`Self::from_env`].
    pub fn from_lookup(env: Lookup<'_>) -> anyhow::Result<Self> {
        let site_addr: SocketAddr = parse_or(env, "LEPTOS_SITE_ADDR", "127.0.0.1:3000")?;
        let listen_addr = match env("PORT") {
            Some(port) => SocketAddr::from((
                [0, 0, 0, 0],
                port.parse::<u16>().context("PORT must be a port number")?,
            )),
            None => site_addr,
        };
        let log_format = match env("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => anyhow::bail!("LOG_FORMAT must be `text` or `json`, not `{other}`"),
        };
        let leptos = LeptosOptions::builder()
            .output_name(env("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "vip-manager".into()))
            .site_root(env("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()))
            .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()))
            .site_addr(site_addr)
            .reload_port(parse_or(env, "LEPTOS_RELOAD_PORT", "3001")?)
            .build();
        let database: DatabaseUrl = env("DATABASE_URL")
            .as_deref()
            .unwrap_or(DEFAULT_DATABASE_URL)
            .parse()?;
        let token_key = env("TOKEN_ENCRYPTION_KEY").map(SecretString::from);
        if token_key.is_none() && matches!(database, DatabaseUrl::Firestore { .. }) {
            anyhow::bail!("TOKEN_ENCRYPTION_KEY is required with a Firestore DATABASE_URL");
        }
        let firestore = matches!(database, DatabaseUrl::Firestore { .. });
        let mut twitch = TwitchConfig::from_lookup(env, site_addr, firestore)?;
        let listen_addr = demo::resolve(env, &mut twitch, listen_addr)?;
        let live = LiveConfig::from_lookup(env, &database)?;
        Ok(Self {
            listen_addr,
            log_format,
            leptos,
            database,
            token_key,
            twitch,
            cron_secret: long_secret(env, "CRON_SECRET")?,
            bot_connect_secret: long_secret(env, "BOT_CONNECT_SECRET")?,
            demo_redeem_every: std::time::Duration::from_secs(parse_or(
                env,
                "DEMO_REDEEM_EVERY_SECS",
                "40",
            )?),
            recovery: RecoveryConfig::from_lookup(env)?,
            security: SecurityConfig::from_lookup(env)?,
            live,
            request_timeout: std::time::Duration::from_secs(
                parse_or::<u64>(env, "REQUEST_TIMEOUT_SECS", REQUEST_TIMEOUT_SECS)?.max(1),
            ),
        })
    }
}

/// The shortest bearer secret accepted (`CRON_SECRET`, `BOT_CONNECT_SECRET`): a secret that guards
/// a public endpoint must not be guessable.
pub const SECRET_MIN_LEN: usize = 32;

/// The secret in `key`, refused when shorter than [`SECRET_MIN_LEN`] characters.
fn long_secret(env: Lookup<'_>, key: &str) -> anyhow::Result<Option<SecretString>> {
    match env(key) {
        None => Ok(None),
        Some(secret) if secret.chars().count() < SECRET_MIN_LEN => anyhow::bail!(
            "{key} must be at least {SECRET_MIN_LEN} characters (make one with \
             `openssl rand -hex 32`)"
        ),
        Some(secret) => Ok(Some(SecretString::from(secret))),
    }
}

fn parse_or<T>(env: Lookup<'_>, key: &str, default: &str) -> anyhow::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    env(key)
        .as_deref()
        .unwrap_or(default)
        .parse()
        .with_context(|| format!("{key} is malformed"))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use super::*;

    /// The configuration `vars` make, with nothing else set.
    pub(crate) fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(&move |k| map.get(k).cloned())
    }

    #[test]
    fn a_short_bot_connect_secret_is_refused() {
        assert!(config(&[]).unwrap().bot_connect_secret.is_none());
        let short = "s".repeat(31);
        let err = config(&[("BOT_CONNECT_SECRET", &short)]).unwrap_err();
        assert!(err.to_string().contains("BOT_CONNECT_SECRET"), "{err}");
        let long = "s".repeat(32);
        let c = config(&[("BOT_CONNECT_SECRET", &long)]).unwrap();
        let secret = c.bot_connect_secret.unwrap();
        assert_eq!(secrecy::ExposeSecret::expose_secret(&secret), long);
    }

    #[test]
    fn defaults_listen_on_the_leptos_site_address() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen_addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(&*c.leptos.output_name, "vip-manager");
    }

    #[test]
    fn port_wins_and_listens_on_all_interfaces() {
        let c = config(&[
            ("PORT", "8080"),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:4000"),
            ("TWITCH_CLIENT_ID", "abc"),
            ("TWITCH_CLIENT_SECRET", "shh-secret"),
        ])
        .unwrap();
        assert_eq!(c.listen_addr, "0.0.0.0:8080".parse().unwrap());
    }

    #[test]
    fn database_urls_choose_the_backend() {
        assert_eq!(
            config(&[]).unwrap().database,
            DatabaseUrl::Sqlite("sqlite://data/vip.db".into())
        );
        let key = [("TOKEN_ENCRYPTION_KEY", "k1:x")];
        let firestore = |url: &str| config(&[("DATABASE_URL", url), key[0]]).map(|c| c.database);
        assert_eq!(
            firestore("firestore://my-project").unwrap(),
            DatabaseUrl::Firestore {
                project_id: "my-project".into(),
                database_id: None
            }
        );
        assert_eq!(
            firestore("firestore://my-project/vips").unwrap(),
            DatabaseUrl::Firestore {
                project_id: "my-project".into(),
                database_id: Some("vips".into())
            }
        );
        assert!(firestore("firestore://").is_err());
        assert!(firestore("postgres://x").is_err());
    }

    #[test]
    fn firestore_requires_an_encryption_key() {
        let e = config(&[("DATABASE_URL", "firestore://p")]).unwrap_err();
        assert!(e.to_string().contains("TOKEN_ENCRYPTION_KEY"), "{e}");
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = config(&[("TOKEN_ENCRYPTION_KEY", "k1:c2VjcmV0LWtleS1ieXRlcw==")]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("c2VjcmV0LWtleS1ieXRlcw"), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
    }

    #[test]
    fn without_twitch_credentials_it_is_demo_mode_on_websocket() {
        let c = config(&[]).unwrap();
        assert!(c.twitch.is_demo());
        assert_eq!(c.twitch.eventsub_transport, EventSubTransport::WebSocket);
        assert_eq!(c.twitch.api_url, "https://api.twitch.tv/helix");
        assert_eq!(
            c.twitch.redirect_uri(),
            "http://127.0.0.1:3000/api/auth/callback"
        );
    }

    #[test]
    fn twitch_urls_and_transport_are_configurable() {
        let c = config(&[
            ("TWITCH_CLIENT_ID", "abc"),
            ("TWITCH_CLIENT_SECRET", "shh-secret"),
            ("PUBLIC_URL", "https://vip.example.com/"),
            ("EVENTSUB_WEBHOOK_SECRET", "0123456789abcdef"),
            ("TWITCH_API_URL", "http://127.0.0.1:8080/mock"),
            ("TWITCH_AUTH_URL", "http://127.0.0.1:8080/auth"),
            ("TWITCH_EVENTSUB_WS_URL", "ws://127.0.0.1:8081/ws"),
        ])
        .unwrap();
        assert!(!c.twitch.is_demo());
        // auto: webhook on https
        assert_eq!(c.twitch.eventsub_transport, EventSubTransport::Webhook);
        assert_eq!(
            c.twitch.redirect_uri(),
            "https://vip.example.com/api/auth/callback"
        );
        assert_eq!(c.twitch.api_url, "http://127.0.0.1:8080/mock");
        assert!(c.twitch.secure_cookies());
        assert!(!format!("{c:?}").contains("shh-secret"));
    }

    #[test]
    fn the_conduit_is_the_default_with_firestore_only() {
        let twitch = [
            ("TWITCH_CLIENT_ID", "abc"),
            ("TWITCH_CLIENT_SECRET", "shh"),
            ("PUBLIC_URL", "https://vip.example.com"),
            ("EVENTSUB_WEBHOOK_SECRET", "0123456789abcdef"),
        ];
        let mut firestore = twitch.to_vec();
        firestore.extend([
            ("DATABASE_URL", "firestore://p"),
            ("TOKEN_ENCRYPTION_KEY", "k1:c2VjcmV0LWtleS1ieXRlcw=="),
        ]);
        let c = config(&firestore).unwrap();
        assert_eq!(c.twitch.eventsub_transport, EventSubTransport::Conduit);
        let c = config(&twitch).unwrap();
        assert_eq!(c.twitch.eventsub_transport, EventSubTransport::Webhook);
        let mut chosen = twitch.to_vec();
        chosen.push(("EVENTSUB_TRANSPORT", "conduit"));
        let c = config(&chosen).unwrap();
        assert_eq!(c.twitch.eventsub_transport, EventSubTransport::Conduit);
        firestore.push(("EVENTSUB_TRANSPORT", "websocket"));
        let c = config(&firestore).unwrap();
        assert_eq!(c.twitch.eventsub_transport, EventSubTransport::WebSocket);
    }

    #[test]
    fn webhook_transport_needs_a_valid_secret() {
        let base = [
            ("TWITCH_CLIENT_ID", "abc"),
            ("TWITCH_CLIENT_SECRET", "shh"),
            ("EVENTSUB_TRANSPORT", "webhook"),
        ];
        let e = config(&base).unwrap_err();
        assert!(e.to_string().contains("EVENTSUB_WEBHOOK_SECRET"), "{e}");
        let mut short = base.to_vec();
        short.push(("EVENTSUB_WEBHOOK_SECRET", "short"));
        assert!(config(&short).is_err());
        let e = config(&[("TWITCH_CLIENT_ID", "abc")]).unwrap_err();
        assert!(e.to_string().contains("TWITCH_CLIENT_SECRET"), "{e}");
    }

    #[test]
    fn a_short_cron_secret_is_refused_at_start_up() {
        let e = config(&[("CRON_SECRET", "hunter2")]).unwrap_err();
        assert!(e.to_string().contains("CRON_SECRET"), "{e}");
        assert!(e.to_string().contains("32"), "{e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let long = "x".repeat(32);
        assert!(config(&[("CRON_SECRET", &long)])
            .unwrap()
            .cron_secret
            .is_some());
        assert!(config(&[]).unwrap().cron_secret.is_none());
    }

    #[test]
    fn malformed_values_are_named() {
        let e = config(&[("PORT", "eighty")]).unwrap_err();
        assert!(e.to_string().contains("PORT"), "{e}");
        let e = config(&[("LOG_FORMAT", "xml")]).unwrap_err();
        assert!(e.to_string().contains("LOG_FORMAT"), "{e}");
    }
}
