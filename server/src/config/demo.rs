//! Whether the server runs its demo (a simulated Twitch), and where it then listens.
//!
//! `DEMO`: `1`/`true` asks for the demo (so does `--demo`), even with credentials; `0`/`false`
//! forbids it: without `TWITCH_CLIENT_ID` and `TWITCH_CLIENT_SECRET` the server refuses to start
//! (the container image sets this, so a deployment missing its credentials never becomes a demo
//! open to everyone); unset: the demo runs when no credentials are configured (a local first run).
//! The demo listens on loopback (the port kept) unless `DEMO_LISTEN_PUBLIC=1`.

use std::net::{Ipv4Addr, SocketAddr};

use super::{Lookup, TwitchConfig};

/// What `DEMO` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Demo,
    Never,
    Unset,
}

fn flag(env: Lookup<'_>, key: &str) -> anyhow::Result<Option<bool>> {
    match env(key).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(other) => anyhow::bail!("{key} must be 1 or 0 (true or false), not `{other}`"),
    }
}

/// Decides demo mode (clearing the credentials when it is asked for) and returns the address to
/// listen on.
///
/// # Errors
/// A malformed flag, or `DEMO=0` without Twitch credentials (the message says what to set).
pub fn resolve(
    env: Lookup<'_>,
    twitch: &mut TwitchConfig,
    listen: SocketAddr,
) -> anyhow::Result<SocketAddr> {
    let asked = match flag(env, "DEMO")? {
        Some(true) => Asked::Demo,
        Some(false) => Asked::Never,
        None => Asked::Unset,
    };
    match asked {
        Asked::Demo => twitch.credentials = None,
        Asked::Never if twitch.is_demo() => anyhow::bail!(
            "TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET are not set, and DEMO=0 forbids the demo \
             (a simulated Twitch): set the credentials, or set DEMO=1 to run the demo on purpose"
        ),
        Asked::Never | Asked::Unset => {}
    }
    let public = flag(env, "DEMO_LISTEN_PUBLIC")?.unwrap_or(false);
    if twitch.is_demo() && !public && !listen.ip().is_loopback() {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, listen.port())));
    }
    Ok(listen)
}

#[cfg(test)]
mod tests {
    use crate::config::tests::config;

    const CREDENTIALS: [(&str, &str); 2] = [
        ("TWITCH_CLIENT_ID", "abc"),
        ("TWITCH_CLIENT_SECRET", "shh-secret"),
    ];

    #[test]
    fn the_demo_listens_on_loopback_unless_told_otherwise() {
        let c = config(&[("PORT", "8080")]).unwrap();
        assert!(c.twitch.is_demo());
        assert_eq!(c.listen_addr, "127.0.0.1:8080".parse().unwrap());
        let c = config(&[("PORT", "8080"), ("DEMO_LISTEN_PUBLIC", "1")]).unwrap();
        assert_eq!(c.listen_addr, "0.0.0.0:8080".parse().unwrap());
        let c = config(&[("PORT", "8080"), CREDENTIALS[0], CREDENTIALS[1]]).unwrap();
        assert_eq!(c.listen_addr, "0.0.0.0:8080".parse().unwrap(), "not a demo");
    }

    #[test]
    fn demo_zero_refuses_to_start_without_credentials() {
        let e = config(&[("DEMO", "0"), ("PORT", "8080")]).unwrap_err();
        let message = format!("{e:#}");
        assert!(message.contains("TWITCH_CLIENT_ID"), "{message}");
        assert!(message.contains("DEMO=1"), "{message}");
        let c = config(&[("DEMO", "0"), CREDENTIALS[0], CREDENTIALS[1]]).unwrap();
        assert!(!c.twitch.is_demo());
    }

    #[test]
    fn demo_one_asks_for_the_demo_even_with_credentials() {
        let c = config(&[("DEMO", "1"), CREDENTIALS[0], CREDENTIALS[1]]).unwrap();
        assert!(c.twitch.is_demo());
        assert!(config(&[("DEMO", "maybe")]).is_err());
    }
}
