//! The dashboard's VIP forms over the VIP use cases in [`super::vips`]: the typed length becomes a
//! [`GrantLength`], and a grant's outcome becomes the sentence the streamer reads.

use chrono::Utc;

use super::acting::Acting;
use super::vips::{self, Granted, ViewerRef};
use crate::error::AppError;
use crate::model::{BadInput, GrantLength, VipDuration, STREAM_END};

/// The length a grant form asks for: until the stream ends, or `amount` of `unit`.
///
/// # Errors
/// [`AppError::Invalid`] when the amount and unit are not a VIP duration, in the page's language.
pub fn length(amount: &str, unit: &str) -> Result<GrantLength, AppError> {
    if unit == STREAM_END {
        Ok(GrantLength::StreamEnd)
    } else {
        duration(amount, unit).map(GrantLength::For)
    }
}

/// The time a form adds or sets (an extension, a deadline): `amount` of `unit`.
///
/// # Errors
/// [`AppError::Invalid`] when the amount and unit are not a VIP duration, in the page's language.
pub fn duration(amount: &str, unit: &str) -> Result<VipDuration, AppError> {
    VipDuration::from_form(amount, unit).map_err(|e| BadInput::VipLength(e).into())
}

/// Grants VIP to the viewer typed as `login` (`@` allowed) and says what happened.
///
/// # Errors
/// [`AppError::Invalid`] for an empty name; as [`vips::grant`].
pub async fn grant(acting: &Acting, login: &str, length: GrantLength) -> Result<String, AppError> {
    let login = login.trim().trim_start_matches('@').to_owned();
    // The answer is for the streamer: in the language of their page (its cookie or browser).
    let t = &crate::i18n::use_texts().dashboard;
    if login.is_empty() {
        return Err(AppError::Invalid(t.enter_viewer.into()));
    }
    let viewer = ViewerRef::Login(login.clone());
    let Acting {
        ctx,
        caller,
        channel,
    } = acting;
    // The time left counts from when the streamer asked: counted after the grant, a new hour
    // would read "59 min 59 s".
    let asked = Utc::now();
    match vips::grant(ctx, caller, channel, viewer, length).await? {
        Granted::Vip(s) if s.expires_at.is_none() => {
            Ok((t.now_vip_until_end)(&s.viewer.display_name))
        }
        Granted::Vip(s) => Ok((t.now_vip_for)(
            &s.viewer.display_name,
            &s.remaining_secs(asked)
                .and_then(|secs| VipDuration::from_secs(secs).ok())
                .map_or_else(|| length.to_string(), |d| d.to_string()),
        )),
        Granted::Waitlisted => Ok((t.waitlisted)(&login)),
    }
}
