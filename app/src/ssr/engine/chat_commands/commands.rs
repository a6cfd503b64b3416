//! Each chat command over the engine's use cases, answered in words.

use super::replies;
use crate::i18n::chat_words::{chat_words, ChatWords};
use crate::model::{Actor, Channel, ChatCommand, GrantLength, Viewer, VipDuration};
use crate::ssr::engine::{
    Engine, EngineError, EngineResult, ExtendOutcome, GrantOutcome, PendingReason, RevokeOutcome,
};
use crate::ssr::events::ChatMessage;
use crate::ssr::twitch::TwitchError;

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
        let w = chat_words(channel.settings.language);
        Ok(Some(replies::check(session.as_ref(), self.now(), w)))
    }

    /// A moderation command by someone allowed to give it.
    pub(super) async fn moderate(
        &self,
        channel: &Channel,
        message: &ChatMessage,
        actor: Actor,
        command: ChatCommand,
    ) -> EngineResult<String> {
        let w = chat_words(channel.settings.language);
        let result = match command {
            ChatCommand::Check => return Ok(replies::check(None, self.now(), w)),
            ChatCommand::List => {
                let sessions = self.store.active_sessions(&channel.id).await?;
                let mention = format!("@{}", message.chatter.display_name);
                return Ok(replies::list(&mention, &sessions, self.now(), w));
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
                // A deadline is a time; a VIP until the stream ends is granted as such.
                GrantLength::StreamEnd => return Ok(w.setexpire_stream_end.into()),
            },
        };
        match result {
            Ok(text) => Ok(text),
            Err(EngineError::Twitch(e)) => Ok(twitch_problem(&e, w)),
            Err(EngineError::Contended) => Ok(w.contended.into()),
            Err(e) => Err(e),
        }
    }

    /// The viewer a login names, or the reply saying why not.
    async fn viewer(&self, channel: &Channel, login: &str) -> EngineResult<Result<Viewer, String>> {
        let w = chat_words(channel.settings.language);
        match self.twitch.user_by_login(&channel.id, login).await {
            Ok(Some(user)) => Ok(Ok(Viewer::from(user))),
            Ok(None) => Ok(Err((w.no_user)(login))),
            Err(e) => Ok(Err(twitch_problem(&e, w))),
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
        let w = chat_words(channel.settings.language);
        Ok(
            match self
                .grant_manual(&channel.id, viewer, length, actor)
                .await?
            {
                GrantOutcome::Granted(s) | GrantOutcome::Extended(s) => match s.expires_at {
                    Some(until) => (w.vip_for)(&name, &replies::time_left(until, self.now(), w)),
                    None if s.ends_with_stream() => (w.vip_until_stream_end)(&name),
                    None => (w.vip)(&name),
                },
                GrantOutcome::Waitlisted => (w.waitlisted)(&name),
                GrantOutcome::Refunded(reason) => {
                    replies::refused(&name, reason, channel.settings.language)
                }
                GrantOutcome::Pending(PendingReason::NeedsReauth) => w.reauth.into(),
                GrantOutcome::Pending(PendingReason::TwitchUnavailable)
                | GrantOutcome::Duplicate
                | GrantOutcome::Ignored(_) => w.no_answer.into(),
            },
        )
    }

    async fn remove(&self, channel: &Channel, login: &str, actor: Actor) -> EngineResult<String> {
        let viewer = match self.viewer(channel, login).await? {
            Ok(v) => v,
            Err(reply) => return Ok(reply),
        };
        let name = viewer.display_name;
        let w = chat_words(channel.settings.language);
        Ok(match self.revoke(&channel.id, &viewer.id, actor).await? {
            RevokeOutcome::Revoked(_) => (w.removed)(&name),
            RevokeOutcome::NotActive => (w.not_timed)(&name),
            RevokeOutcome::NotManaged => (w.not_managed)(&name),
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
        let w = chat_words(channel.settings.language);
        let outcome = match change {
            Change::Extend(by) => self.extend(&channel.id, &viewer.id, by, actor).await?,
            Change::SetExpiry(to) => self.set_expiry(&channel.id, &viewer.id, to, actor).await?,
        };
        Ok(match outcome {
            ExtendOutcome::Extended(s) => match s.expires_at {
                Some(until) => (w.now_ends_in)(&name, &replies::time_left(until, self.now(), w)),
                None => (w.vip)(&name),
            },
            ExtendOutcome::NotActive => (w.not_timed)(&name),
            ExtendOutcome::NotManaged => (w.not_managed)(&name),
            ExtendOutcome::UntilStreamEnd => (w.stream_end_no_time)(&name),
        })
    }
}

enum Change {
    Extend(VipDuration),
    SetExpiry(VipDuration),
}

fn twitch_problem(e: &TwitchError, w: &ChatWords) -> String {
    tracing::warn!(error = %e, "Twitch failed a chat command");
    match e {
        TwitchError::Unauthorized => w.reauth.into(),
        _ => w.no_answer.into(),
    }
}
