//! What each channel (and the app) subscribes to, with which token: WebSocket subscriptions with
//! the broadcaster's user token (refreshed once after a 401), webhook subscriptions with the app
//! token (fetched anew once after a 401). For every channel: redemption add, VIP add/remove,
//! moderator add, reward update/remove; for webhooks also one app-wide `user.authorization.revoke`.

use app::model::ChannelId;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::parse::{CHANNEL_TYPES, USER_AUTHORIZATION_REVOKE};
use super::subscriptions::{Delivery, HelixError, SubscriptionClient};
use crate::twitch::oauth::{OAuthClient, OAuthError};
use crate::twitch::tokens::{TokenError, TokenManager};

/// Why subscribing a channel failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscribeError {
    /// The token is gone or lacks a scope: the broadcaster must log in again.
    #[error("needs re-authorisation: {0}")]
    NeedsReauth(String),
    /// Try again later.
    #[error("{0}")]
    Transient(String),
}

fn from_token_error(e: TokenError) -> SubscribeError {
    match e {
        TokenError::NeedsReauth(m) => SubscribeError::NeedsReauth(m),
        TokenError::Transient(m) => SubscribeError::Transient(m),
    }
}

fn from_helix(kind: &str, e: HelixError) -> SubscribeError {
    match e {
        HelixError::Unauthorized(m) | HelixError::Forbidden(m) => {
            SubscribeError::NeedsReauth(format!("{kind}: {m}"))
        }
        other => SubscribeError::Transient(format!("{kind}: {other}")),
    }
}

fn channel_condition(channel: &ChannelId) -> Value {
    json!({"broadcaster_user_id": channel.as_str()})
}

/// Creates the channel's subscriptions on a WebSocket session with the broadcaster's user token.
/// Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the token (even refreshed) is refused or lacks a scope.
pub async fn subscribe_websocket(
    client: &SubscriptionClient,
    tokens: &TokenManager,
    channel: &ChannelId,
    session_id: &str,
) -> Result<usize, SubscribeError> {
    let mut token = tokens
        .get(channel.as_str())
        .await
        .map_err(from_token_error)?
        .access_token;
    let mut created = 0;
    for kind in CHANNEL_TYPES {
        let new = create_on_session(client, tokens, &mut token, channel, kind, session_id).await?;
        created += usize::from(new);
    }
    Ok(created)
}

/// One WebSocket subscription. A 409 means it exists on another session of this user, which may
/// be dead without Twitch knowing yet (a silent network failure): such subscriptions are deleted
/// and this one is created again, so events come to the session that is read.
async fn create_on_session(
    client: &SubscriptionClient,
    tokens: &TokenManager,
    token: &mut SecretString,
    channel: &ChannelId,
    kind: &str,
    session_id: &str,
) -> Result<bool, SubscribeError> {
    let delivery = Delivery::WebSocket { session_id };
    let create = |token: SecretString| async move {
        client
            .create(&token, kind, channel_condition(channel), delivery)
            .await
    };
    let result = match create(token.clone()).await {
        Err(HelixError::Unauthorized(_)) => {
            *token = tokens
                .refresh_after_401(channel.as_str(), token)
                .await
                .map_err(from_token_error)?;
            create(token.clone()).await
        }
        other => other,
    };
    if result.map_err(|e| from_helix(kind, e))? {
        return Ok(true);
    }
    let listed = client
        .list(token, Some(("type", kind)))
        .await
        .map_err(|e| from_helix(kind, e))?;
    let mut removed = 0;
    for stale in listed.iter().filter(|s| {
        let session = s.transport.get("session_id").and_then(Value::as_str);
        let broadcaster = s
            .condition
            .get("broadcaster_user_id")
            .and_then(Value::as_str);
        s.status == "enabled"
            && broadcaster == Some(channel.as_str())
            && session.is_some_and(|id| id != session_id)
    }) {
        client
            .delete(token, &stale.id)
            .await
            .map_err(|e| from_helix(kind, e))?;
        removed += 1;
    }
    if removed == 0 {
        return Ok(false);
    }
    tracing::info!(
        kind,
        removed,
        "moved a subscription from an older session to this one"
    );
    create(token.clone()).await.map_err(|e| from_helix(kind, e))
}

/// Runs `call` with the app token, once more with a fresh one after a 401.
async fn with_app_token<T, F, Fut>(oauth: &OAuthClient, call: F) -> Result<T, SubscribeError>
where
    F: Fn(SecretString) -> Fut,
    Fut: std::future::Future<Output = Result<T, HelixError>>,
{
    let app_token = || async {
        oauth.app_token().await.map_err(|e| match e {
            OAuthError::Refused(m) => SubscribeError::Transient(format!("app token refused: {m}")),
            OAuthError::Transient(m) => SubscribeError::Transient(m),
        })
    };
    // A 403 means the broadcaster has not granted the type's scope to this client; anything else
    // about the app token is the app's problem, not the broadcaster's.
    let map = |e: HelixError| match e {
        HelixError::Forbidden(m) => SubscribeError::NeedsReauth(m),
        other => SubscribeError::Transient(other.to_string()),
    };
    let token = app_token().await?;
    match call(token.clone()).await {
        Err(HelixError::Unauthorized(_)) => {
            oauth.forget_app_token(&token).await;
            call(app_token().await?).await.map_err(map)
        }
        other => other.map_err(map),
    }
}

/// Creates the channel's webhook subscriptions with the app token. Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the broadcaster has not granted the scopes (403).
pub async fn subscribe_webhook(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    channel: &ChannelId,
    callback: &str,
    secret: &SecretString,
) -> Result<usize, SubscribeError> {
    let mut created = 0;
    for kind in CHANNEL_TYPES {
        let new = with_app_token(oauth, |token| async move {
            let delivery = Delivery::Webhook { callback, secret };
            client
                .create(&token, kind, channel_condition(channel), delivery)
                .await
        })
        .await
        .map_err(|e| match e {
            SubscribeError::NeedsReauth(m) => SubscribeError::NeedsReauth(format!("{kind}: {m}")),
            other => other,
        })?;
        created += usize::from(new);
    }
    Ok(created)
}

/// Creates the app-wide `user.authorization.revoke` webhook subscription (condition: this client id).
/// Returns whether it was new.
///
/// # Errors
/// [`SubscribeError::Transient`] on any failure (nothing here needs a broadcaster).
pub async fn subscribe_authorization_revoke(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    callback: &str,
    secret: &SecretString,
) -> Result<bool, SubscribeError> {
    let condition = json!({"client_id": oauth.client_id()});
    with_app_token(oauth, |token| {
        let condition = condition.clone();
        async move {
            let delivery = Delivery::Webhook { callback, secret };
            client
                .create(&token, USER_AUTHORIZATION_REVOKE, condition, delivery)
                .await
        }
    })
    .await
    .map_err(|e| SubscribeError::Transient(e.to_string()))
}
