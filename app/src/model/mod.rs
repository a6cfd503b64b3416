//! Shared domain types: serialised on the wire, compiled for both the server and the browser.
//! No storage derives here: rows and documents live with their adapters.

mod account;
mod audit;
mod channel;
mod chat;
mod countdown;
mod dashboard;
mod duration;
mod live;
mod redemption;
mod reward;
mod session;
mod settings;
mod settings_form;
mod status;

pub use account::{AccountOverview, EventSubState, ScopeStatus, TokenHealth};
pub use audit::{Actor, AuditAction, AuditCursor, AuditEntry, AuditPage, AuditQuery};
pub use channel::{Channel, ChannelId, Viewer};
pub use chat::{render_chat, MAX_CHAT_CHARS};
pub use countdown::format_remaining;
pub use dashboard::{Dashboard, Me};
pub use duration::{DurationError, DurationUnit, VipDuration};
pub use live::{LiveEvent, LiveKind};
pub use redemption::{RedemptionOutcome, RedemptionRecord, RefundReason, WaitlistEntry};
pub use reward::Reward;
pub use session::{SessionState, VipSession, VipSource};
pub use settings::{ChatTemplates, Settings, SlotsFullPolicy, StackingRule};
pub use settings_form::{split_duration, RewardForm, SettingsForm};
pub use status::ServerStatus;
