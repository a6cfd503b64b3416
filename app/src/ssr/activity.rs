//! Activity-log use cases: a page of a channel's audit trail for the activity page, the JSON API and
//! the CSV export, filtered by action and viewer; and the public viewer page's VIP list. Access is
//! checked here (the streamer, or a moderator when allowed); the public page needs no login but
//! shows only channels whose streamer turned it on.

use super::auth::{authorize_for, Caller, Permission};
use super::{OrInternal, ServerContext};
use crate::error::{AppError, Refusal};
use crate::model::{
    ActivityParams, ActivityRequest, Actor, AuditAction, AuditPage, AuditQuery, ChannelId,
    PublicChannel, PublicVip, ViewerFilter,
};

/// A checked request for one channel, ready to page through: the viewer filter is resolved to a
/// Twitch id once, so every page (and every CSV chunk) asks the store the same question.
#[derive(Clone)]
pub struct AuditReader {
    ctx: ServerContext,
    channel: ChannelId,
    query: AuditQuery,
    /// No more pages: the last one was read, or the viewer login belongs to no Twitch user.
    done: bool,
    /// The reader is a moderator: entries that are the streamer's alone are left out.
    moderator: bool,
}

/// Entries only the streamer sees: settings changes (with their diffs), logins (with the scopes
/// granted), API tokens (with their names) and the overlay URL.
pub fn streamer_only(action: AuditAction) -> bool {
    matches!(
        action,
        AuditAction::SettingsChanged
            | AuditAction::Login
            | AuditAction::ApiTokenCreated
            | AuditAction::ApiTokenRevoked
            | AuditAction::OverlayLinkMade
            | AuditAction::OverlayLinkRevoked
    )
}

impl AuditReader {
    /// Checks that `caller` may read `channel`'s log and resolves the viewer filter.
    ///
    /// # Errors
    /// Access errors from [`authorize_for`]; [`Refusal::TwitchUnavailable`] when a login cannot be
    /// looked up.
    pub async fn open(
        ctx: &ServerContext,
        caller: &Caller,
        channel: &ChannelId,
        request: ActivityRequest,
    ) -> Result<Self, AppError> {
        let access = authorize_for(ctx, caller, channel, Permission::ReadLog).await?;
        let moderator = !matches!(access.actor, Actor::Streamer { .. });
        let (viewer_id, done) = match request.viewer {
            None => (None, false),
            Some(ViewerFilter::Id(id)) => (Some(id), false),
            Some(ViewerFilter::Login(login)) => {
                match ctx.twitch().user_by_login(channel, &login).await {
                    Ok(Some(user)) => (Some(user.id), false),
                    Ok(None) => (None, true),
                    Err(e) => {
                        tracing::warn!(error = %e, "looking a viewer up for the activity log failed");
                        return Err(AppError::Refused(Refusal::TwitchUnavailable));
                    }
                }
            }
        };
        Ok(Self {
            ctx: ctx.clone(),
            channel: channel.clone(),
            query: AuditQuery {
                action: request.action,
                viewer_id,
                before: request.before,
                limit: request.limit,
            },
            done,
            moderator,
        })
    }

    /// The next page, newest first; after the last page, an empty one with `next: None`.
    ///
    /// # Errors
    /// [`AppError::Internal`] on store failure.
    pub async fn next_page(&mut self) -> Result<AuditPage, AppError> {
        if self.done {
            return Ok(AuditPage {
                entries: Vec::new(),
                next: None,
            });
        }
        let mut page = self
            .ctx
            .store()
            .audit_page(&self.channel, &self.query)
            .await
            .or_internal("reading the activity log")?;
        if self.moderator {
            page.entries.retain(|e| !streamer_only(e.action));
        }
        self.done = page.next.is_none();
        self.query.before.clone_from(&page.next);
        Ok(page)
    }
}

/// The request the activity page's filter form makes: an action, a viewer (login or id), and the
/// cursor of an earlier page.
///
/// # Errors
/// As [`ActivityParams::parse`].
pub fn form_request(
    action: Option<String>,
    viewer: Option<String>,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<ActivityRequest, AppError> {
    ActivityParams {
        action,
        viewer,
        before_at,
        before_id,
        cursor: None,
        limit: None,
    }
    .parse()
}

/// One page of a channel's activity log.
///
/// # Errors
/// As [`AuditReader::open`] and [`AuditReader::next_page`].
pub async fn page(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    request: ActivityRequest,
) -> Result<AuditPage, AppError> {
    AuditReader::open(ctx, caller, channel, request)
        .await?
        .next_page()
        .await
}

/// The public page of the channel with this login: who is VIP now and until when.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown channel or one whose public page is off (the two look the
/// same, so the page does not reveal which channels use the app); [`AppError::Internal`] on store
/// failure. What a caller reads is kept for a few seconds ([`super::public_pages`]), so anonymous
/// callers cannot make the store read without bound.
pub async fn public_channel(ctx: &ServerContext, login: &str) -> Result<PublicChannel, AppError> {
    let pages = ctx.public_pages();
    if let Some(page) = pages.fresh(login, chrono::Utc::now()) {
        return Ok(page);
    }
    let page = read_public_channel(ctx, login).await;
    pages.remember(login, &page);
    page
}

async fn read_public_channel(ctx: &ServerContext, login: &str) -> Result<PublicChannel, AppError> {
    let store = ctx.store();
    let channel = store
        .channel_by_login(login.trim())
        .await
        .or_internal("reading a public channel")?
        .filter(|c| c.settings.public_page)
        .ok_or(AppError::NotFound)?;
    let vips = store
        .active_sessions(&channel.id)
        .await
        .or_internal("listing public VIPs")?;
    Ok(PublicChannel {
        display_name: channel.display_name,
        vips: vips.iter().map(PublicVip::from).collect(),
        now: chrono::Utc::now(),
    })
}
