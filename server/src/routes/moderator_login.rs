//! Logging in as a moderator (`GET /api/auth/login?as=moderator`): Twitch is asked for
//! [`scopes::MODERATOR_SCOPES`] only, and the callback signs the moderator in without setting them
//! up as a channel: no channel record, no stored tokens, no EventSub, no reward. They act on the
//! channels they moderate, as far as each streamer allows, with the streamer's token.
//!
//! The intent travels in the OAuth `state` (which the callback compares with the browser's state
//! cookie, so nobody else can change it): a moderator login's state starts with [`STATE_PREFIX`].

use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::auth::USER_ID;
use super::oauth_state;
use crate::twitch::oauth::Validation;
use crate::twitch::scopes;

const STATE_PREFIX: &str = "moderator.";

/// A fresh state for a moderator login.
pub fn new_state() -> String {
    format!("{STATE_PREFIX}{}", oauth_state::new_state())
}

/// Whether `state` (already matched with the browser's cookie) began a moderator login.
pub fn is_moderator_state(state: &str) -> bool {
    state.starts_with(STATE_PREFIX)
}

/// The `scope` parameter of a moderator login.
pub fn scope_param() -> String {
    scopes::MODERATOR_SCOPES.join(" ")
}

/// Signs the moderator in; their token is not kept (it serves only to tell who they are).
pub async fn finish(session: &Session, validation: &Validation) -> Response {
    let (Some(user_id), Some(login)) = (&validation.user_id, &validation.login) else {
        return Redirect::to("/?login=failed").into_response();
    };
    if let Err(e) = session.cycle_id().await {
        return app::ssr::internal("could not renew the session", &e).into_response();
    }
    for (key, value) in [(USER_ID, user_id), (app::ssr::auth::LOGIN_NAME, login)] {
        if let Err(e) = session.insert(key, value).await {
            return app::ssr::internal("could not save the session", &e).into_response();
        }
    }
    tracing::info!(user_id, "moderator logged in (no channel set up)");
    Redirect::to("/").into_response()
}
