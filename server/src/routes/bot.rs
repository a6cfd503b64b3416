//! Connecting the app's chat bot: an operator-only login. `GET /api/auth/bot?secret=…` with the
//! configured `BOT_CONNECT_SECRET` (compared in constant time, never logged; the request's log
//! span holds the route, not its query) sends the browser to Twitch asking the bot account for
//! [`BOT_SCOPES`]; Twitch's answer comes back through the usual login callback, which hands it to
//! [`finish`]. The bot's tokens go straight into the encrypted store; the operator's browser is
//! not signed in as the bot. `GET /api/chat-bot` says whether a bot is connected.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use super::auth::Auth;
use super::oauth_state;
use crate::expiry::constant_time_eq;
use crate::twitch::bot::{missing_scopes, BOT_SCOPES, BOT_TOKENS_KEY};
use crate::twitch::bot_validation::{check_bot, BotToken};
use crate::twitch::oauth::{IssuedTokens, Validation};

#[derive(Deserialize)]
pub struct ConnectParams {
    #[serde(default)]
    secret: String,
}

/// `GET /api/auth/bot?secret=…`: 404 when no `BOT_CONNECT_SECRET` is configured, 403 for a
/// missing or wrong secret, else a redirect to Twitch's consent page (shown again even if the
/// account consented before, so the operator sees which account they connect).
pub async fn connect(State(auth): State<Auth>, Query(params): Query<ConnectParams>) -> Response {
    let Some(secret) = &auth.bot_secret else {
        return error(
            StatusCode::NOT_FOUND,
            "bot_connect_off",
            "connecting a chat bot is off: the operator sets BOT_CONNECT_SECRET",
        );
    };
    if !constant_time_eq(params.secret.as_bytes(), secret.expose_secret().as_bytes()) {
        tracing::warn!("a chat bot connection was refused: wrong secret");
        return error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "wrong or missing bot connection secret",
        );
    }
    let state = bot_state(secret, &oauth_state::new_state());
    let url = auth
        .tokens
        .oauth()
        .authorize_url_with_scopes(&state, true, &BOT_SCOPES.join(" "));
    let mut response = Redirect::to(&url).into_response();
    oauth_state::remember(&mut response, auth.secure(), &state);
    response
}

/// The OAuth state of a bot connection: `bot-{nonce}-{mac}`, the mac an HMAC of the nonce keyed by
/// `BOT_CONNECT_SECRET`. Nothing is stored on the server, and nobody without the secret can make
/// a state that the callback takes for a bot connection (the state cookie alone proves only that
/// this browser started a login, which anyone can).
fn bot_state(secret: &SecretString, nonce: &str) -> String {
    format!("bot-{nonce}-{}", state_mac(secret, nonce))
}

fn state_mac(secret: &SecretString, nonce: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(nonce.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `state` (already matched with this browser's state cookie) was made by [`connect`].
pub fn is_bot_state(auth: &Auth, state: &str) -> bool {
    let (Some(secret), Some(rest)) = (&auth.bot_secret, state.strip_prefix("bot-")) else {
        return false;
    };
    let Some((nonce, mac)) = rest.split_once('-') else {
        return false;
    };
    constant_time_eq(state_mac(secret, nonce).as_bytes(), mac.as_bytes())
}

/// The login callback's end for a bot connection: stores the bot's tokens when it granted every
/// scope, and sends the browser to the settings page with the outcome (`?bot=connected` or
/// `?bot=missing_scopes`).
pub async fn finish(auth: &Auth, issued: &IssuedTokens, validation: &Validation) -> Response {
    let missing = missing_scopes(validation.scopes.iter().map(String::as_str));
    if !missing.is_empty() {
        tracing::warn!(?missing, "the chat bot was not connected: scopes refused");
        return Redirect::to("/settings?bot=missing_scopes").into_response();
    }
    if let Err(e) = auth.tokens.save(BOT_TOKENS_KEY, issued).await {
        return app::ssr::internal("could not store the chat bot's tokens", &e).into_response();
    }
    tracing::info!(bot = ?validation.login, "the chat bot was connected");
    Redirect::to("/settings?bot=connected").into_response()
}

/// `GET /api/chat-bot`: `{"connected": true, "login": "…", "id": "…"}` once an operator
/// connected a bot whose authorisation Twitch still accepts, else `{"connected": false, "reason":
/// …}` with `not_connected`, `token_invalid` (the operator connects it again) or `missing_scopes`
/// (and `missing`).
pub async fn status(State(auth): State<Auth>) -> Response {
    match check_bot(&auth.tokens).await {
        BotToken::Valid(b) => {
            Json(json!({"connected": true, "login": b.login, "id": b.id})).into_response()
        }
        BotToken::NotConnected => {
            Json(json!({"connected": false, "reason": "not_connected"})).into_response()
        }
        BotToken::Dead(_) => {
            Json(json!({"connected": false, "reason": "token_invalid"})).into_response()
        }
        BotToken::MissingScopes(missing) => Json(json!({
            "connected": false, "reason": "missing_scopes", "missing": missing
        }))
        .into_response(),
        BotToken::Unknown(e) => {
            tracing::warn!(error = %e, "cannot tell whether the chat bot is connected");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "twitch_unavailable",
                "Twitch cannot be reached; try again",
            )
        }
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": code, "message": message}))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_secret_makes_a_bot_state() {
        let secret = SecretString::from("a-bot-connect-secret-of-32-chars!!");
        let state = bot_state(&secret, "nonce1");
        let other = SecretString::from("another-secret-of-thirty-two-chars");
        let mac = |s: &SecretString| state_mac(s, "nonce1");
        assert_eq!(state, format!("bot-nonce1-{}", mac(&secret)));
        assert_ne!(mac(&secret), mac(&other));
        assert!(!state.contains(secret.expose_secret()));
    }
}
