//! What each channel subscribes to, and the WebSocket subscriptions (Twitch docs): with the
//! broadcaster's user token, refreshed once after a 401. For every channel: redemption add, VIP
//! add/remove, moderator add/remove, reward update/remove and `stream.online`. For a channel whose grant
//! rules are on, also `channel.subscribe` and `channel.subscription.message` (subscription rule),
//! `channel.subscription.gift` (gift rule), `channel.cheer` and `channel.bits.use` (bits rule: cheers
//! count through the first, Power-ups and Combos through the second), each only once the broadcaster
//! granted its scope (Twitch refuses it with 403 otherwise); a refusal of one of these is logged and
//! does not stop the channel's EventSub. Every subscription's outcome is
//! reported; Twitch's limits ([`super::limits`]) stop the channel with [`SubscribeError::Limit`].
//! The webhook transport's subscriptions are in [`super::webhook`].

use app::model::{ChannelId, GrantRules, SubscriptionState, SubscriptionStatus};
use app::ssr::Store;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::chat::{chat_bot_reader, chat_types, condition_for};
use super::limits::{
    budget_exhausted, is_eventsub_limit, limit_reason, over_budget, too_many_for_connection,
};
use super::status::from_twitch;
use super::{Created, Delivery, HelixError, SubscriptionClient};
use crate::eventsub::parse::chat::CHAT_MESSAGE;
use crate::eventsub::parse::stream::{STREAM_OFFLINE, STREAM_ONLINE};
use crate::eventsub::parse::{
    BITS_USE, CHANNEL_TYPES, CHEER, RESUBSCRIPTION, RULE_TYPES, SUBSCRIBE, SUBSCRIPTION_GIFT,
};
use crate::eventsub::report::Report;
use crate::twitch::scopes::{scope_for, RuleFeature};
use crate::twitch::tokens::{TokenError, TokenManager};

/// Why subscribing a channel failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscribeError {
    /// The token is gone or lacks a scope: the broadcaster must log in again.
    #[error("needs re-authorisation: {0}")]
    NeedsReauth(String),
    /// Twitch refused for one of its EventSub limits: try again only after a long pause.
    #[error("{0}")]
    Limit(String),
    /// Try again later.
    #[error("{0}")]
    Transient(String),
}

pub(super) fn from_token_error(e: TokenError) -> SubscribeError {
    match e {
        TokenError::NeedsReauth(m) => SubscribeError::NeedsReauth(m),
        TokenError::Transient(m) => SubscribeError::Transient(m),
    }
}

pub(super) fn from_helix(kind: &str, e: HelixError) -> SubscribeError {
    match e {
        HelixError::Unauthorized(m) | HelixError::Forbidden(m) => {
            SubscribeError::NeedsReauth(format!("{kind}: {m}"))
        }
        HelixError::TooMany(m) if is_eventsub_limit(&m) => {
            SubscribeError::Limit(limit_reason(kind, &m))
        }
        other => SubscribeError::Transient(format!("{kind}: {other}")),
    }
}

/// Every channel's types, whatever its settings: [`CHANNEL_TYPES`], `stream.online` and
/// `stream.offline` (VIPs until the stream ends).
pub fn base_types() -> Vec<&'static str> {
    CHANNEL_TYPES
        .iter()
        .copied()
        .chain([STREAM_ONLINE, STREAM_OFFLINE])
        .collect()
}

/// The types a channel with these grant-rule types subscribes to, in order.
pub fn wanted_types(rule_types: &[&'static str]) -> Vec<&'static str> {
    base_types()
        .into_iter()
        .chain(rule_types.iter().copied())
        .collect()
}

pub(super) fn channel_condition(channel: &ChannelId) -> Value {
    json!({"broadcaster_user_id": channel.as_str()})
}

/// What a channel subscribes to beyond [`base_types`], and who reads its chat.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelTypes {
    /// Grant-rule types, then `channel.chat.message` when chat is read.
    pub types: Vec<&'static str>,
    /// The app's chat bot's user id when the bot reads chat (`user_id` of `channel.chat.message`,
    /// with the app token); `None`: the streamer reads.
    pub chat_bot: Option<String>,
    /// Chat commands are on, but nobody can read chat (the scope is missing, or the chosen bot is
    /// not connected).
    pub chat_unread: bool,
    /// A grant rule is on whose scope the streamer has not granted.
    pub rule_scope_missing: bool,
}

impl ChannelTypes {
    /// Logs what the channel lacks, once per channel task (not on every re-check of the rules).
    pub fn log_gaps(&self, channel: &ChannelId) {
        if self.chat_unread {
            tracing::info!(%channel, "chat commands are on but nobody can read chat: the streamer \
                has not granted user:read:chat, or the chosen chat bot is not connected");
        }
        if self.rule_scope_missing {
            tracing::warn!(%channel, "a grant rule is on but its scope was not granted; \
                it applies once the streamer logs in again");
        }
    }
}

/// The grant-rule types a channel should be subscribed to: each whose rule is on and whose scope
/// is in `granted`. Pure.
pub fn rule_types(rules: &GrantRules, granted: &[String]) -> Vec<&'static str> {
    let has = |feature| granted.iter().any(|g| g == scope_for(feature));
    [
        (SUBSCRIBE, rules.subscription.is_some(), RuleFeature::Subs),
        (SUBSCRIPTION_GIFT, rules.gift.is_some(), RuleFeature::Subs),
        (
            RESUBSCRIPTION,
            rules.subscription.is_some(),
            RuleFeature::Subs,
        ),
        (CHEER, rules.bits.is_some(), RuleFeature::Bits),
        (BITS_USE, rules.bits.is_some(), RuleFeature::Bits),
    ]
    .into_iter()
    .filter(|(_, on, feature)| *on && has(*feature))
    .map(|(kind, _, _)| kind)
    .collect()
}

/// [`rule_types`] and [`chat_types`] for a stored channel, with the scopes of its stored token
/// (`webhook`: the server's transport). A channel or token that cannot be read has none (the
/// required types report the problem). Logs nothing: it is re-read every few seconds
/// ([`ChannelTypes::log_gaps`] logs once per channel task).
pub async fn channel_rule_types(
    store: &dyn Store,
    tokens: &TokenManager,
    channel: &ChannelId,
    webhook: bool,
) -> ChannelTypes {
    let settings = match store.channel(channel).await {
        Ok(Some(c)) => c.settings,
        Ok(None) => return ChannelTypes::default(),
        Err(e) => {
            tracing::warn!(%channel, error = %e, "cannot read the channel's grant rules");
            return ChannelTypes::default();
        }
    };
    let rules = settings.grant_rules;
    if !rules.any() && !settings.chat_commands.enabled {
        return ChannelTypes::default();
    }
    let granted = tokens.get(channel.as_str()).await.map(|t| t.scopes);
    let granted = granted.as_deref().unwrap_or_default();
    let chat_bot = chat_bot_reader(&settings, tokens, channel, webhook).await;
    let chat = chat_types(&settings, granted, webhook, chat_bot.as_deref());
    let chat_unread = chat.is_empty() && settings.chat_commands.enabled;
    let mut types = rule_types(&rules, granted);
    let rule_scope_missing = types.len() < rule_types(&rules, &all_rule_scopes()).len();
    types.extend(chat);
    ChannelTypes {
        types,
        chat_bot,
        chat_unread,
        rule_scope_missing,
    }
}

fn all_rule_scopes() -> Vec<String> {
    [RuleFeature::Subs, RuleFeature::Bits]
        .map(|f| scope_for(f).to_owned())
        .to_vec()
}

/// A subscription in place (or refused), as reported.
pub(crate) struct Placed {
    pub status: SubscriptionStatus,
    /// Created by this call (not already there).
    pub new: bool,
}

impl Placed {
    pub(super) fn created(kind: &str, created: &Created) -> Result<Self, SubscribeError> {
        if let Some(reason) = over_budget(created.cost) {
            return Err(SubscribeError::Limit(reason));
        }
        if budget_exhausted(created.cost) {
            tracing::warn!(kind, cost = ?created.cost, "the token's EventSub cost budget is used up");
        }
        Ok(Self {
            status: from_twitch(kind, &created.id, &created.status),
            new: true,
        })
    }
}

/// Reports the outcome of one type; a refusal of a grant-rule type is logged, not fatal (the
/// channel's other events still flow). Returns whether a subscription was created.
pub(crate) fn settle(
    kind: &str,
    result: Result<Option<Placed>, SubscribeError>,
    report: Report<'_>,
) -> Result<bool, SubscribeError> {
    match result {
        Ok(Some(placed)) => {
            report.subscription(placed.status);
            Ok(placed.new)
        }
        Ok(None) => Ok(false),
        Err(e) => {
            report.subscription(SubscriptionStatus {
                kind: kind.to_owned(),
                id: None,
                state: SubscriptionState::Failed(e.to_string()),
            });
            match e {
                SubscribeError::NeedsReauth(m)
                    if RULE_TYPES.contains(&kind) || kind == CHAT_MESSAGE =>
                {
                    tracing::warn!(kind, reason = %m, "Twitch refused a grant-rule subscription; skipped");
                    Ok(false)
                }
                other => Err(other),
            }
        }
    }
}

/// Creates the channel's subscriptions on a WebSocket session with the broadcaster's user token:
/// [`wanted_types`] for its `rule_types` (chat is read as the streamer: a user token reads only
/// its own user's chat). Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the token (even refreshed) is refused or lacks a scope;
/// [`SubscribeError::Limit`] when Twitch refuses for a limit or the answer shows the cost budget
/// exceeded.
pub async fn subscribe_websocket(
    client: &SubscriptionClient,
    tokens: &TokenManager,
    rule_types: &ChannelTypes,
    channel: &ChannelId,
    session_id: &str,
    report: Report<'_>,
) -> Result<usize, SubscribeError> {
    let kinds = wanted_types(&rule_types.types);
    if let Some(reason) = too_many_for_connection(kinds.len()) {
        return Err(SubscribeError::Limit(reason));
    }
    let mut token = tokens
        .get(channel.as_str())
        .await
        .map_err(from_token_error)?
        .access_token;
    let mut created = 0;
    for kind in kinds {
        let placed = create_on_session(client, tokens, &mut token, channel, kind, session_id).await;
        created += usize::from(settle(kind, placed.map(Some), report)?);
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
) -> Result<Placed, SubscribeError> {
    let delivery = Delivery::WebSocket { session_id };
    let create = |token: SecretString| async move {
        client
            .create(&token, kind, condition_for(kind, channel, None), delivery)
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
    if let Some(created) = result.map_err(|e| from_helix(kind, e))? {
        return Placed::created(kind, &created);
    }
    let listed = client
        .list(token, Some(("type", kind)))
        .await
        .map_err(|e| from_helix(kind, e))?;
    let of_channel = |s: &&super::Listed| {
        s.condition
            .get("broadcaster_user_id")
            .and_then(Value::as_str)
            == Some(channel.as_str())
            && s.status == "enabled"
    };
    let session = |s: &super::Listed| {
        s.transport
            .get("session_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut removed = 0;
    for stale in listed
        .iter()
        .filter(of_channel)
        .filter(|s| session(s).is_some_and(|id| id != session_id))
    {
        client
            .delete(token, &stale.id)
            .await
            .map_err(|e| from_helix(kind, e))?;
        removed += 1;
    }
    if removed == 0 {
        // Already on this session.
        let mine = listed
            .iter()
            .filter(of_channel)
            .find(|s| session(s).as_deref() == Some(session_id));
        return Ok(Placed {
            status: match mine {
                Some(s) => from_twitch(kind, &s.id, &s.status),
                None => from_twitch(kind, "", "enabled"),
            },
            new: false,
        });
    }
    tracing::info!(
        kind,
        removed,
        "moved a subscription from an older session to this one"
    );
    match create(token.clone())
        .await
        .map_err(|e| from_helix(kind, e))?
    {
        Some(created) => Placed::created(kind, &created),
        None => Err(SubscribeError::Transient(format!(
            "{kind}: still exists after moving it to this session"
        ))),
    }
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
                duration: hour.into(),
            }),
            bits: Some(BitsRule {
                min_bits: 1,
                duration: hour.into(),
            }),
        };
        assert_eq!(
            rule_types(&rules, &all_rule_scopes()),
            [SUBSCRIPTION_GIFT, CHEER, BITS_USE]
        );
        assert_eq!(
            rule_types(&rules, &granted(&["bits:read"])),
            [CHEER, BITS_USE]
        );
        assert!(rule_types(&rules, &granted(&["channel:manage:vips"])).is_empty());
        let subs = GrantRules {
            subscription: Some(hour.into()),
            ..GrantRules::default()
        };
        assert_eq!(
            rule_types(&subs, &granted(&["channel:read:subscriptions"])),
            [SUBSCRIBE, RESUBSCRIPTION]
        );
    }
}
