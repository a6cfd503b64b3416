//! Each chat command over the engine's use cases, answered in words.

use super::replies;
use crate::model::{Actor, Channel, ChatCommand, GrantLength, Viewer, VipDuration};
use crate::ssr::engine::{
    Engine, EngineError, EngineResult, ExtendOutcome, GrantOutcome, PendingReason, RevokeOutcome,
};
use crate::ssr::events::ChatMessage;
use crate::ssr::twitch::TwitchError;

/// The answer to `!vips setexpire @user stream_end`: a deadline is a time, and a VIP until the stream
/// ends is granted as such.
const SETEXPIRE_STREAM_END: &str =
    "setexpire takes a time such as 1d; to make a VIP last until the stream ends, remove it and add it with stream_end";

impl Engine {
    /// `!vip`: `None` while the viewer's cooldown runs.
    pub(super) async fn check(
        &self,
        channel: &Channel,
        message: &ChatMessage,
    ) -> EngineResult<Option<String>> {
        if !self.cooldown_free(channel, message).await? {
            return Ok(None);
        }
        let session = self
            .store
            .active_session(&channel.id, &message.chatter.id)
            .await?;
        Ok(Some(replies::check(session.as_ref(), self.now())))
    }

    /// A moderation command by someone allowed to give it.
    pub(super) async fn moderate(
        &self,
        channel: &Channel,
        message: &ChatMessage,
        actor: Actor,
        command: ChatCommand,
    ) -> EngineResult<String> {
        let result = match command {
            ChatCommand::Check => return Ok(replies::check(None, self.now())),
            ChatCommand::List => {
                let sessions = self.store.active_sessions(&channel.id).await?;
                let mention = format!("@{}", message.chatter.display_name);
                return Ok(replies::list(&mention, &sessions, self.now()));
            }
            ChatCommand::Add { login, length } => {
                let length = length.unwrap_or(GrantLength::For(channel.settings.default_duration));
                self.add(channel, &login, length, actor).await
            }
            ChatCommand::Remove { login } => self.remove(channel, &login, actor).await,
            ChatCommand::Extend { login, by } => {
                self.change(channel, &login, actor, Change::Extend(by))
                    .await
            }
            ChatCommand::SetExpire { login, length } => match length {
                GrantLength::For(d) => {
                    self.change(channel, &login, actor, Change::SetExpiry(d))
                        .await
                }
                GrantLength::StreamEnd => return Ok(SETEXPIRE_STREAM_END.into()),
            },
        };
        match result {
            Ok(text) => Ok(text),
            Err(EngineError::Twitch(e)) => Ok(twitch_problem(&e)),
            Err(EngineError::Contended) => Ok("that VIP is changing right now; try again".into()),
            Err(e) => Err(e),
        }
    }

    /// The viewer a login names, or the reply saying why not.
    async fn viewer(&self, channel: &Channel, login: &str) -> EngineResult<Result<Viewer, String>> {
        match self.twitch.user_by_login(&channel.id, login).await {
            Ok(Some(user)) => Ok(Ok(Viewer::from(user))),
            Ok(None) => Ok(Err(format!("there is no Twitch user “{login}”"))),
            Err(e) => Ok(Err(twitch_problem(&e))),
        }
    }

    async fn add(
        &self,
        channel: &Channel,
        login: &str,
        length: GrantLength,
        actor: Actor,
    ) -> EngineResult<String> {
        let viewer = match self.viewer(channel, login).await? {
            Ok(v) => v,
            Err(reply) => return Ok(reply),
        };
        let name = viewer.display_name.clone();
        Ok(
            match self
                .grant_manual(&channel.id, viewer, length, actor)
                .await?
            {
                GrantOutcome::Granted(s) | GrantOutcome::Extended(s) => match s.expires_at {
                    Some(until) => format!(
                        "{name} is VIP for {}",
                        replies::time_left(until, self.now())
                    ),
                    None if s.ends_with_stream() => format!("{name} is VIP until the stream ends"),
                    None => format!("{name} is VIP"),
                },
                GrantOutcome::Waitlisted => {
                    format!("all VIP slots are taken; {name} is on the waitlist")
                }
                GrantOutcome::Refunded(reason) => replies::refused(&name, reason),
                GrantOutcome::Pending(PendingReason::NeedsReauth) => {
                    "the streamer must log in to the VIP manager again".into()
                }
                GrantOutcome::Pending(PendingReason::TwitchUnavailable)
                | GrantOutcome::Duplicate
                | GrantOutcome::Ignored(_) => "Twitch did not answer; try again".into(),
            },
        )
    }

    async fn remove(&self, channel: &Channel, login: &str, actor: Actor) -> EngineResult<String> {
        let viewer = match self.viewer(channel, login).await? {
            Ok(v) => v,
            Err(reply) => return Ok(reply),
        };
        let name = viewer.display_name;
        Ok(match self.revoke(&channel.id, &viewer.id, actor).await? {
            RevokeOutcome::Revoked(_) => format!("{name} is no longer VIP"),
            RevokeOutcome::NotActive => format!("{name} is not a timed VIP"),
            RevokeOutcome::NotManaged => not_managed(&name),
        })
    }

    async fn change(
        &self,
        channel: &Channel,
        login: &str,
        actor: Actor,
        change: Change,
    ) -> EngineResult<String> {
        let viewer = match self.viewer(channel, login).await? {
            Ok(v) => v,
            Err(reply) => return Ok(reply),
        };
        let name = viewer.display_name;
        let outcome = match change {
            Change::Extend(by) => self.extend(&channel.id, &viewer.id, by, actor).await?,
            Change::SetExpiry(to) => self.set_expiry(&channel.id, &viewer.id, to, actor).await?,
        };
        Ok(match outcome {
            ExtendOutcome::Extended(s) => match s.expires_at {
                Some(until) => format!(
                    "{name}'s VIP now ends in {}",
                    replies::time_left(until, self.now())
                ),
                None => format!("{name} is VIP"),
            },
            ExtendOutcome::NotActive => format!("{name} is not a timed VIP"),
            ExtendOutcome::NotManaged => not_managed(&name),
            ExtendOutcome::UntilStreamEnd => {
                format!("{name}'s VIP lasts until the stream ends; there is no time to change")
            }
        })
    }
}

enum Change {
    Extend(VipDuration),
    SetExpiry(VipDuration),
}

fn not_managed(name: &str) -> String {
    format!("{name} is a permanent VIP; the app only changes VIPs it granted")
}

fn twitch_problem(e: &TwitchError) -> String {
    tracing::warn!(error = %e, "Twitch failed a chat command");
    match e {
        TwitchError::Unauthorized => "the streamer must log in to the VIP manager again".into(),
        _ => "Twitch did not answer; try again".into(),
    }
}
