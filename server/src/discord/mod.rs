//! Discord notifications: the engine's [`Notifier`] port over Discord webhooks
//! (`POST {webhook url}` with `{"content": …}`).
//!
//! Fire-and-forget: each notice is posted on a task of the server's `TaskTracker`, bounded by a
//! timeout, without redirects. A failure is logged with the HTTP status or the kind of error,
//! never the URL: whoever has it can post to the streamer's Discord. Only Discord's own webhook
//! URLs are posted to (a streamer must not be able to make the server call anything else), unless
//! [`DiscordNotifier::allowing_any_url`] says otherwise (tests, a self-hosted relay).

mod words;

use std::time::Duration;

use app::model::GrantLength;
use app::ssr::notify::{Notice, NoticeKind, Notifier};
use app::ssr::refund_words::refund_reason_in;
use chrono::{DateTime, Utc};
use serde_json::json;
use tokio_util::task::TaskTracker;

/// The most a delivery may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Posts notices to Discord webhooks. Cheap to clone.
#[derive(Clone)]
pub struct DiscordNotifier {
    http: reqwest::Client,
    tasks: TaskTracker,
    any_url: bool,
}

impl DiscordNotifier {
    /// A notifier whose deliveries run on `tasks` (the server's tracker, so shutdown waits for them).
    ///
    /// # Panics
    /// When the HTTP client cannot be built (no TLS backend), as at any start-up.
    pub fn new(tasks: TaskTracker) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the HTTP client builds");
        Self {
            http,
            tasks,
            any_url: false,
        }
    }

    /// Posts to any http(s) URL, not only Discord's webhooks (tests, a self-hosted relay).
    #[must_use]
    pub fn allowing_any_url(mut self) -> Self {
        self.any_url = true;
        self
    }
}

impl Notifier for DiscordNotifier {
    fn notify(&self, webhook_url: &str, notice: Notice) {
        let allowed = if self.any_url {
            reqwest::Url::parse(webhook_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        } else {
            is_discord_webhook_url(webhook_url)
        };
        if !allowed {
            tracing::warn!("the Discord webhook URL is not a Discord webhook; notice not sent");
            return;
        }
        let request = self.http.post(webhook_url).json(&json!({
            "content": message(&notice),
            // Viewer names must never ping anyone.
            "allowed_mentions": { "parse": [] },
        }));
        self.tasks.spawn(async move {
            match request.send().await {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => tracing::warn!(
                    status = response.status().as_u16(),
                    "Discord refused a notice"
                ),
                // `without_url`: reqwest's message names the URL otherwise.
                Err(e) => {
                    let timeout = e.is_timeout();
                    tracing::warn!(
                        error = %e.without_url(),
                        timeout,
                        "a Discord notice could not be delivered"
                    );
                }
            }
        });
    }
}

/// Whether `url` is a Discord webhook URL (`https://discord.com/api/webhooks/…`, or the
/// `discordapp.com`, `ptb.` and `canary.` hosts).
pub fn is_discord_webhook_url(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    let host_ok = matches!(
        url.host_str(),
        Some(
            "discord.com"
                | "discordapp.com"
                | "ptb.discord.com"
                | "canary.discord.com"
                | "ptb.discordapp.com"
                | "canary.discordapp.com"
        )
    );
    url.scheme() == "https"
        && host_ok
        && url.port().is_none()
        && url.username().is_empty()
        && url.path().starts_with("/api/webhooks/")
}

/// The message for a notice, in Discord markdown and the channel's language. Names are escaped;
/// times use Discord's relative timestamps (`<t:…:R>`), shown in each reader's time zone.
pub fn message(notice: &Notice) -> String {
    let w = words::words(notice.lang);
    let viewer = format!("**{}**", escape(&notice.viewer.display_name));
    let channel = escape(&notice.channel);
    let ends =
        |at: &Option<DateTime<Utc>>| at.map_or_else(String::new, |at| (w.ends)(at.timestamp()));
    let duration = |length: &GrantLength| match length {
        GrantLength::StreamEnd => w.stream_end.to_owned(),
        GrantLength::For(d) => d.to_string(),
    };
    match &notice.kind {
        NoticeKind::Granted {
            source,
            duration: length,
            expires_at,
        } => (w.granted)(
            &viewer,
            &channel,
            &duration(length),
            (w.source)(*source),
            &ends(expires_at),
        ),
        NoticeKind::Extended {
            source,
            duration: length,
            expires_at,
        } => (w.extended)(
            &viewer,
            &channel,
            &duration(length),
            (w.source)(*source),
            &ends(expires_at),
        ),
        NoticeKind::Refunded { reason } => {
            (w.refunded)(&viewer, &channel, refund_reason_in(*reason, notice.lang))
        }
        NoticeKind::EndsSoon { expires_at } => {
            (w.ends_soon)(&viewer, &channel, expires_at.timestamp())
        }
        NoticeKind::Expired { removed: true } => (w.removed)(&viewer, &channel),
        NoticeKind::Expired { removed: false } => (w.kept)(&viewer, &channel),
    }
}

/// Escapes Discord markdown (and mention/emoji/timestamp syntax) in user-chosen text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '~'
                | '`'
                | '|'
                | '>'
                | '<'
                | '#'
                | '-'
                | '['
                | ']'
                | '('
                | ')'
                | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::i18n::Lang;
    use app::model::{RefundReason, Viewer, VipDuration, VipSource};
    use chrono::TimeZone;

    fn notice(kind: NoticeKind) -> Notice {
        Notice {
            channel: "Streamer".into(),
            viewer: Viewer {
                id: "1".into(),
                login: "cool_user".into(),
                display_name: "Cool_User".into(),
            },
            kind,
            lang: None,
        }
    }

    #[test]
    fn messages_say_what_happened_with_names_escaped() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 14, 0, 0).unwrap();
        let granted = message(&notice(NoticeKind::Granted {
            source: VipSource::Bits,
            duration: VipDuration::from_secs(7_200).unwrap().into(),
            expires_at: Some(at),
        }));
        assert_eq!(
            granted,
            format!(
                "**Cool\\_User** is now VIP in Streamer for 2 h (bits); ends <t:{}:R>.",
                at.timestamp()
            )
        );
        let refunded = message(&notice(NoticeKind::Refunded {
            reason: RefundReason::IsModerator,
        }));
        assert!(refunded.ends_with("was refunded: moderators cannot be VIPs."));
        assert!(message(&notice(NoticeKind::Expired { removed: false })).contains("auto-remove"));
        let until_the_end = message(&notice(NoticeKind::Granted {
            source: VipSource::ChannelPoints,
            duration: GrantLength::StreamEnd,
            expires_at: None,
        }));
        assert!(
            until_the_end.ends_with("for the rest of the stream (channel points)."),
            "{until_the_end}"
        );
        assert_eq!(escape("@everyone <@1>"), "\\@everyone \\<\\@1\\>");
    }

    #[test]
    fn messages_are_in_the_channels_language() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 14, 0, 0).unwrap();
        let german = Notice {
            lang: Some(Lang::De),
            ..notice(NoticeKind::Granted {
                source: VipSource::Bits,
                duration: VipDuration::from_secs(7_200).unwrap().into(),
                expires_at: Some(at),
            })
        };
        assert_eq!(
            message(&german),
            format!(
                "**Cool\\_User** ist jetzt VIP in Streamer für 2 h (Bits); endet <t:{}:R>.",
                at.timestamp()
            )
        );
        let refunded = Notice {
            lang: Some(Lang::Ja),
            ..notice(NoticeKind::Refunded {
                reason: RefundReason::IsModerator,
            })
        };
        assert!(
            message(&refunded).ends_with("返金されました：モデレーターは VIP になれません。"),
            "{}",
            message(&refunded)
        );
    }

    #[test]
    fn only_discord_webhooks_are_posted_to() {
        assert!(is_discord_webhook_url(
            "https://discord.com/api/webhooks/123/abc"
        ));
        assert!(is_discord_webhook_url(
            "https://canary.discordapp.com/api/webhooks/123/abc"
        ));
        for bad in [
            "http://discord.com/api/webhooks/123/abc",
            "https://discord.com.evil.test/api/webhooks/1/a",
            "https://discord.com:8443/api/webhooks/1/a",
            "https://user@discord.com/api/webhooks/1/a",
            "https://discord.com/login",
            "http://169.254.169.254/latest/meta-data",
            "not a url",
        ] {
            assert!(!is_discord_webhook_url(bad), "{bad}");
        }
    }
}
