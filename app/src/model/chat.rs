//! Chat text: the one template renderer, used by the engine when it announces grants, extensions,
//! expiry and refunds, and by the settings page for its live preview.

use super::GrantLength;

/// The longest chat message Twitch accepts.
pub const MAX_CHAT_CHARS: usize = 500;

/// Fills a chat template: `{viewer}`, `{duration}` and `{reason}` are replaced in one pass (text
/// that came from a placeholder is never expanded again); unknown `{…}` stay as written. The result
/// is cut to [`MAX_CHAT_CHARS`] characters.
pub fn render_chat(
    template: &str,
    viewer: &str,
    duration: Option<GrantLength>,
    reason: Option<&str>,
) -> String {
    let duration = duration.map(|d| d.to_string()).unwrap_or_default();
    let reason = reason.unwrap_or_default();
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let (value, len) = if tail.starts_with("{viewer}") {
            (viewer, "{viewer}".len())
        } else if tail.starts_with("{duration}") {
            (duration.as_str(), "{duration}".len())
        } else if tail.starts_with("{reason}") {
            (reason, "{reason}".len())
        } else {
            ("{", 1)
        };
        out.push_str(value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out.chars().take(MAX_CHAT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VipDuration;

    fn secs(s: u64) -> GrantLength {
        VipDuration::from_secs(s).unwrap().into()
    }

    #[test]
    fn templates_fill_every_placeholder() {
        let text = render_chat(
            "{viewer} is VIP for {duration} ({reason})",
            "Ann",
            Some(secs(5_400)),
            Some("why"),
        );
        assert_eq!(text, "Ann is VIP for 1 h 30 min (why)");
    }

    #[test]
    fn templates_do_not_expand_placeholders_inside_values() {
        let text = render_chat(
            "{reason} {viewer} {nope} {",
            "{duration}",
            None,
            Some("{viewer}"),
        );
        assert_eq!(text, "{viewer} {duration} {nope} {");
    }

    #[test]
    fn chat_text_is_cut_to_twitch_limit() {
        let long = "é".repeat(600);
        let text = render_chat("{viewer}!", &long, None, None);
        assert_eq!(text.chars().count(), MAX_CHAT_CHARS);
    }
}
