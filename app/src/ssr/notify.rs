//! The notification port: tells the outside world (the streamer's Discord) what the engine did.
//! The engine calls it after the audit entry of a grant, an extension, a refund or an expiry, only
//! for channels that set a webhook URL. The server implements it (`server::discord`).

use chrono::{DateTime, Utc};

use crate::model::{GrantLength, RefundReason, Viewer, VipSource};

/// What happened, in the words a notification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The channel's display name.
    pub channel: String,
    pub viewer: Viewer,
    pub kind: NoticeKind,
    /// The channel's language (`None`: English).
    pub lang: Option<crate::i18n::Lang>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    Granted {
        source: VipSource,
        duration: GrantLength,
        expires_at: Option<DateTime<Utc>>,
    },
    Extended {
        source: VipSource,
        duration: GrantLength,
        expires_at: Option<DateTime<Utc>>,
    },
    /// A redemption was refunded (its points returned).
    Refunded { reason: RefundReason },
    /// The VIP time is up; `removed` is false when auto-remove is off and the VIP stays.
    Expired { removed: bool },
    /// The VIP ends soon (an expiry warning; only when the channel asks for it on Discord).
    EndsSoon { expires_at: DateTime<Utc> },
}

/// Sends notices. Fire-and-forget.
pub trait Notifier: Send + Sync + 'static {
    /// Queues `notice` for `webhook_url` and returns at once: an implementation MUST NOT make the
    /// caller wait for the network, MUST bound each delivery with a timeout, MUST log a failure
    /// and MUST NOT log or return the URL (it is a secret that lets anyone post to the channel).
    fn notify(&self, webhook_url: &str, notice: Notice);
}
