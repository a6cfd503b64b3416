//! What entitles an open live stream to go on: the login session or API token it was opened with
//! still exists, and its caller may still watch the channel (the streamer, or a moderator the
//! streamer still allows). A stream checks this every few seconds and ends when it no longer holds.

use app::model::ChannelId;
use app::ssr::auth::{authorize, Permission, LOGIN_USER_ID};
use app::ssr::{api_tokens, ServerContext};
use app::AppError;
use chrono::Utc;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;

use crate::store::LoginSessions;

/// The credential a stream was opened with.
#[derive(Debug, Clone)]
pub enum Opener {
    /// A login session, by its id.
    Login(Id),
    /// The `Authorization` header's value.
    Token(String),
}

/// One stream's caller and channel, with what it takes to check them again.
pub struct StreamRight {
    /// The store and the moderators.
    pub ctx: ServerContext,
    pub sessions: LoginSessions,
    pub opener: Opener,
    pub user_id: String,
    pub channel: ChannelId,
}

impl StreamRight {
    /// Whether the stream may go on. A store that does not answer keeps it open (logged): the
    /// next check decides.
    pub async fn holds(&self) -> bool {
        match self.check().await {
            Ok(()) => true,
            // Logged where it happened, with its reference.
            Err(AppError::Internal { .. } | AppError::ServerFn(_)) => true,
            Err(e) => {
                tracing::info!(
                    channel = %self.channel.as_str(),
                    reason = %e,
                    "live stream ended: its caller lost the right to watch"
                );
                false
            }
        }
    }

    async fn check(&self) -> Result<(), AppError> {
        match &self.opener {
            Opener::Login(id) => {
                let record = self
                    .sessions
                    .load(id)
                    .await
                    .map_err(|e| app::ssr::internal("re-reading a login session", &e))?
                    .ok_or(AppError::Unauthorized)?;
                let user = record.data.get(LOGIN_USER_ID).and_then(|v| v.as_str());
                if user != Some(self.user_id.as_str()) {
                    return Err(AppError::Unauthorized);
                }
            }
            Opener::Token(authorization) => {
                let caller =
                    api_tokens::authenticate(self.ctx.store().as_ref(), authorization, Utc::now())
                        .await?;
                if caller.user_id != self.user_id {
                    return Err(AppError::Unauthorized);
                }
            }
        }
        if self.channel.as_str() != self.user_id {
            authorize(
                self.ctx.store().as_ref(),
                self.ctx.engine().moderators(),
                &self.user_id,
                "",
                &self.channel,
                Permission::ManageVips,
            )
            .await?;
        }
        Ok(())
    }
}
