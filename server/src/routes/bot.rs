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
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::auth::{Auth, OAUTH_STATE};
use crate::expiry::constant_time_eq;
use crate::twitch::bot::{self, missing_scopes, BOT_SCOPES, BOT_TOKENS_KEY};
use crate::twitch::oauth::{IssuedTokens, Validation};

/// Set in the login session while the browser is at Twitch to connect the bot.
pub const BOT_CONNECT: &str = "oauth_bot_connect";

#[derive(Deserialize)]
pub struct ConnectParams {
    #[serde(default)]
    secret: String,
}

/// `GET /api/auth/bot?secret=…`: 404 when no `BOT_CONNECT_SECRET` is configured, 403 for a
/// missing or wrong secret, else a redirect to Twitch's consent page (shown again even if the
/// account consented before, so the operator sees which account they connect).
pub async fn connect(
    State(auth): State<Auth>,
    session: Session,
    Query(params): Query<ConnectParams>,
) -> Response {
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
    let state = uuid::Uuid::new_v4().simple().to_string();
    if let Err(e) = session.insert(OAUTH_STATE, &state).await {
        return app::ssr::internal("could not start a login session", &e).into_response();
    }
    if let Err(e) = session.insert(BOT_CONNECT, true).await {
        return app::ssr::internal("could not start a login session", &e).into_response();
    }
    let url = auth
        .tokens
        .oauth()
        .authorize_url_with_scopes(&state, true, &BOT_SCOPES.join(" "));
    Redirect::to(&url).into_response()
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
/// connected a bot whose authorisation Twitch still accepts, else `{"connected": false}`.
pub async fn status(State(auth): State<Auth>) -> Response {
    match bot::connected(&auth.tokens).await {
        Ok(Some(b)) => {
            Json(json!({"connected": true, "login": b.login, "id": b.id})).into_response()
        }
        Ok(None) => Json(json!({"connected": false})).into_response(),
        Err(e) => {
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
