//! What each channel (and the app) subscribes to, with which token: WebSocket subscriptions with
//! the broadcaster's user token (refreshed once after a 401), webhook subscriptions with the app
//! token (fetched anew once after a 401). For every channel: redemption add, VIP add/remove,
//! moderator add, reward update/remove; for webhooks also one app-wide `user.authorization.revoke`.
//! For a channel whose grant rules are on, also `channel.subscribe`, `channel.subscription.gift`
//! and `channel.cheer`, each only once the broadcaster granted its scope (Twitch refuses it with
//! 403 otherwise); a refusal of one of these is logged and does not stop the channel's EventSub.

use app::model::{ChannelId, GrantRules};
use app::ssr::Store;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::parse::{
    CHANNEL_TYPES, CHEER, RULE_TYPES, SUBSCRIBE, SUBSCRIPTION_GIFT, USER_AUTHORIZATION_REVOKE,
};
use super::subscriptions::{Delivery, HelixError, SubscriptionClient};
use crate::twitch::oauth::{OAuthClient, OAuthError};
use crate::twitch::scopes::{scope_for, RuleFeature};
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

/// The grant-rule types a channel should be subscribed to: each whose rule is on and whose scope
/// is in `granted`. Pure.
pub fn rule_types(rules: &GrantRules, granted: &[String]) -> Vec<&'static str> {
    let has = |feature| granted.iter().any(|g| g == scope_for(feature));
    [
        (SUBSCRIBE, rules.subscription.is_some(), RuleFeature::Subs),
        (SUBSCRIPTION_GIFT, rules.gift.is_some(), RuleFeature::Subs),
        (CHEER, rules.bits.is_some(), RuleFeature::Bits),
    ]
    .into_iter()
    .filter(|(_, on, feature)| *on && has(*feature))
    .map(|(kind, _, _)| kind)
    .collect()
}

/// [`rule_types`] for a stored channel, with the scopes of its stored token. A channel or token
/// that cannot be read has none (the required types report the problem).
pub async fn channel_rule_types(
    store: &dyn Store,
    tokens: &TokenManager,
    channel: &ChannelId,
) -> Vec<&'static str> {
    let rules = match store.channel(channel).await {
        Ok(Some(c)) => c.settings.grant_rules,
        Ok(None) => return Vec::new(),
        Err(e) => {
            tracing::warn!(%channel, error = %e, "cannot read the channel's grant rules");
            return Vec::new();
        }
    };
    if !rules.any() {
        return Vec::new();
    }
    let granted = tokens.get(channel.as_str()).await.map(|t| t.scopes);
    let types = rule_types(&rules, granted.as_deref().unwrap_or_default());
    let wanted = rule_types(&rules, &all_rule_scopes());
    if types.len() < wanted.len() {
        tracing::warn!(%channel, "a grant rule is on but its scope was not granted; \
            it applies once the streamer logs in again");
    }
    types
}

fn all_rule_scopes() -> Vec<String> {
    [RuleFeature::Subs, RuleFeature::Bits]
        .map(|f| scope_for(f).to_owned())
        .to_vec()
}

/// A refusal of a grant-rule type is logged, not fatal: the channel's other events still flow.
fn tolerate_rule_refusal(
    kind: &str,
    result: Result<bool, SubscribeError>,
) -> Result<bool, SubscribeError> {
    match result {
        Err(SubscribeError::NeedsReauth(m)) if RULE_TYPES.contains(&kind) => {
            tracing::warn!(kind, reason = %m, "Twitch refused a grant-rule subscription; skipped");
            Ok(false)
        }
        other => other,
    }
}

/// Creates the channel's subscriptions on a WebSocket session with the broadcaster's user token:
/// [`CHANNEL_TYPES`] and the channel's `rule_types`. Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the token (even refreshed) is refused or lacks a scope.
pub async fn subscribe_websocket(
    client: &SubscriptionClient,
    tokens: &TokenManager,
    rule_types: &[&'static str],
    channel: &ChannelId,
    session_id: &str,
) -> Result<usize, SubscribeError> {
    let mut token = tokens
        .get(channel.as_str())
        .await
        .map_err(from_token_error)?
        .access_token;
    let mut created = 0;
    for kind in CHANNEL_TYPES.iter().chain(rule_types) {
        let new = create_on_session(client, tokens, &mut token, channel, kind, session_id).await;
        created += usize::from(tolerate_rule_refusal(kind, new)?);
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

/// Creates the channel's webhook subscriptions with the app token: [`CHANNEL_TYPES`] and the
/// channel's `rule_types`. Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the broadcaster has not granted the scopes (403).
pub async fn subscribe_webhook(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    rule_types: &[&'static str],
    channel: &ChannelId,
    callback: &str,
    secret: &SecretString,
) -> Result<usize, SubscribeError> {
    let mut created = 0;
    for kind in CHANNEL_TYPES.iter().chain(rule_types) {
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
        });
        created += usize::from(tolerate_rule_refusal(kind, new)?);
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{BitsRule, GiftRule, VipDuration};

    #[test]
    fn rule_types_need_the_rule_and_its_scope() {
        let hour = VipDuration::from_secs(3_600).unwrap();
        let granted = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(rule_types(&GrantRules::default(), &all_rule_scopes()).is_empty());
        let rules = GrantRules {
            subscription: None,
            gift: Some(GiftRule {
                min_gifts: 1,
                duration: hour,
            }),
            bits: Some(BitsRule {
                min_bits: 1,
                duration: hour,
            }),
        };
        assert_eq!(
            rule_types(&rules, &all_rule_scopes()),
            [SUBSCRIPTION_GIFT, CHEER]
        );
        assert_eq!(rule_types(&rules, &granted(&["bits:read"])), [CHEER]);
        assert!(rule_types(&rules, &granted(&["channel:manage:vips"])).is_empty());
    }
}
