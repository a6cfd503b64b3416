//! The chat command grammar. Pure: a chat message and the channel's [`ChatCommands`] in, a
//! [`ChatCommand`] (or the reason it is not one) out.
//!
//! ```text
//! !vip | !checkvip                         how long my VIP lasts
//! !vips add @user [DURATION|stream_end]    (alias !addvip @user …)
//! !vips remove @user                       (alias !removevip @user)
//! !vips extend @user DURATION
//! !vips setexpire @user DURATION|stream_end
//! !vips list
//! ```
//!
//! DURATION is one token read by [`VipDuration::parse_token`] (`90s`, `45m`, `1h30m`, `2d`, `1w`).
//! Names and sub-commands are matched in any case; `@` before a login is optional. Characters that
//! chat clients add to repeat a message (U+E0000 and zero-width ones) are ignored.

use super::{ChatCommands, DurationError, GrantLength, VipDuration, STREAM_END};

/// A command read from chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatCommand {
    /// A viewer asks how long their VIP lasts.
    Check,
    /// `None`: the channel's default duration.
    Add {
        login: String,
        length: Option<GrantLength>,
    },
    Remove {
        login: String,
    },
    Extend {
        login: String,
        by: VipDuration,
    },
    SetExpire {
        login: String,
        length: GrantLength,
    },
    List,
}

impl ChatCommand {
    /// Whether only moderators, lead moderators and the broadcaster may use it.
    pub fn is_moderation(&self) -> bool {
        !matches!(self, Self::Check)
    }
}

/// Why a message that names a command is not a valid one. Each has a short reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// `!vips` without a known sub-command.
    UnknownSubcommand(String),
    MissingUser,
    BadUser(String),
    MissingDuration,
    BadDuration(DurationError),
    /// `stream_end` where only a duration makes sense (`extend`).
    StreamEndNotHere,
    /// Words after the command's last argument.
    TooManyArguments,
}

impl CommandError {
    /// The reply's text (without the mention), naming the problem and the usage, in the
    /// channel's language (`None`: English). Server-side only: the browser never answers chat.
    #[cfg(feature = "ssr")]
    pub fn reply(&self, prefix: &str, manage: &str, lang: Option<crate::i18n::Lang>) -> String {
        let w = crate::i18n::chat_words::chat_words(lang);
        let usage = (w.usage)(&format!("{prefix}{manage}"));
        match self {
            Self::UnknownSubcommand(s) if s.is_empty() => usage,
            Self::UnknownSubcommand(s) => (w.unknown_sub)(s, &usage),
            Self::MissingUser => (w.missing_user)(&usage),
            Self::BadUser(u) => (w.bad_user)(u),
            Self::MissingDuration => w.missing_duration.into(),
            Self::BadDuration(e) => (lang.unwrap_or_default().texts().home.duration_error)(e),
            Self::StreamEndNotHere => w.stream_end_not_here.into(),
            Self::TooManyArguments => (w.too_many)(&usage),
        }
    }
}

/// Reads a chat message. `None`: not a command of this channel (chat commands off, no prefix, or
/// a name the channel does not use). `Some(Err)`: a command with bad arguments.
pub fn parse_command(
    text: &str,
    settings: &ChatCommands,
) -> Option<Result<ChatCommand, CommandError>> {
    if !settings.enabled {
        return None;
    }
    let cleaned: String = text
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{E0000}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
            )
        })
        .collect();
    let rest = cleaned
        .trim_start()
        .strip_prefix(settings.prefix.as_str())?;
    if rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let name = words.next()?.to_lowercase();
    let is = |names: &[String]| names.iter().any(|n| n.to_lowercase() == name);
    let n = &settings.names;
    let args: Vec<&str> = words.collect();
    if is(&n.check) {
        return Some(Ok(ChatCommand::Check));
    }
    if is(&n.add) {
        return Some(add(&args));
    }
    if is(&n.remove) {
        return Some(remove(&args));
    }
    if !is(&n.manage) {
        return None;
    }
    let Some((sub, args)) = args.split_first() else {
        return Some(Err(CommandError::UnknownSubcommand(String::new())));
    };
    Some(match sub.to_lowercase().as_str() {
        "add" => add(args),
        "remove" => remove(args),
        "extend" => extend(args),
        "setexpire" => set_expire(args),
        "list" if args.is_empty() => Ok(ChatCommand::List),
        "list" => Err(CommandError::TooManyArguments),
        other => Err(CommandError::UnknownSubcommand(
            other.chars().take(25).collect(),
        )),
    })
}

/// A Twitch login from `@name` or `name`: 1 to 25 letters, digits or `_`, lower-cased.
fn login(word: Option<&&str>) -> Result<String, CommandError> {
    let word = word.ok_or(CommandError::MissingUser)?;
    let name = word.strip_prefix('@').unwrap_or(word);
    let ok = !name.is_empty()
        && name.len() <= 25
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(CommandError::BadUser(word.chars().take(25).collect()))
    }
}

fn length(word: &str) -> Result<GrantLength, CommandError> {
    if word.eq_ignore_ascii_case(STREAM_END) {
        return Ok(GrantLength::StreamEnd);
    }
    VipDuration::parse_token(word)
        .map(GrantLength::For)
        .map_err(CommandError::BadDuration)
}

fn no_more(args: &[&str], used: usize) -> Result<(), CommandError> {
    if args.len() > used {
        Err(CommandError::TooManyArguments)
    } else {
        Ok(())
    }
}

fn add(args: &[&str]) -> Result<ChatCommand, CommandError> {
    let login = login(args.first())?;
    let length = args.get(1).map(|w| length(w)).transpose()?;
    no_more(args, 2)?;
    Ok(ChatCommand::Add { login, length })
}

fn remove(args: &[&str]) -> Result<ChatCommand, CommandError> {
    let login = login(args.first())?;
    no_more(args, 1)?;
    Ok(ChatCommand::Remove { login })
}

fn extend(args: &[&str]) -> Result<ChatCommand, CommandError> {
    let login = login(args.first())?;
    let by = match length(args.get(1).ok_or(CommandError::MissingDuration)?)? {
        GrantLength::For(d) => d,
        GrantLength::StreamEnd => return Err(CommandError::StreamEndNotHere),
    };
    no_more(args, 2)?;
    Ok(ChatCommand::Extend { login, by })
}

fn set_expire(args: &[&str]) -> Result<ChatCommand, CommandError> {
    let login = login(args.first())?;
    let length = length(args.get(1).ok_or(CommandError::MissingDuration)?)?;
    no_more(args, 2)?;
    Ok(ChatCommand::SetExpire { login, length })
}

#[cfg(test)]
mod tests;
