//! Shared domain types: serialised on the wire, compiled for both the server and the browser.
//! No storage derives here: rows and documents live with their adapters.

mod account;
mod activity;
mod analytics;
mod api_token;
mod audit;
mod audit_details;
mod audit_text;
mod bad_input;
mod channel;
mod chat;
mod chat_command;
mod chat_settings;
mod chat_status;
mod countdown;
mod dashboard;
mod duration;
mod duration_token;
mod first_steps;
mod grant_length;
mod live;
mod overlay;
mod public;
mod redemption;
mod reward;
mod roster;
mod session;
mod settings;
mod settings_form;
mod settings_form_chat;
mod status;
mod time_text;
mod warnings;
mod zone;

pub use account::{
    AccountOverview, EventSubConnection, EventSubState, ScopeStatus, ScopeSummary,
    SubscriptionState, SubscriptionStatus, TokenHealth,
};
pub use activity::{
    cursor_time, escape_query, ActivityParams, ActivityRequest, ViewerFilter,
    DEFAULT_ACTIVITY_LIMIT, MAX_ACTIVITY_LIMIT,
};
pub use analytics::{
    grouped, parse_analytics_days, Analytics, AnalyticsTotals, DayStats, RefundCount, TopViewer,
    ANALYTICS_WINDOWS, DEFAULT_ANALYTICS_DAYS, TOP_VIEWERS,
};
pub use api_token::{
    api_token_hint, api_token_name, bearer_token, is_api_token, should_record_use, ApiTokenInfo,
    NewApiToken, API_TOKEN_HEX_DIGITS, API_TOKEN_HINT_CHARS, API_TOKEN_PREFIX,
    LAST_USED_EVERY_SECS, MAX_API_TOKENS, MAX_API_TOKEN_NAME_CHARS,
};
pub use audit::{Actor, AuditAction, AuditCursor, AuditEntry, AuditPage, AuditQuery};
pub use audit_details::{AuditDetails, ChatNote};
pub use audit_text::{
    action_label, actor_label, format_time, metadata_summary, metadata_summary_in,
};
pub use bad_input::{BadInput, Field};
pub use channel::{Channel, ChannelId, Viewer};
pub use chat::{render_chat, MAX_CHAT_CHARS};
pub use chat_command::{parse_command, ChatCommand, CommandError};
pub use chat_settings::{
    ChatCommands, ChatIdentity, CommandNames, MAX_COMMAND_NAME_CHARS, MAX_PREFIX_CHARS,
};
pub use chat_status::{
    chat_status, reads_as, streamer_read_scopes, ChatBotState, ChatNotice, ChatStatus,
};
pub use countdown::format_remaining;
pub use dashboard::{Dashboard, Me};
pub use duration::{DurationError, DurationUnit, VipDuration};
pub use first_steps::{CommunityState, FirstStep, FirstSteps};
pub use grant_length::{secs_or_stream_end, GrantLength, STREAM_END, UNTIL_KEY};
pub use live::{LiveEvent, LiveKind};
pub use overlay::{is_overlay_secret, OverlayLink, OVERLAY_PATH};
pub use public::{PublicChannel, PublicVip};
pub use redemption::{RedemptionOutcome, RedemptionRecord, RefundReason, WaitlistEntry};
pub use reward::Reward;
pub use roster::{Exclusion, Roster, SlotCapacity, PROTECTED_KEY};
pub use session::{SessionState, VipSession, VipSource};
pub use settings::{
    BitsRule, ChatTemplates, GiftRule, GrantRules, NoGrant, Settings, SlotsFullPolicy, StackingRule,
};
pub use settings_form::{parse_optional, split_duration, RewardForm, SettingsForm};
pub use status::ServerStatus;
pub use time_text::{rfc3339, utc_text, Precision};
pub use warnings::{
    warning_key, WarningLeads, WarningLeadsError, MAX_WARNINGS, MAX_WARNING_LEAD_SECS,
};
pub use zone::{is_zone_name_shaped, ZoneSpan, ZoneTable, UTC_NAME};
