//! A user's Twitch tokens in clear. Only the token cipher and the Twitch client ever hold these; the
//! store sees them sealed ([`super::SealedTokens`]).

use chrono::{DateTime, Utc};
use secrecy::SecretString;

/// Not serialisable on purpose: tokens leave memory only sealed.
#[derive(Debug, Clone)]
pub struct TwitchTokens {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
}
