//! Which `session_reconnect` URLs the socket follows.
//!
//! Twitch's `session_reconnect` message names the URL to connect to next ("Handling reconnect
//! messages": connect to the `reconnect_url` as is). Talking to Twitch itself (the configured
//! EventSub URL is Twitch's), only `wss://` on a `twitch.tv` host is followed: a reconnect URL
//! anywhere else is refused and logged, and the session starts anew at the configured URL. With
//! another base URL configured (the simulator, the Twitch CLI) its reconnect URLs are followed.

/// Whether the socket may follow `reconnect_url`, given the configured EventSub URL.
pub fn allowed(configured: &str, reconnect_url: &str) -> bool {
    if !is_twitch(configured) {
        return true;
    }
    is_twitch(reconnect_url)
}

/// `wss://` on `twitch.tv` or one of its subdomains, on the default port.
fn is_twitch(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    url.scheme() == "wss"
        && url.port().is_none()
        && url.username().is_empty()
        && (host == "twitch.tv" || host.ends_with(".twitch.tv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWITCH: &str = "wss://eventsub.wss.twitch.tv/ws";

    #[test]
    fn against_twitch_only_twitch_s_secure_sockets_are_followed() {
        assert!(allowed(TWITCH, "wss://eventsub.wss.twitch.tv/ws?id=abc"));
        assert!(allowed(TWITCH, "wss://eventsub-1.wss.Twitch.tv/ws"));
        assert!(!allowed(TWITCH, "ws://eventsub.wss.twitch.tv/ws"));
        assert!(!allowed(TWITCH, "wss://evil.example/ws"));
        assert!(!allowed(TWITCH, "wss://twitch.tv.evil.example/ws"));
        assert!(!allowed(TWITCH, "wss://eviltwitch.tv/ws"));
        assert!(!allowed(TWITCH, "wss://eventsub.wss.twitch.tv:8443/ws"));
        assert!(!allowed(TWITCH, "wss://x@eventsub.wss.twitch.tv/ws"));
        assert!(!allowed(TWITCH, "not a url"));
    }

    #[test]
    fn a_configured_simulator_s_reconnect_urls_are_followed() {
        let sim = "ws://127.0.0.1:3000/twitch-sim/ws";
        assert!(allowed(
            sim,
            "ws://127.0.0.1:3000/twitch-sim/ws?reconnect=1"
        ));
        assert!(allowed("ws://127.0.0.1:8081/ws", "ws://127.0.0.1:8081/ws"));
    }
}
