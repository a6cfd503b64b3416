//! The webhook transport's subscriptions (Twitch docs), all made with the app token (fetched anew
//! once after a 401): each channel's [`wanted_types`], listed back from Get EventSub Subscriptions
//! for their status, deleted when no longer wanted or when the channel is unwatched; and the
//! app-wide `user.authorization.revoke`.

use app::model::ChannelId;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::chat::condition_for;
use super::limits::{is_eventsub_limit, limit_reason};
use super::subscribe::{settle, wanted_types, ChannelTypes, Placed, SubscribeError};
use super::{Delivery, HelixError, Listed, SubscriptionClient};
use crate::eventsub::parse::chat::CHAT_MESSAGE;
use crate::eventsub::parse::USER_AUTHORIZATION_REVOKE;
use crate::eventsub::report::Report;
use crate::twitch::oauth::{OAuthClient, OAuthError};

/// Why Twitch refuses the chat bot in a channel, as reported for the refused subscription.
const BOT_REFUSED: &str = "the chat bot may read this chat once the streamer grants channel:bot \
    (log in again) or makes the bot a moderator";

/// Runs `call` with the app token, once more with a fresh one after a 401. `kind` names what the
/// call is about in errors.
async fn with_app_token<T, F, Fut>(
    oauth: &OAuthClient,
    kind: &str,
    call: F,
) -> Result<T, SubscribeError>
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
        HelixError::Forbidden(m) => SubscribeError::NeedsReauth(format!("{kind}: {m}")),
        HelixError::TooMany(m) if is_eventsub_limit(&m) => {
            SubscribeError::Limit(limit_reason(kind, &m))
        }
        other => SubscribeError::Transient(format!("{kind}: {other}")),
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

/// Where a channel's webhook subscriptions go.
pub struct Callback<'a> {
    pub url: &'a str,
    pub secret: &'a SecretString,
}

/// Creates the channel's webhook subscriptions: [`wanted_types`] for its `rule_types`, chat read
/// by the reader it names (the app's chat bot or the streamer). New ones are reported pending
/// verification; existing ones (409) are left to [`list_channel`]. Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the broadcaster has not granted the scopes (403);
/// [`SubscribeError::Limit`] when Twitch refuses for a limit or the cost budget is exceeded.
pub async fn subscribe_webhook(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    rule_types: &ChannelTypes,
    channel: &ChannelId,
    callback: &Callback<'_>,
    report: Report<'_>,
) -> Result<usize, SubscribeError> {
    let mut created = 0;
    let chat_bot = rule_types.chat_bot.as_deref();
    for kind in wanted_types(&rule_types.types) {
        let result = with_app_token(oauth, kind, |token| async move {
            let delivery = Delivery::Webhook {
                callback: callback.url,
                secret: callback.secret,
            };
            client
                .create(
                    &token,
                    kind,
                    condition_for(kind, channel, chat_bot),
                    delivery,
                )
                .await
        })
        .await;
        let placed = match result {
            Ok(Some(c)) => Placed::created(kind, &c).map(Some),
            Ok(None) => Ok(None),
            Err(SubscribeError::NeedsReauth(m)) if chat_bot.is_some() && kind == CHAT_MESSAGE => {
                Err(SubscribeError::NeedsReauth(format!("{m}: {BOT_REFUSED}")))
            }
            Err(e) => Err(e),
        };
        created += usize::from(settle(kind, placed, report)?);
    }
    Ok(created)
}

/// The channel's webhook subscriptions to `callback` (of every status), from Get EventSub
/// Subscriptions filtered by the broadcaster's user id.
///
/// # Errors
/// [`SubscribeError::Transient`] (or [`SubscribeError::Limit`]) when listing fails.
pub async fn list_channel(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    channel: &ChannelId,
    callback: &str,
) -> Result<Vec<Listed>, SubscribeError> {
    let listed = with_app_token(oauth, "listing subscriptions", |token| async move {
        client
            .list(&token, Some(("user_id", channel.as_str())))
            .await
    })
    .await?;
    Ok(listed
        .into_iter()
        .filter(|s| {
            s.transport.get("callback").and_then(Value::as_str) == Some(callback)
                && s.condition
                    .get("broadcaster_user_id")
                    .and_then(Value::as_str)
                    == Some(channel.as_str())
        })
        .collect())
}

/// Deletes the webhook subscriptions `filter` lists that go to this app's webhook route under
/// another callback than `callback`: the callback carries a version of the webhook secret
/// ([`crate::eventsub::supervisor::settings::callback_version`]), so these were made with a secret
/// since rotated. Twitch would sign their deliveries with the old secret, which the route refuses,
/// and they stand in the way of new ones (409). Returns how many were deleted.
///
/// # Errors
/// As [`list_channel`] and [`delete`].
pub async fn delete_stale(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    filter: (&str, &str),
    callback: &str,
) -> Result<usize, SubscribeError> {
    let listed = with_app_token(oauth, "listing subscriptions", |token| async move {
        client.list(&token, Some(filter)).await
    })
    .await?;
    let stale: Vec<String> = listed
        .into_iter()
        .filter(|s| {
            s.transport
                .get("callback")
                .and_then(Value::as_str)
                .is_some_and(|c| c != callback && route(c) == route(callback))
        })
        .map(|s| s.id)
        .collect();
    if !stale.is_empty() {
        tracing::info!(
            count = stale.len(),
            "deleting webhook subscriptions made with a previous webhook secret"
        );
        delete(client, oauth, &stale).await?;
    }
    Ok(stale.len())
}

/// A callback without its query: the route, whatever secret version it carries.
fn route(callback: &str) -> &str {
    callback.split('?').next().unwrap_or(callback)
}

/// Deletes subscriptions by id (Delete EventSub Subscription; an unknown id counts as deleted).
///
/// # Errors
/// The first failure; the ones before it are deleted.
pub async fn delete(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    ids: &[String],
) -> Result<(), SubscribeError> {
    for id in ids {
        with_app_token(oauth, "deleting a subscription", |token| async move {
            client.delete(&token, id).await
        })
        .await?;
    }
    Ok(())
}

/// Deletes every webhook subscription of the channel to `callback`. Returns how many there were.
///
/// # Errors
/// When listing or a deletion fails.
pub async fn delete_channel(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    channel: &ChannelId,
    callback: &str,
) -> Result<usize, SubscribeError> {
    let ids: Vec<String> = list_channel(client, oauth, channel, callback)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    delete(client, oauth, &ids).await?;
    Ok(ids.len())
}

/// Creates the app-wide `user.authorization.revoke` webhook subscription (condition: this client id).
/// Returns whether it was new.
///
/// # Errors
/// [`SubscribeError::Transient`] on any failure (nothing here needs a broadcaster).
pub async fn subscribe_authorization_revoke(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    callback: &Callback<'_>,
) -> Result<bool, SubscribeError> {
    let condition = json!({"client_id": oauth.client_id()});
    with_app_token(oauth, USER_AUTHORIZATION_REVOKE, |token| {
        let condition = condition.clone();
        async move {
            let delivery = Delivery::Webhook {
                callback: callback.url,
                secret: callback.secret,
            };
            client
                .create(&token, USER_AUTHORIZATION_REVOKE, condition, delivery)
                .await
        }
    })
    .await
    .map(|created| created.is_some())
    .map_err(|e| SubscribeError::Transient(e.to_string()))
}
