//! The settings form's chat-command fields, read into [`ChatCommands`] and [`ChatIdentity`].

use super::{
    parse_optional, ChatCommands, ChatIdentity, CommandNames, Field, Settings, SettingsForm,
};
use crate::error::AppError;

impl SettingsForm {
    pub(super) fn chat_commands(&self, current: &Settings) -> Result<ChatCommands, AppError> {
        if self.chat_commands_shown.is_none() {
            return Ok(current.chat_commands.clone());
        }
        let list = |v: &str| -> Vec<String> {
            v.split([' ', ',', '\n', '\r', '\t'])
                .map(|n| n.trim().trim_start_matches('@').to_owned())
                .filter(|n| !n.is_empty())
                .collect()
        };
        let cooldown = parse_optional(&self.chat_viewer_cooldown_secs, Field::ViewerCooldown)?
            .map_or(current.chat_commands.viewer_cooldown_secs, u64::from);
        let commands = ChatCommands {
            enabled: self.chat_commands_enabled.is_some(),
            prefix: self.chat_prefix.trim().to_owned(),
            names: CommandNames {
                check: list(&self.chat_check_names),
                manage: list(&self.chat_manage_names),
                add: list(&self.chat_add_names),
                remove: list(&self.chat_remove_names),
            },
            viewer_cooldown_secs: cooldown,
            ignored_bots: list(&self.chat_ignored_bots),
        };
        commands.check().map_err(AppError::Invalid)?;
        Ok(commands)
    }

    pub(super) fn chat_identity(&self, current: &Settings) -> Result<ChatIdentity, AppError> {
        match self.chat_identity.trim() {
            "" => Ok(current.chat_identity),
            "streamer" => Ok(ChatIdentity::Streamer),
            "bot" => Ok(ChatIdentity::Bot),
            other => Err(AppError::Invalid(format!(
                "unknown chat identity “{other}”"
            ))),
        }
    }
}
