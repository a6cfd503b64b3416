//! The dashboard's first-five-minutes checklist: the live state of each step a new streamer must
//! get right (login and scopes, a reward, EventSub, chat, Twitch's Build a Community).

use super::account::scopes_of;
use super::auth::{authorize_streamer, Caller};
use super::{OrInternal, ServerContext};
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditQuery, Channel, ChannelId, CommunityState, FirstStep, FirstSteps,
    SubscriptionState,
};

/// How far back the activity log is read for Twitch's last 425 answer.
const PROBLEMS_READ: u32 = 50;

/// The checklist of the caller's own channel.
///
/// # Errors
/// Access errors (the streamer's alone); [`AppError::Internal`] on store failure.
pub async fn first_steps(ctx: &ServerContext, caller: &Caller) -> Result<FirstSteps, AppError> {
    let id = ChannelId(caller.user_id.clone());
    let channel = authorize_streamer(ctx, caller, &id).await?.channel;
    let status = ctx.account()?;
    let scopes = scopes_of(status, &channel).await?;
    let rewards = super::page_reads::rewards(ctx.store().as_ref(), &channel.id)
        .await
        .or_internal("listing rewards")?;
    let eventsub = status.eventsub(&channel.id);
    let (subscriptions, enabled) = eventsub.as_ref().map_or((0, 0), |e| {
        let enabled = e
            .subscriptions
            .iter()
            .filter(|s| s.state == SubscriptionState::Enabled)
            .count();
        (e.subscriptions.len(), enabled)
    });
    let chat_missing = scopes
        .missing
        .iter()
        .filter(|s| is_chat_scope(s))
        .cloned()
        .collect();
    let steps = vec![
        FirstStep::Login {
            needs_reauth: channel.needs_reauth,
            missing: scopes.missing,
        },
        FirstStep::Reward {
            rewards: rewards.len(),
            enabled: rewards.iter().filter(|r| r.enabled).count(),
        },
        FirstStep::EventSub {
            connection: eventsub.map(|e| e.connection),
            transport: status.eventsub_transport().to_owned(),
            subscriptions,
            enabled,
        },
        FirstStep::Chat {
            enabled: channel.settings.chat_enabled,
            missing: chat_missing,
        },
        FirstStep::BuildACommunity {
            state: community(ctx, &channel).await?,
        },
    ];
    Ok(FirstSteps {
        login: channel.login,
        steps,
        demo: ctx.is_demo(),
    })
}

/// The scopes chat needs (writing, reading, and the bot badge's).
fn is_chat_scope(scope: &str) -> bool {
    scope.ends_with(":chat") || scope.ends_with(":bot")
}

/// What Twitch's answers say about Build a Community: the last 425 (an activity-log problem
/// `build_a_community_required`) against the last VIP Twitch added for the app (a grant).
async fn community(ctx: &ServerContext, channel: &Channel) -> Result<CommunityState, AppError> {
    let read = |action, limit| AuditQuery {
        action: Some(action),
        viewer_id: None,
        before: None,
        limit,
    };
    let store = ctx.store();
    let problems = store
        .audit_page(&channel.id, &read(AuditAction::TwitchError, PROBLEMS_READ))
        .await
        .or_internal("reading the activity log")?;
    let refused = problems
        .entries
        .iter()
        .find(|e| e.details().problem.as_deref() == Some("build_a_community_required"))
        .map(|e| e.at);
    let granted = store
        .audit_page(&channel.id, &read(AuditAction::Grant, 1))
        .await
        .or_internal("reading the activity log")?
        .entries
        .first()
        .map(|e| e.at);
    Ok(match (refused, granted) {
        (Some(refused), Some(granted)) if granted > refused => CommunityState::Done,
        (Some(refused), _) => CommunityState::Required(refused),
        (None, Some(_)) => CommunityState::Done,
        (None, None) => CommunityState::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_scopes_are_told_apart() {
        for s in [
            "user:write:chat",
            "user:read:chat",
            "user:bot",
            "channel:bot",
        ] {
            assert!(is_chat_scope(s), "{s}");
        }
        for s in ["channel:manage:vips", "moderation:read", "bits:read"] {
            assert!(!is_chat_scope(s), "{s}");
        }
    }
}
