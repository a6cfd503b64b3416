//! Final Helix statuses → domain outcomes, as pure functions (one unit test per row): the generic
//! rules (401 Unauthorized, 403 Forbidden, 404 NotFound, 5xx Transient, other 4xx Rejected with
//! Twitch's message) and the VIP endpoints' own (409 slots full, 422 moderator / already VIP / not a
//! VIP, 425 Build a Community, 400 blocked, 404 unknown viewer), and the reward endpoints' duplicate
//! title. A 400 on add that does not say "blocked", or a 422 that is neither role, is Rejected with
//! Twitch's message: the engine refunds it as a refusal it has no rule for.

use app::ssr::twitch::{AddVipError, RemoveVipOutcome, RewardError, TwitchError};

/// A final non-success status of an endpoint without specific rules.
pub fn error(status: u16, message: &str) -> TwitchError {
    match status {
        401 => TwitchError::Unauthorized,
        403 => TwitchError::Forbidden(or_status(message, status)),
        404 => TwitchError::NotFound,
        s if s >= 500 => TwitchError::Transient(format!("Twitch answered {s}")),
        s => TwitchError::Rejected(or_status(message, s)),
    }
}

fn or_status(message: &str, status: u16) -> String {
    if message.is_empty() {
        format!("Twitch answered {status}")
    } else {
        message.to_owned()
    }
}

/// The message Twitch gives a 400 of Create / Update Custom Reward when the channel has a reward
/// with that title: `CREATE_CUSTOM_REWARD_DUPLICATE_REWARD` or `UPDATE_CUSTOM_REWARD_DUPLICATE_REWARD`
/// (the reference lists "the title must be unique" among the 400s; the message is the code alone).
const DUPLICATE_REWARD: &str = "_CUSTOM_REWARD_DUPLICATE_REWARD";

/// A final non-success status of Create or Update Custom Reward.
pub fn reward_error(status: u16, message: &str) -> RewardError {
    if status == 400 && message.contains(DUPLICATE_REWARD) {
        RewardError::DuplicateTitle
    } else {
        RewardError::Twitch(error(status, message))
    }
}

/// What Add Channel VIP's final status means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddVipVerdict {
    Added,
    Refused(AddVipError),
    /// 422: moderator or already a VIP; Get Moderators / Get VIPs tell which.
    CheckRoles,
}

pub fn add_vip(status: u16, message: &str) -> AddVipVerdict {
    match status {
        200..=299 => AddVipVerdict::Added,
        // Add Channel VIP's 400 means a blocked user, or an invalid broadcaster_id / user_id.
        400 if message.is_empty() || message.to_lowercase().contains("blocked") => {
            AddVipVerdict::Refused(AddVipError::UserBlocked)
        }
        404 => AddVipVerdict::Refused(AddVipError::UserNotFound),
        409 => AddVipVerdict::Refused(AddVipError::SlotsFull),
        422 => AddVipVerdict::CheckRoles,
        425 => AddVipVerdict::Refused(AddVipError::BuildACommunityRequired),
        s => AddVipVerdict::Refused(AddVipError::Twitch(error(s, message))),
    }
}

/// After a 422: which role Twitch meant. `message` is the 422's own message.
pub fn add_vip_roles(is_moderator: bool, is_vip: bool, message: &str) -> AddVipError {
    if is_moderator {
        AddVipError::IsModerator
    } else if is_vip {
        AddVipError::AlreadyVip
    } else {
        AddVipError::Twitch(TwitchError::Rejected(or_status(message, 422)))
    }
}

pub fn remove_vip(status: u16, message: &str) -> Result<RemoveVipOutcome, TwitchError> {
    match status {
        200..=299 => Ok(RemoveVipOutcome::Removed),
        422 => Ok(RemoveVipOutcome::NotAVip),
        s => Err(error(s, message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_errors() {
        assert_eq!(error(401, "x"), TwitchError::Unauthorized);
        assert_eq!(error(403, "no"), TwitchError::Forbidden("no".into()));
        assert_eq!(error(404, "gone"), TwitchError::NotFound);
        assert_eq!(
            error(502, "bad"),
            TwitchError::Transient("Twitch answered 502".into())
        );
        assert_eq!(
            error(400, "The title must be unique"),
            TwitchError::Rejected("The title must be unique".into())
        );
        assert_eq!(
            error(422, ""),
            TwitchError::Rejected("Twitch answered 422".into())
        );
    }

    #[test]
    fn reward_duplicates_are_told_apart() {
        for message in [
            "CREATE_CUSTOM_REWARD_DUPLICATE_REWARD",
            "UPDATE_CUSTOM_REWARD_DUPLICATE_REWARD",
        ] {
            assert_eq!(reward_error(400, message), RewardError::DuplicateTitle);
        }
        assert_eq!(
            reward_error(400, "The cost must be at least 1"),
            RewardError::Twitch(TwitchError::Rejected("The cost must be at least 1".into()))
        );
        assert_eq!(
            reward_error(403, "CREATE_CUSTOM_REWARD_DUPLICATE_REWARD"),
            RewardError::Twitch(TwitchError::Forbidden(
                "CREATE_CUSTOM_REWARD_DUPLICATE_REWARD".into()
            ))
        );
    }

    #[test]
    fn add_vip_rows() {
        use AddVipVerdict::*;
        assert_eq!(add_vip(204, ""), Added);
        assert_eq!(add_vip(400, "blocked"), Refused(AddVipError::UserBlocked));
        assert_eq!(
            add_vip(
                400,
                "The user in user_id is blocked from the broadcaster's channel."
            ),
            Refused(AddVipError::UserBlocked)
        );
        assert_eq!(add_vip(400, ""), Refused(AddVipError::UserBlocked));
        assert_eq!(
            add_vip(400, "The ID in user_id is not valid"),
            Refused(AddVipError::Twitch(TwitchError::Rejected(
                "The ID in user_id is not valid".into()
            )))
        );
        assert_eq!(add_vip(404, ""), Refused(AddVipError::UserNotFound));
        assert_eq!(add_vip(409, ""), Refused(AddVipError::SlotsFull));
        assert_eq!(add_vip(422, ""), CheckRoles);
        assert_eq!(
            add_vip(425, ""),
            Refused(AddVipError::BuildACommunityRequired)
        );
        assert_eq!(
            add_vip(403, "not yours"),
            Refused(AddVipError::Twitch(TwitchError::Forbidden(
                "not yours".into()
            )))
        );
        assert_eq!(
            add_vip(401, ""),
            Refused(AddVipError::Twitch(TwitchError::Unauthorized))
        );
    }

    #[test]
    fn add_vip_422_rows() {
        assert_eq!(add_vip_roles(true, false, "m"), AddVipError::IsModerator);
        assert_eq!(add_vip_roles(false, true, "m"), AddVipError::AlreadyVip);
        assert_eq!(
            add_vip_roles(false, false, "odd"),
            AddVipError::Twitch(TwitchError::Rejected("odd".into()))
        );
    }

    #[test]
    fn remove_vip_rows() {
        assert_eq!(remove_vip(204, ""), Ok(RemoveVipOutcome::Removed));
        assert_eq!(remove_vip(422, ""), Ok(RemoveVipOutcome::NotAVip));
        assert_eq!(remove_vip(404, ""), Err(TwitchError::NotFound));
        assert_eq!(
            remove_vip(403, "f"),
            Err(TwitchError::Forbidden("f".into()))
        );
        assert_eq!(
            remove_vip(400, "bad id"),
            Err(TwitchError::Rejected("bad id".into()))
        );
    }
}
