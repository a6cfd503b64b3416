//! A channel's chat commands and the account that speaks in chat: settings, with their checks.

use serde::{Deserialize, Serialize};

/// Who reads and writes the channel's chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatIdentity {
    /// The streamer's own account (no set-up): `user:read:chat` and `user:write:chat` from the
    /// streamer (plus `user:bot` and `channel:bot` on the webhook transport).
    #[default]
    Streamer,
    /// The app's chat bot, connected once by the operator; the streamer grants `channel:bot`.
    Bot,
}

/// The names a command answers to (without the prefix), the first being the one shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandNames {
    /// A viewer asks how long their VIP lasts: `!vip`, `!checkvip`.
    pub check: Vec<String>,
    /// The moderators' command with sub-commands: `!vips add|remove|extend|setexpire|list`.
    pub manage: Vec<String>,
    /// Shortcut for `!vips add`: `!addvip`.
    pub add: Vec<String>,
    /// Shortcut for `!vips remove`: `!removevip`.
    pub remove: Vec<String>,
}

impl Default for CommandNames {
    fn default() -> Self {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect();
        Self {
            check: names(&["vip", "checkvip"]),
            manage: names(&["vips"]),
            add: names(&["addvip"]),
            remove: names(&["removevip"]),
        }
    }
}

/// Chat commands of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatCommands {
    /// Commands are read (needs the chat scopes; see the scope list).
    pub enabled: bool,
    /// What a command starts with: 1 to 3 characters, no spaces.
    pub prefix: String,
    #[serde(default)]
    pub names: CommandNames,
    /// How long a viewer waits between two answers to their `!vip`.
    #[serde(default = "default_cooldown")]
    pub viewer_cooldown_secs: u64,
    /// Other bots whose messages are never read as commands (logins, any case).
    #[serde(default)]
    pub ignored_bots: Vec<String>,
}

fn default_cooldown() -> u64 {
    30
}

/// Most characters a prefix may have.
pub const MAX_PREFIX_CHARS: usize = 3;
/// Most characters a command name may have.
pub const MAX_COMMAND_NAME_CHARS: usize = 25;

impl Default for ChatCommands {
    /// A new channel: on (it takes effect once the streamer granted the chat scopes).
    fn default() -> Self {
        Self {
            enabled: true,
            prefix: "!".into(),
            names: CommandNames::default(),
            viewer_cooldown_secs: default_cooldown(),
            ignored_bots: Vec::new(),
        }
    }
}

impl ChatCommands {
    /// Settings stored before chat commands existed: off, so that no channel is asked for new
    /// scopes it never chose.
    pub fn stored_before() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Whether `login` is one of the bots to ignore.
    pub fn ignores(&self, login: &str) -> bool {
        self.ignored_bots
            .iter()
            .any(|b| b.trim().trim_start_matches('@').eq_ignore_ascii_case(login))
    }

    /// Checks what the types cannot: the prefix, the names (letters, digits and `_`, each name
    /// used once), and the ignored bots' logins.
    ///
    /// # Errors
    /// A sentence naming the problem.
    pub fn check(&self) -> Result<(), String> {
        let prefix = self.prefix.chars().count();
        if prefix == 0 || prefix > MAX_PREFIX_CHARS || self.prefix.chars().any(char::is_whitespace)
        {
            return Err(format!(
                "the command prefix must be 1 to {MAX_PREFIX_CHARS} characters without spaces"
            ));
        }
        let n = &self.names;
        let mut seen: Vec<String> = Vec::new();
        for (what, names) in [
            ("check", &n.check),
            ("manage", &n.manage),
            ("add", &n.add),
            ("remove", &n.remove),
        ] {
            for name in names {
                let ok = !name.is_empty()
                    && name.chars().count() <= MAX_COMMAND_NAME_CHARS
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !ok {
                    return Err(format!(
                        "the {what} command name “{name}” must be 1 to {MAX_COMMAND_NAME_CHARS} letters, digits or _"
                    ));
                }
                let lower = name.to_lowercase();
                if seen.contains(&lower) {
                    return Err(format!("the command name “{name}” is used twice"));
                }
                seen.push(lower);
            }
        }
        if n.check.is_empty() && n.manage.is_empty() && n.add.is_empty() && n.remove.is_empty() {
            return Err("chat commands need at least one command name".into());
        }
        if let Some(bad) = self.ignored_bots.iter().find(|b| {
            let b = b.trim().trim_start_matches('@');
            b.is_empty()
                || b.len() > 25
                || !b.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            return Err(format!("“{bad}” is not a Twitch login"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_both_peer_styles_are_named() {
        let c = ChatCommands::default();
        assert_eq!(c.check(), Ok(()));
        assert!(c.enabled);
        assert!(!ChatCommands::stored_before().enabled);
        assert!(c.names.check.contains(&"checkvip".to_owned()));
        assert!(c.names.add.contains(&"addvip".to_owned()));
    }

    #[test]
    fn bad_prefixes_names_and_bots_are_named() {
        let with = |f: fn(&mut ChatCommands)| {
            let mut c = ChatCommands::default();
            f(&mut c);
            c.check()
        };
        assert!(with(|c| c.prefix = String::new()).is_err());
        assert!(with(|c| c.prefix = "! ".into()).is_err());
        assert!(with(|c| c.prefix = "!!!!".into()).is_err());
        assert_eq!(with(|c| c.prefix = "?".into()), Ok(()));
        assert!(with(|c| c.names.add.push("VIP".into()))
            .unwrap_err()
            .contains("twice"));
        assert!(with(|c| c.names.add.push("a b".into())).is_err());
        assert!(with(|c| c.ignored_bots.push("night bot".into())).is_err());
        assert_eq!(with(|c| c.ignored_bots.push("@Nightbot".into())), Ok(()));
    }

    #[test]
    fn ignored_bots_match_any_case_and_an_at_sign() {
        let c = ChatCommands {
            ignored_bots: vec!["@Nightbot".into(), "streamelements".into()],
            ..ChatCommands::default()
        };
        assert!(c.ignores("nightbot"));
        assert!(c.ignores("StreamElements"));
        assert!(!c.ignores("viewer"));
    }
}
