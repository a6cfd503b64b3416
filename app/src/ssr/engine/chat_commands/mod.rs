//! Chat commands: a message from `channel.chat.message` in, the same use cases as the dashboard
//! (grant, revoke, extend, set expiry) with the chatter as the actor, and a threaded reply out.
//!
//! A message is read as a command only when the channel has chat commands on, it was sent in this
//! channel (in a Shared Chat session, messages from partner channels are ignored), and its chatter
//! is not a bot the channel ignores. Each message acts at most once: its id is remembered in the
//! store before anything is done, so a redelivery (another transport, another instance, a restart)
//! stops there. Managing VIPs takes the broadcaster, or a moderator or lead moderator where the
//! channel lets moderators manage VIPs (the dashboard's setting). `!vip` answers each viewer at
//! most once per cooldown.

mod commands;
mod outbox;
pub mod replies;
mod speaker;

use std::time::Duration;

pub use outbox::{ChatOutbox, Reply, Take};

use super::effects::Happened;
use super::{Engine, EngineResult};
use crate::i18n::chat_words::chat_words;
use crate::model::{
    parse_command, Actor, AuditAction, AuditDetails, Channel, ChatCommand, LiveKind,
};
use crate::ssr::events::ChatMessage;
use crate::ssr::new_id;

/// How long a chat message id is remembered (Twitch redelivers within minutes).
const REMEMBER_FOR: Duration = Duration::from_secs(24 * 3_600);

impl Engine {
    /// Reads one chat message and acts on the command it holds, if any.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn handle_chat(&self, message: ChatMessage) -> EngineResult<()> {
        let Some(channel) = self.store.channel(&message.channel).await? else {
            return Ok(());
        };
        let settings = &channel.settings.chat_commands;
        if message.from_partner_channel() {
            tracing::debug!(channel = %channel.id, "a Shared Chat message from a partner channel; ignored");
            return Ok(());
        }
        if settings.ignores(&message.chatter.login) {
            return Ok(());
        }
        let Some(parsed) = parse_command(&message.text, settings) else {
            return Ok(());
        };
        let key = format!("chat-command:{}", message.message_id);
        if !self
            .store
            .remember_message(&key, self.now(), REMEMBER_FOR)
            .await?
        {
            tracing::debug!(channel = %channel.id, "chat command seen before; not acted on again");
            return Ok(());
        }
        let may_manage = message.is_broadcaster()
            || (message.is_moderator() && channel.settings.moderators_can_manage);
        let text = match parsed {
            Ok(ChatCommand::Check) => match self.check(&channel, &message).await? {
                Some(text) => text,
                None => return Ok(()),
            },
            Ok(_) | Err(_) if !may_manage => {
                // Refusals to viewers share the `!vip` cooldown, so they cannot be used to spam.
                if !self.cooldown_free(&channel, &message).await? {
                    return Ok(());
                }
                chat_words(channel.settings.language).not_allowed.to_owned()
            }
            Err(e) => {
                let manage = settings.names.manage.first().map_or("vips", String::as_str);
                e.reply(&settings.prefix, manage, channel.settings.language)
            }
            Ok(command) => {
                self.moderate(&channel, &message, actor(&message), command)
                    .await?
            }
        };
        let text = if text.starts_with('@') {
            text
        } else {
            format!("@{} {text}", message.chatter.display_name)
        };
        self.reply(
            &channel,
            Reply {
                text,
                parent: Some(message.message_id.clone()),
            },
        )
        .await;
        Ok(())
    }

    /// Whether the viewer's cooldown allows an answer now (and starts it). The cooldown is a
    /// store lease that is never released, so it holds across instances and lapses by itself.
    async fn cooldown_free(&self, channel: &Channel, message: &ChatMessage) -> EngineResult<bool> {
        let secs = channel.settings.chat_commands.viewer_cooldown_secs;
        if secs == 0 {
            return Ok(true);
        }
        let name = format!("chat-cooldown:{}:{}", channel.id, message.chatter.id);
        Ok(self
            .store
            .acquire_lease(&name, &new_id(), self.now(), Duration::from_secs(secs))
            .await?)
    }

    /// Queues a reply and sends what the channel's chat rate allows, waiting for the window when
    /// it is full. A reply Twitch does not take is logged and written to the activity log.
    async fn reply(&self, channel: &Channel, reply: Reply) {
        let limit = self.reply_limit(channel).await;
        self.chat_outbox.push(&channel.id, reply);
        loop {
            match self.chat_outbox.take(&channel.id, self.now(), limit) {
                Take::Done => return,
                Take::Wait(pause) => self.clock.sleep(pause).await,
                Take::Send(batch) => {
                    for reply in batch {
                        self.send_reply(channel, reply).await;
                    }
                    return;
                }
            }
        }
    }

    async fn send_reply(&self, channel: &Channel, reply: Reply) {
        let sent = self
            .speak(channel, &reply.text, reply.parent.as_deref())
            .await;
        let problem = match sent {
            Ok(true) => return,
            Ok(false) => "Twitch dropped the message".to_owned(),
            Err(e) => e.to_string(),
        };
        tracing::warn!(channel = %channel.id, error = %problem, "a chat command's reply was not sent");
        let happened = Happened::new(
            AuditAction::TwitchError,
            Actor::System,
            None,
            AuditDetails {
                chat_reply: Some(reply.text.clone()),
                error: Some(problem),
                ..AuditDetails::default()
            },
        )
        .live(LiveKind::TwitchError, None);
        let audit = self.record(channel, happened).await;
        match audit {
            Ok(_) => {}
            Err(e) => tracing::error!(channel = %channel.id, error = %e,
                "cannot record an unsent chat reply"),
        }
    }
}

/// The chatter as the activity log names them.
fn actor(message: &ChatMessage) -> Actor {
    let (id, login) = (message.chatter.id.clone(), message.chatter.login.clone());
    if message.is_broadcaster() {
        Actor::Streamer { id, login }
    } else if message.is_moderator() {
        Actor::Moderator { id, login }
    } else {
        Actor::Viewer { id, login }
    }
}
