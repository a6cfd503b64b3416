//! The settings page's reward forms over the reward use cases in [`super::rewards`]: a posted form
//! becomes a [`RewardInput`], and enabling or disabling re-sends the reward as stored with the one
//! flag changed.

use super::auth::Caller;
use super::rewards::{self, RewardInput};
use super::twitch::RewardSpec;
use super::ServerContext;
use crate::error::AppError;
use crate::model::{
    parse_optional, BadInput, ChannelId, Field, GrantLength, Reward, RewardForm, VipDuration,
    STREAM_END,
};

/// The reward a form asks for. The cooldown is typed in minutes; blank limits are no limit.
///
/// # Errors
/// [`AppError::Invalid`] naming the field that does not parse (Twitch's own rules are checked by
/// [`rewards::validate`] when the reward is saved).
pub fn input(form: &RewardForm) -> Result<RewardInput, AppError> {
    let cost = form.cost.trim();
    let cost = cost.parse().map_err(|_| BadInput::NotAWholeNumber {
        field: Field::Cost,
        value: cost.to_owned(),
    })?;
    let duration = if form.unit == STREAM_END {
        GrantLength::StreamEnd
    } else {
        VipDuration::from_form(&form.amount, &form.unit)
            .map_err(|error| BadInput::Duration {
                field: Field::RewardDuration,
                error,
            })?
            .into()
    };
    let cooldown = parse_optional(&form.cooldown_minutes, Field::Cooldown)?
        .map(|m| m.checked_mul(60).ok_or(BadInput::CooldownTooLong))
        .transpose()?;
    Ok(RewardInput {
        duration,
        spec: RewardSpec {
            title: form.title.trim().to_owned(),
            cost,
            prompt: form.prompt.trim().to_owned(),
            enabled: form.enabled.is_some(),
            global_cooldown_secs: cooldown,
            max_per_stream: parse_optional(&form.max_per_stream, Field::MaxPerStream)?,
            max_per_user_per_stream: parse_optional(
                &form.max_per_user_per_stream,
                Field::MaxPerViewerPerStream,
            )?,
        },
    })
}

/// Turns a reward on or off on Twitch, keeping everything else as stored.
///
/// # Errors
/// [`AppError::NotFound`] for a reward the channel does not have; as [`rewards::update`].
pub async fn set_enabled(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    reward_id: &str,
    enabled: bool,
) -> Result<Reward, AppError> {
    let reward = rewards::list(ctx, caller, channel)
        .await?
        .into_iter()
        .find(|r| r.id == reward_id)
        .ok_or(AppError::NotFound)?;
    let input = RewardInput {
        duration: reward.duration,
        spec: RewardSpec {
            title: reward.title,
            cost: reward.cost,
            prompt: reward.prompt,
            enabled,
            global_cooldown_secs: reward.global_cooldown_secs,
            max_per_stream: reward.max_per_stream,
            max_per_user_per_stream: reward.max_per_user_per_stream,
        },
    };
    rewards::update(ctx, caller, channel, reward_id, input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RewardForm {
        RewardForm {
            title: " VIP for a day ".into(),
            cost: "5000".into(),
            prompt: String::new(),
            amount: "1".into(),
            unit: "days".into(),
            cooldown_minutes: "10".into(),
            max_per_stream: String::new(),
            max_per_user_per_stream: "1".into(),
            enabled: Some("on".into()),
        }
    }

    #[test]
    fn a_form_becomes_a_reward_input() {
        let input = input(&form()).unwrap();
        assert_eq!(input.spec.title, "VIP for a day");
        assert_eq!(input.spec.cost, 5_000);
        assert_eq!(input.duration.secs(), Some(86_400));
        assert_eq!(input.spec.global_cooldown_secs, Some(600));
        assert_eq!(input.spec.max_per_stream, None);
        assert_eq!(input.spec.max_per_user_per_stream, Some(1));
        assert!(input.spec.enabled);
    }

    #[test]
    fn until_the_stream_ends_ignores_the_amount() {
        let until_end = RewardForm {
            amount: String::new(),
            unit: STREAM_END.into(),
            ..form()
        };
        assert_eq!(input(&until_end).unwrap().duration, GrantLength::StreamEnd);
    }

    #[test]
    fn bad_numbers_name_their_field() {
        let cost = RewardForm {
            cost: "lots".into(),
            ..form()
        };
        assert!(input(&cost).unwrap_err().to_string().starts_with("cost:"));
        let zero = RewardForm {
            amount: "0".into(),
            ..form()
        };
        assert!(input(&zero)
            .unwrap_err()
            .to_string()
            .starts_with("VIP duration:"));
    }
}
