//! Shared domain types: serialised on the wire, compiled for both the server and the browser.
//! No storage derives here: rows and documents live with their adapters.

mod audit;
mod channel;
mod countdown;
mod dashboard;
mod duration;
mod live;
mod redemption;
mod reward;
mod session;
mod settings;
mod status;

pub use audit::{Actor, AuditAction, AuditCursor, AuditEntry, AuditPage, AuditQuery};
pub use channel::{Channel, ChannelId, Viewer};
pub use countdown::format_remaining;
pub use dashboard::{Dashboard, Me};
pub use duration::{DurationError, DurationUnit, VipDuration};
pub use live::{LiveEvent, LiveKind};
pub use redemption::{RedemptionOutcome, RedemptionRecord, RefundReason, WaitlistEntry};
pub use reward::Reward;
pub use session::{SessionState, VipSession, VipSource};
pub use settings::{ChatTemplates, Settings, SlotsFullPolicy, StackingRule};
pub use status::ServerStatus;
