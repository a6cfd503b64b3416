//! Personal API tokens as people see them, and the rules about them that need no server: the token
//! format, token names, the per-user limit and how often a use is recorded.
//!
//! A token is `vipm_` followed by 64 lowercase hex digits (32 random bytes). The server keeps only
//! its SHA-256 digest; the token itself is shown once, when it is created.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What every token starts with, so that scanners and people can recognise one.
pub const API_TOKEN_PREFIX: &str = "vipm_";
/// Hex digits after the prefix (32 random bytes).
pub const API_TOKEN_HEX_DIGITS: usize = 64;
/// How many characters of a token are kept to tell tokens apart (`vipm_` and 7 hex digits).
pub const API_TOKEN_HINT_CHARS: usize = 12;
/// How many tokens one user may hold at a time.
pub const MAX_API_TOKENS: u32 = 10;
/// The longest token name, in characters.
pub const MAX_API_TOKEN_NAME_CHARS: usize = 50;
/// A use is recorded only when the last recorded use is at least this old (or there is none).
pub const LAST_USED_EVERY_SECS: i64 = 60;

/// A token as the settings page lists it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    /// Public handle, used to revoke it.
    pub id: String,
    pub name: String,
    /// The token's first [`API_TOKEN_HINT_CHARS`] characters.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just created: the one time its secret leaves the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub info: ApiTokenInfo,
    /// The whole token, for the `Authorization: Bearer …` header.
    pub token: String,
}

impl std::fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiToken")
            .field("info", &self.info)
            .field("token", &"[redacted]")
            .finish()
    }
}

/// Whether `text` has the shape of a token (prefix, then exactly 64 lowercase hex digits).
pub fn is_api_token(text: &str) -> bool {
    text.strip_prefix(API_TOKEN_PREFIX).is_some_and(|hex| {
        hex.len() == API_TOKEN_HEX_DIGITS
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The part of a token kept for display.
pub fn api_token_hint(token: &str) -> String {
    token.chars().take(API_TOKEN_HINT_CHARS).collect()
}

/// A token name as stored: trimmed, 1 to [`MAX_API_TOKEN_NAME_CHARS`] characters, no control
/// characters.
///
/// # Errors
/// The rule it breaks, in words.
pub fn api_token_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_API_TOKEN_NAME_CHARS {
        return Err(format!(
            "give the token a name of 1 to {MAX_API_TOKEN_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("the token name cannot contain control characters".into());
    }
    Ok(name.to_owned())
}

/// The token in an `Authorization` header value: `Bearer <token>` (the scheme in any case).
/// `None` for any other scheme or a value that is not a token.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && is_api_token(token)).then_some(token)
}

/// Whether a use at `now` should be recorded, given the last recorded one: at most one write per
/// token every [`LAST_USED_EVERY_SECS`].
pub fn should_record_use(last_used_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_used_at.is_none_or(|last| (now - last).num_seconds() >= LAST_USED_EVERY_SECS)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    const TOKEN: &str = "vipm_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn tokens_have_one_exact_shape() {
        assert!(is_api_token(TOKEN));
        assert!(!is_api_token(&TOKEN.to_uppercase()));
        assert!(!is_api_token(&TOKEN[..TOKEN.len() - 1]));
        assert!(!is_api_token(&format!("{TOKEN}0")));
        assert!(!is_api_token(&TOKEN.replace("vipm_", "vipx_")));
        assert!(!is_api_token(&TOKEN.replace('a', "g")));
        assert!(!is_api_token(""));
        assert_eq!(api_token_hint(TOKEN), "vipm_0123456");
    }

    #[test]
    fn only_bearer_headers_carry_a_token() {
        assert_eq!(bearer_token(&format!("Bearer {TOKEN}")), Some(TOKEN));
        assert_eq!(bearer_token(&format!("bearer  {TOKEN} ")), Some(TOKEN));
        assert_eq!(bearer_token(&format!("Basic {TOKEN}")), None);
        assert_eq!(bearer_token(TOKEN), None);
        assert_eq!(bearer_token("Bearer vipm_short"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(api_token_name("  Stream Deck "), Ok("Stream Deck".into()));
        assert!(api_token_name("   ").is_err());
        let longest = "é".repeat(MAX_API_TOKEN_NAME_CHARS);
        assert_eq!(api_token_name(&longest), Ok(longest.clone()));
        assert!(api_token_name(&format!("{longest}x")).is_err());
        assert!(api_token_name("bad\nname").is_err());
    }

    #[test]
    fn uses_are_recorded_at_most_once_a_minute() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(should_record_use(None, now));
        assert!(!should_record_use(Some(now), now));
        assert!(!should_record_use(Some(now - Duration::seconds(59)), now));
        assert!(should_record_use(Some(now - Duration::seconds(60)), now));
        // A clock that went backwards does not make every request write.
        assert!(!should_record_use(Some(now + Duration::seconds(5)), now));
    }

    #[test]
    fn a_new_token_never_shows_its_secret_in_debug_output() {
        let new = NewApiToken {
            info: ApiTokenInfo {
                id: "1".into(),
                name: "deck".into(),
                prefix: api_token_hint(TOKEN),
                created_at: DateTime::from_timestamp(0, 0).unwrap(),
                last_used_at: None,
            },
            token: TOKEN.into(),
        };
        let shown = format!("{new:?}");
        assert!(!shown.contains(&TOKEN[12..]), "{shown}");
        assert!(shown.contains("deck"));
    }
}
