//! Server functions of the settings page's OBS overlay: thin calls into `crate::ssr::overlay`,
//! for the signed-in streamer's own channel, by the login session.
//!
//! A form post is redirected back to the page's overlay section, so the new URL's path rides
//! along in a short-lived `HttpOnly` cookie that only the settings page receives and that its next
//! render reads and clears.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::OverlayLink;

/// A URL just made by a plain form post, for the page after the redirect.
#[cfg(feature = "ssr")]
const NEW_OVERLAY: super::flash::Flash = super::flash::Flash {
    name: "vip_new_overlay",
    page: "/settings",
};

/// Where the overlay's forms land: its section, which shows a new URL once.
#[cfg(feature = "ssr")]
const OVERLAY: super::landing::Landing = super::landing::Landing {
    page: "/settings",
    anchor: "overlay-title",
};

/// Whether the streamer's channel has an overlay URL, and one a form just made without
/// JavaScript (shown this once, if it is still the channel's).
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_overlay_link() -> Result<OverlayLink, AppError> {
    use crate::ssr::{acting::acting, overlay};
    let a = acting().await?;
    let mut link = overlay::status(&a.ctx, &a.caller).await?;
    let fresh = NEW_OVERLAY.take().await;
    if let Some(secret) = fresh.filter(|s| crate::model::is_overlay_secret(s)) {
        let current = overlay::open(a.ctx.store().as_ref(), &secret).await;
        if current.is_ok_and(|channel| channel.0 == a.caller.user_id) {
            let origin = super::flash::site_origin().await;
            link.new_path = Some(format!("{origin}{}{secret}", crate::model::OVERLAY_PATH));
        }
    }
    Ok(link)
}

/// Makes a new overlay URL (the earlier one stops working); the answer is the only time it is
/// shown.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn make_overlay_url() -> Result<OverlayLink, AppError> {
    use crate::ssr::{acting::acting, overlay};
    OVERLAY
        .after::<MakeOverlayUrl, _>(async {
            let a = acting().await?;
            // Whole seconds: what the store keeps, so the page can tell this URL is still the
            // current one.
            let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0);
            let secret = overlay::make(&a.ctx, &a.caller, now).await?;
            NEW_OVERLAY.keep(&secret).await;
            let origin = super::flash::site_origin().await;
            Ok(OverlayLink {
                created_at: Some(now),
                new_path: Some(format!("{origin}{}{secret}", crate::model::OVERLAY_PATH)),
            })
        })
        .await
}

/// Revokes the overlay URL: it answers 404 from now on.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_overlay_url() -> Result<(), AppError> {
    use crate::ssr::{acting::acting, overlay};
    OVERLAY
        .after::<RevokeOverlayUrl, _>(async {
            let a = acting().await?;
            overlay::revoke(&a.ctx, &a.caller).await
        })
        .await
}
