//! The one list of OAuth scopes the app asks a streamer for, each tied to the feature that needs it.

/// (scope, why the app needs it) — shown on the account page.
pub const REQUIRED_SCOPES: [(&str, &str); 4] = [
    (
        "channel:manage:vips",
        "grant, list and remove VIPs; see manual VIP changes",
    ),
    (
        "channel:manage:redemptions",
        "create the VIP reward, receive its redemptions, fulfil or refund them",
    ),
    (
        "moderation:read",
        "tell moderators apart from VIPs, let moderators manage VIPs",
    ),
    ("user:write:chat", "announce grants and refunds in chat"),
];

/// The scopes as Twitch's `scope` parameter wants them: space-separated.
pub fn scope_param() -> String {
    REQUIRED_SCOPES.map(|(s, _)| s).join(" ")
}

/// Required scopes missing from `granted`.
pub fn missing<'a>(granted: impl IntoIterator<Item = &'a str> + Clone) -> Vec<&'static str> {
    REQUIRED_SCOPES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !granted.clone().into_iter().any(|g| g == *s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_lists_what_was_not_granted() {
        assert_eq!(
            missing(["channel:manage:vips", "moderation:read"]),
            vec!["channel:manage:redemptions", "user:write:chat"]
        );
        assert!(missing(REQUIRED_SCOPES.map(|(s, _)| s)).is_empty());
        assert!(scope_param().contains("channel:manage:vips channel:manage:redemptions"));
    }
}
