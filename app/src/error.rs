//! The one error type that crosses the wire, shared by pages, server functions and REST handlers.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::model::BadInput;
use crate::server_fns::codec::JsonText;

/// Why Twitch or the VIP rules refused a VIP change. Each has a stable code for the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    SlotsFull,
    IsModerator,
    AlreadyVip,
    BuildACommunityRequired,
    UserBlocked,
    UserNotFound,
    /// A VIP the app did not grant: never changed by the app.
    NotManaged,
    /// The viewer has no active VIP session.
    NotAVip,
    /// Twitch failed after retries: try again later.
    TwitchUnavailable,
    /// Twitch no longer accepts the channel's authorisation.
    NeedsReauth,
    /// Twitch refused the VIP for a reason the app has no rule for (its words are in the log).
    TwitchRefused,
    /// The broadcaster cannot be a VIP of their own channel.
    BroadcasterSelf,
    /// The channel has a reward with this title that the app cannot take over (made on Twitch's
    /// dashboard or by another app), or another of the app's rewards has it.
    DuplicateRewardTitle,
    /// A reward was not deleted: some of its waiting redemptions could not be refunded on Twitch.
    RedemptionsNotRefunded,
    /// A VIP until the stream ends meets a timed one (a grant or an extension either way round):
    /// there is no deadline to add to.
    UntilStreamEnd,
    /// The viewer is on the channel's exclusion list.
    Excluded,
    /// The streamer protects this VIP: the app never changes it.
    Protected,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SlotsFull => "slots_full",
            Self::IsModerator => "is_moderator",
            Self::AlreadyVip => "already_vip",
            Self::BuildACommunityRequired => "build_a_community_required",
            Self::UserBlocked => "user_blocked",
            Self::UserNotFound => "user_not_found",
            Self::NotManaged => "not_managed",
            Self::NotAVip => "not_a_vip",
            Self::TwitchUnavailable => "twitch_unavailable",
            Self::NeedsReauth => "needs_reauth",
            Self::TwitchRefused => "twitch_refused",
            Self::BroadcasterSelf => "broadcaster_self",
            Self::DuplicateRewardTitle => "duplicate_reward_title",
            Self::RedemptionsNotRefunded => "redemptions_not_refunded",
            Self::UntilStreamEnd => "until_stream_end",
            Self::Excluded => "excluded",
            Self::Protected => "protected",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Self::SlotsFull
            | Self::NeedsReauth
            | Self::DuplicateRewardTitle
            | Self::RedemptionsNotRefunded => 409,
            Self::IsModerator
            | Self::AlreadyVip
            | Self::NotManaged
            | Self::TwitchRefused
            | Self::BroadcasterSelf
            | Self::UntilStreamEnd
            | Self::Excluded
            | Self::Protected => 422,
            Self::BuildACommunityRequired => 425,
            Self::UserBlocked => 400,
            Self::UserNotFound | Self::NotAVip => 404,
            Self::TwitchUnavailable => 503,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::SlotsFull => "all VIP slots of the channel are taken",
            Self::IsModerator => "this viewer is a moderator; moderators cannot be VIPs",
            Self::AlreadyVip => "this viewer is already a VIP the app did not grant (permanent)",
            Self::BuildACommunityRequired => {
                "the channel must complete Twitch's Build a Community goal before adding VIPs"
            }
            Self::UserBlocked => "the channel has blocked this viewer",
            Self::UserNotFound => "there is no Twitch user with this name",
            Self::NotManaged => "this VIP was not granted by the app; change it on Twitch",
            Self::NotAVip => "this viewer has no VIP time from the app",
            Self::TwitchUnavailable => "Twitch is not answering right now; please try again",
            Self::NeedsReauth => {
                "Twitch no longer accepts the channel's authorisation; log in again"
            }
            Self::TwitchRefused => {
                "Twitch refused to add this VIP; the activity log has Twitch's words"
            }
            Self::BroadcasterSelf => "the broadcaster cannot be a VIP of their own channel",
            Self::DuplicateRewardTitle => {
                "a reward with this title already exists on your channel; rename it"
            }
            Self::UntilStreamEnd => {
                "VIP until the stream ends and timed VIP do not add up; revoke the VIP first"
            }
            Self::Excluded => {
                "this viewer is on the channel's exclusion list; take them off it first"
            }
            Self::Protected => "this VIP is protected; take the protection away first",
            Self::RedemptionsNotRefunded => {
                "the reward was not deleted: some of its waiting redemptions could not be refunded on Twitch yet (the activity log lists them); try again shortly"
            }
        }
    }
}

/// An error a user may see. Internal failures carry only a reference id; their details are logged on
/// the server under that id and never sent to the browser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    Invalid(String),
    #[error("please log in")]
    Unauthorized,
    #[error("you may not manage this channel")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    #[error("{}", .0.message())]
    Refused(Refusal),
    #[error("request failed: {0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// The HTTP status this error is served with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Internal { .. } | Self::ServerFn(_) => 500,
            Self::Refused(r) => r.status(),
        }
    }
}

impl AppError {
    /// The machine-readable code of the REST API's `{"error": code, "message": text}` bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Internal { .. } | Self::ServerFn(_) => "internal",
            Self::Refused(r) => r.code(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }
}

impl From<BadInput> for AppError {
    /// A refused form input in the words of the page or server function at hand (its language),
    /// and in English elsewhere: the REST API (see [`BadInput::words`]).
    fn from(b: BadInput) -> Self {
        Self::Invalid(b.words())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_show_only_the_reference() {
        let e = AppError::Internal {
            reference: "abc123".into(),
        };
        assert_eq!(
            e.to_string(),
            "something went wrong on our side (reference abc123)"
        );
        assert_eq!(e.status(), 500);
    }

    #[test]
    fn refusals_without_a_rule_and_the_broadcasters_own_are_final_422s() {
        for (r, code) in [
            (Refusal::TwitchRefused, "twitch_refused"),
            (Refusal::BroadcasterSelf, "broadcaster_self"),
        ] {
            let e = AppError::Refused(r);
            assert_eq!((e.code(), e.status()), (code, 422));
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn reward_refusals_are_conflicts_with_their_own_codes() {
        for (refusal, code) in [
            (Refusal::DuplicateRewardTitle, "duplicate_reward_title"),
            (Refusal::RedemptionsNotRefunded, "redemptions_not_refunded"),
        ] {
            let e = AppError::Refused(refusal);
            assert_eq!((e.status(), e.code()), (409, code));
            assert!(!e.to_string().is_empty());
        }
    }
}
