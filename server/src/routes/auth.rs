//! Login with Twitch (authorization code flow), logout. The CSRF `state` lives in a short-lived
//! cookie of its own ([`super::oauth_state`]): nothing is stored before the callback succeeds.
//! Tokens go straight from Twitch into the encrypted store and never reach the browser.

use std::sync::Arc;

use app::model::ChannelId;
use app::ssr::twitch::TwitchUser;
use app::ssr::{authorisation, ServerContext};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tokio_util::task::TaskTracker;
use tower_sessions::Session;

use super::oauth_state;
use crate::eventsub::supervisor::EventSubSupervisor;
use crate::store::LoginSessions;
use crate::twitch::scopes;
use crate::twitch::tokens::TokenManager;

/// Session keys.
pub use app::ssr::auth::LOGIN_USER_ID as USER_ID;
/// Set while the browser goes back to Twitch once for the scopes the channel's grant rules need.
const SCOPE_UPGRADE: &str = "oauth_scope_upgrade";

/// What the auth routes need.
#[derive(Clone)]
pub struct Auth {
    /// The store, Twitch and the engine.
    pub ctx: ServerContext,
    pub tokens: Arc<TokenManager>,
    pub eventsub: EventSubSupervisor,
    /// The server's tracker: the catch-up after a login runs on it, so shutdown waits for it.
    pub tasks: TaskTracker,
    /// `BOT_CONNECT_SECRET`: what an operator gives to connect the chat bot ([`super::bot`]).
    pub bot_secret: Option<secrecy::SecretString>,
    /// Every login session, for logging a user out everywhere.
    pub sessions: LoginSessions,
}

impl Auth {
    /// Cookies are `Secure` (and `__Host-` prefixed): the public address is HTTPS.
    pub(super) fn secure(&self) -> bool {
        self.tokens.oauth().redirect_uri().starts_with("https://")
    }
}

#[derive(Deserialize)]
pub struct LoginParams {
    /// Ask Twitch to show the consent screen again (re-authorise with new scopes).
    #[serde(default)]
    force: bool,
    /// `as=moderator`: sign in as a moderator only ([`super::moderator_login`]); any other value
    /// is a 400.
    #[serde(default, rename = "as")]
    role: LoginAs,
}

/// Who logs in.
#[derive(Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum LoginAs {
    #[default]
    Streamer,
    Moderator,
}

/// `GET /api/auth/login`: redirects to Twitch's consent page, with the OAuth state in a cookie
/// that lasts minutes (no login session is created). A signed-in streamer whose grant rules are on
/// is also asked for the scopes those rules need (`scopes::OPTIONAL_SCOPES`).
pub async fn login(
    State(auth): State<Auth>,
    session: Session,
    Query(params): Query<LoginParams>,
) -> Response {
    if params.role == LoginAs::Moderator {
        let state = super::moderator_login::new_state();
        let scope = super::moderator_login::scope_param();
        let url = auth
            .tokens
            .oauth()
            .authorize_url_with_scopes(&state, params.force, &scope);
        let mut response = Redirect::to(&url).into_response();
        oauth_state::remember(&mut response, auth.secure(), &state);
        return response;
    }
    let state = oauth_state::new_state();
    let rules = match session.get::<String>(USER_ID).await {
        Ok(Some(user_id)) => match auth.ctx.store().channel(&ChannelId(user_id)).await {
            Ok(channel) => channel.map(|c| c.settings),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the channel's grant rules; asking for the required scopes");
                None
            }
        },
        _ => None,
    };
    let scope = scopes::scope_param_for(rules.as_ref(), auth.eventsub.webhook_transport());
    let mut response = Redirect::to(&auth.tokens.oauth().authorize_url_with_scopes(
        &state,
        params.force,
        &scope,
    ))
    .into_response();
    oauth_state::remember(&mut response, auth.secure(), &state);
    response
}

#[derive(Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /api/auth/callback`: Twitch sends the browser back here with a code (or an error). The
/// state cookie is used up whatever the outcome.
pub async fn callback(
    State(auth): State<Auth>,
    session: Session,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let secure = auth.secure();
    let mut response = complete_login(auth, session, &headers, params).await;
    oauth_state::forget(&mut response, secure);
    response
}

async fn complete_login(
    auth: Auth,
    session: Session,
    headers: &HeaderMap,
    params: CallbackParams,
) -> Response {
    if let Some(error) = params.error {
        tracing::info!(error, "login refused at Twitch");
        return Redirect::to("/?login=refused").into_response();
    }
    let (Some(code), Some(state)) = (params.code, params.state) else {
        return (StatusCode::BAD_REQUEST, "missing code or state").into_response();
    };
    if !oauth_state::matches(headers, auth.secure(), &state) {
        tracing::warn!("login callback with a state this session did not issue");
        return (
            StatusCode::BAD_REQUEST,
            "this login link expired; please try again",
        )
            .into_response();
    }
    let issued = match auth.tokens.oauth().exchange_code(&code).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "code exchange failed");
            return Redirect::to("/?login=failed").into_response();
        }
    };
    let validation = match auth.tokens.oauth().validate(&issued.access_token).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "a freshly issued token did not validate");
            return Redirect::to("/?login=failed").into_response();
        }
    };
    if super::bot::is_bot_state(&auth, &state) {
        return super::bot::finish(&auth, &issued, &validation).await;
    }
    if super::moderator_login::is_moderator_state(&state) {
        return super::moderator_login::finish(&session, &validation).await;
    }
    let (Some(user_id), Some(login)) = (validation.user_id, validation.login) else {
        return Redirect::to("/?login=failed").into_response();
    };
    if let Err(e) = auth.tokens.save(&user_id, &issued).await {
        return internal("could not store tokens", &e);
    }
    let channel = ChannelId(user_id.clone());
    let user = match auth.ctx.twitch().user_by_id(&channel, &user_id).await {
        Ok(Some(user)) => user,
        other => {
            if let Err(e) = other {
                tracing::warn!(error = %e, "could not read the Twitch profile; using the login");
            }
            TwitchUser {
                id: user_id.clone(),
                login: login.clone(),
                display_name: login,
                profile_image_url: None,
            }
        }
    };
    let lang = app::i18n::from_headers(headers);
    let stored = match authorisation::record_login(
        auth.ctx.store().as_ref(),
        &user,
        &validation.scopes,
        lang,
    )
    .await
    {
        Ok(channel) => channel,
        Err(e) => return internal("could not record the login", &e),
    };
    let lacking = scopes::missing_for_rules(
        &stored.settings,
        auth.eventsub.webhook_transport(),
        validation.scopes.iter().map(String::as_str),
    );
    let upgraded: bool = session
        .remove(SCOPE_UPGRADE)
        .await
        .ok()
        .flatten()
        .unwrap_or(false);
    if let Err(e) = session.cycle_id().await {
        return internal("could not renew the session", &e);
    }
    if let Err(e) = session.insert(USER_ID, &user_id).await {
        return internal("could not save the session", &e);
    }
    tracing::info!(channel = %channel, "streamer logged in");
    // Monitoring starts now, not at the next restart; what happened before is caught up. With
    // grant rules on, the subscriptions are made anew for the scopes just granted.
    if stored.settings.grant_rules.any() || stored.settings.chat_commands.enabled {
        auth.eventsub.rewatch(channel.clone());
        // The instance holding the channel's subscriptions may be another: the scopes behind
        // its rules may have changed.
        auth.ctx.engine().live().publish(app::model::LiveEvent::new(
            channel.clone(),
            app::model::LiveKind::SettingsChanged,
        ));
    } else {
        auth.eventsub.watch(channel.clone());
    }
    let engine = auth.ctx.engine().clone();
    let caught_up = channel.clone();
    auth.tasks
        .spawn(async move { crate::reconcile::reconcile(&engine, &caught_up).await });
    if !lacking.is_empty() && !upgraded {
        // A login that asked only for the required scopes (e.g. after the session ended): go back
        // once for what the grant rules need; Twitch asks only if it was never granted.
        tracing::info!(channel = %channel, ?lacking, "asking for the grant rules' scopes");
        if let Err(e) = session.insert(SCOPE_UPGRADE, true).await {
            return internal("could not save the session", &e);
        }
        return Redirect::to("/api/auth/login").into_response();
    }
    Redirect::to("/dashboard").into_response()
}

/// `POST /api/auth/logout`: ends the session (the stored tokens stay: expiry must go on working).
pub async fn logout(session: Session) -> Response {
    if let Err(e) = session.flush().await {
        return internal("could not end the session", &e);
    }
    Redirect::to("/").into_response()
}

/// `POST /api/auth/logout-everywhere`: ends every login session of the caller, in every browser,
/// this one included (live streams opened with them end at their next check). Without a login
/// session: `401 {"error":"unauthorized"}`.
pub async fn logout_everywhere(State(auth): State<Auth>, session: Session) -> Response {
    let user_id = match session.get::<String>(USER_ID).await {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return app::AppError::Unauthorized.into_response(),
        Err(e) => return internal("could not read the session", &e),
    };
    match auth.sessions.delete_user(&user_id).await {
        Ok(ended) => tracing::info!(user_id, ended, "logged out everywhere"),
        Err(e) => return internal("could not end the login sessions", &e),
    }
    if let Err(e) = session.flush().await {
        return internal("could not end the session", &e);
    }
    Redirect::to("/").into_response()
}

fn internal(what: &str, error: &dyn std::fmt::Display) -> Response {
    app::ssr::internal(what, error).into_response()
}
