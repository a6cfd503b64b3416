//! The text keys: one struct per area of the interface, one field per text. Every language in
//! `locales/` fills every field, so a text missing in any language is a compile error (and
//! `cargo test -p app` does not build). A field that takes values is a function of them.

use crate::error::Refusal;
use crate::model::{AuditAction, DurationError, RefundReason};

texts! {
/// Every text of the interface in one language.
pub struct Texts {
    pub common: Common,
    pub header: Header,
    pub home: Home,
    pub errors: Errors,
    pub dashboard: Dashboard,
    pub public: Public,
    pub account: Account,
    pub activity: Activity,
    pub summary: Summary,
    pub analytics: Analytics,
    pub settings: SettingsTexts,
    pub rewards: Rewards,
    pub chat: ChatDefaults,
    pub chat_status: ChatStatusTexts,
    pub overlay_link: OverlayLinkTexts,
    pub time_zone: TimeZoneTexts,
    pub vip_slots: VipSlotsTexts,
    pub first_steps: FirstStepsTexts,
}

/// Words many pages use.
pub struct Common {
    pub app_name: &'static str,
    pub loading: &'static str,
    /// The units of a duration picker.
    pub minutes: &'static str,
    pub hours: &'static str,
    pub days: &'static str,
    /// The picker's last unit: the VIP lasts until the stream ends.
    pub until_stream_end: &'static str,
    /// A day of a month, short (`6 Nov`): day 1–31, month 1–12.
    pub day_month: fn(u32, u32) -> String,
    /// A day with its year (`6 Nov 2026`).
    pub day_month_year: fn(u32, u32, i32) -> String,
}

/// The top bar and the language switcher.
pub struct Header {
    pub demo_banner: &'static str,
    pub main_nav: &'static str,
    pub dashboard: &'static str,
    pub activity: &'static str,
    pub analytics: &'static str,
    pub settings: &'static str,
    pub account: &'static str,
    pub log_out: &'static str,
    pub log_in: &'static str,
    /// The switcher's label (read by screen readers, and its summary's title).
    pub language: &'static str,
}

/// The start page and the 404 page.
pub struct Home {
    pub title: &'static str,
    pub kicker: &'static str,
    pub headline: &'static str,
    pub pitch: &'static str,
    pub moderator_link: &'static str,
    pub moderator_note: &'static str,
    pub not_found_title: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_text: &'static str,
    pub not_found_back: &'static str,
    /// The duration planner.
    pub planner_title: &'static str,
    pub preset_30m: &'static str,
    pub preset_1h: &'static str,
    pub preset_1d: &'static str,
    pub preset_7d: &'static str,
    pub amount: &'static str,
    pub preview: &'static str,
    /// "VIP for {duration} ({seconds} seconds)".
    pub planner_result: fn(&str, u64) -> String,
    /// The server status card.
    pub server_title: &'static str,
    pub asking_server: &'static str,
    pub version: &'static str,
    pub server_time: &'static str,
    pub up_for: &'static str,
    /// Seconds since the server started.
    pub uptime: fn(u64) -> String,
    pub check_again: &'static str,
    /// A duration that does not read as one.
    pub duration_error: fn(&DurationError) -> String,
}

/// What a page shows when it cannot show itself.
pub struct Errors {
    /// The heading of the login prompt, with what the page shows once logged in (e.g. "your
    /// channel", from the page's own texts).
    pub log_in_to_see: fn(&str) -> String,
    pub streamer_only: &'static str,
    /// What each page's login prompt names.
    pub what_account: &'static str,
    pub what_activity: &'static str,
    pub what_analytics: &'static str,
    pub what_settings: &'static str,
    pub what_vip_list: &'static str,
    /// Errors a page or an action may show.
    pub unauthorized: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    /// An internal error, with its reference id.
    pub internal: fn(&str) -> String,
    /// A call that did not reach the server or came back unreadable.
    pub request_failed: fn(&str) -> String,
    /// Why Twitch or the VIP rules refused.
    pub refusal: fn(Refusal) -> &'static str,
}

/// The dashboard: VIPs, grant form, banners.
pub struct Dashboard {
    pub title: &'static str,
    /// What the login prompt says is behind it ("Log in to see …").
    pub what: &'static str,
    pub pitch: &'static str,
    pub reauth_before: &'static str,
    pub reauth_link: &'static str,
    pub reauth_after: &'static str,
    pub scopes_before: &'static str,
    /// Closes the list of missing scopes: "). ".
    pub scopes_middle_open: &'static str,
    pub scopes_reauth: &'static str,
    pub scopes_middle: &'static str,
    pub scopes_account: &'static str,
    pub scopes_after: &'static str,
    pub vips_heading: &'static str,
    pub no_vips: &'static str,
    pub source_channel_points: &'static str,
    pub source_manual: &'static str,
    pub source_subscription: &'static str,
    pub source_bits: &'static str,
    pub source_external: &'static str,
    /// "{source} · by {who}".
    pub granted_by: fn(&str, &str) -> String,
    /// A moderator who granted, "{login} (mod)".
    pub by_moderator: fn(&str) -> String,
    /// A viewer who redeemed, "{login} (redeemed)".
    pub by_viewer: fn(&str) -> String,
    pub by_app: &'static str,
    pub time_left: &'static str,
    pub until_stream_ends: &'static str,
    pub permanent: &'static str,
    pub grant_heading: &'static str,
    pub viewer: &'static str,
    pub viewer_placeholder: &'static str,
    pub duration_for: &'static str,
    pub unit: &'static str,
    pub until_stream_end_option: &'static str,
    pub grant_button: &'static str,
    pub extend_button: &'static str,
    pub revoke_button: &'static str,
    /// The grant form's answers.
    pub enter_viewer: &'static str,
    pub now_vip_until_end: fn(&str) -> String,
    pub now_vip_for: fn(&str, &str) -> String,
    pub waitlisted: fn(&str) -> String,
}

/// The public VIP page of a channel (`/c/{login}`).
pub struct Public {
    pub not_public_title: &'static str,
    pub not_public_heading: &'static str,
    /// After the channel's login: "… has not made their VIP list public, …".
    pub not_public_text: &'static str,
    /// The page title, with the channel's name.
    pub title: fn(&str) -> String,
    pub nobody: &'static str,
    pub list_label: &'static str,
    pub no_end: &'static str,
    pub kicker: &'static str,
    /// How many VIPs there are (at least one).
    pub count: fn(usize) -> String,
}

/// The account page: profile, connection, permissions, sessions.
pub struct Account {
    pub title: &'static str,
    pub heading: &'static str,
    pub reauthorise: &'static str,
    pub permissions: &'static str,
    pub permissions_intro: &'static str,
    /// The re-authorise banner when scopes are missing.
    pub missing_scopes: fn(usize) -> String,
    pub authorisation_rejected: &'static str,
    pub twitch_account: &'static str,
    pub display_name: &'static str,
    pub login: &'static str,
    pub user_id: &'static str,
    pub connection: &'static str,
    pub token_valid_until: &'static str,
    /// An expired token: "expired at {time}; renewed on the next use".
    pub token_expired: fn(&str) -> String,
    pub token_in_minutes: fn(&str, i64) -> String,
    pub token_in_hours: fn(&str, i64) -> String,
    pub no_token: &'static str,
    pub authorisation: &'static str,
    pub needs_reauth: &'static str,
    pub accepted: &'static str,
    pub eventsub: &'static str,
    pub granted: &'static str,
    pub missing: &'static str,
    pub not_watched: &'static str,
    pub standby_reason: &'static str,
    /// EventSub connection states.
    pub conn_connecting: &'static str,
    pub conn_connected: &'static str,
    pub conn_reconnecting: &'static str,
    pub conn_failed: &'static str,
    pub conn_standby: &'static str,
    /// Subscription states.
    pub sub_enabled: &'static str,
    pub sub_pending: &'static str,
    pub sub_failed: &'static str,
    pub sub_revoked: &'static str,
    /// Log out everywhere.
    pub sessions: &'static str,
    pub sessions_text: &'static str,
    pub log_out_everywhere: &'static str,
    /// Why the app asks for each scope.
    pub scope_manage_vips: &'static str,
    pub scope_manage_redemptions: &'static str,
    pub scope_moderation_read: &'static str,
    pub scope_write_chat: &'static str,
    pub scope_read_subscriptions: &'static str,
    pub scope_bits: &'static str,
    pub scope_read_chat: &'static str,
    pub scope_user_bot: &'static str,
    pub scope_channel_bot: &'static str,
}

/// The activity log.
pub struct Activity {
    pub title: &'static str,
    pub heading: &'static str,
    pub pitch: &'static str,
    pub newest: &'static str,
    pub older: &'static str,
    pub pages: &'static str,
    pub no_match: &'static str,
    pub nothing_yet: &'static str,
    pub list_label: &'static str,
    pub download_csv: &'static str,
    pub filter_label: &'static str,
    pub action: &'static str,
    pub all_actions: &'static str,
    pub viewer: &'static str,
    pub viewer_placeholder: &'static str,
    pub filter: &'static str,
    pub clear: &'static str,
    /// Before who did it: "by {actor}".
    pub by: &'static str,
    /// A moderator who acted.
    pub moderator: fn(&str) -> String,
    /// A viewer who acted.
    pub viewer_actor: fn(&str) -> String,
    pub the_app: &'static str,
    /// The action in words.
    pub action_label: fn(AuditAction) -> &'static str,
}

/// The details of an activity-log entry, joined by " · " (the CSV export uses English).
pub struct Summary {
    /// Why a redemption was refunded, in a few words.
    pub refund_reason: fn(RefundReason) -> &'static str,
    /// A reward cost.
    pub points: fn(u64) -> String,
    pub duration: fn(&str) -> String,
    pub until_stream_end: &'static str,
    /// An expiry warning's lead time.
    pub before_end: fn(&str) -> String,
    pub grace: fn(&str) -> String,
    pub kept: &'static str,
    /// Time left.
    pub left: fn(&str) -> String,
    pub by_hand: &'static str,
    pub on_twitch: &'static str,
    /// A grant source in words ("channel points").
    pub via: fn(&str) -> String,
    pub reason: fn(&str) -> String,
    pub twitch_said: fn(&str) -> String,
    /// How many catch-up passes tried.
    pub catch_up: fn(u32) -> String,
    pub problem: fn(&str) -> String,
    pub during: fn(&str) -> String,
    pub waits_up_to: fn(&str) -> String,
    pub enabled: &'static str,
    pub disabled: &'static str,
}

/// The analytics page and its charts.
pub struct Analytics {
    pub title: &'static str,
    pub heading: &'static str,
    pub pitch: &'static str,
    pub time_window: &'static str,
    /// A window's link.
    pub days: fn(u32) -> String,
    /// "the last {n} days", used inside the charts' titles.
    pub window: fn(u32) -> String,
    /// A count of redemptions ({grouped number}, n).
    pub redemptions_n: fn(&str, u64) -> String,
    pub points_n: fn(&str, u64) -> String,
    pub grants_n: fn(&str, u64) -> String,
    pub reasons_n: fn(&str, u64) -> String,
    /// Titles of the charts, with the window.
    pub redemptions_title: fn(&str) -> String,
    /// "{count} in {window}: {fulfilled} fulfilled, {refunded} refunded."
    pub redemptions_summary: fn(&str, &str, &str, &str) -> String,
    /// Chart series.
    pub fulfilled: &'static str,
    pub refunded: &'static str,
    pub points: &'static str,
    pub points_title: fn(&str) -> String,
    pub points_summary: fn(&str, &str) -> String,
    pub active_title: fn(&str) -> String,
    pub active_summary: fn(&str, &str) -> String,
    pub partial: &'static str,
    /// Headline numbers.
    pub stat_redemptions: &'static str,
    pub stat_redemptions_note: fn(&str, &str) -> String,
    pub stat_points: &'static str,
    pub stat_points_note: fn(&str) -> String,
    pub stat_refunds: &'static str,
    pub stat_active: &'static str,
    pub stat_active_note: fn(&str) -> String,
    /// Card headings.
    pub card_redemptions: &'static str,
    pub card_points: &'static str,
    pub card_active: &'static str,
    pub card_refunds: &'static str,
    pub refunds_label: &'static str,
    pub no_refunds: &'static str,
    pub card_viewers: &'static str,
    pub viewers_label: &'static str,
    pub no_viewers: &'static str,
    /// Inside the charts.
    pub total: &'static str,
    pub end_of_day: &'static str,
    pub peak_of_day: &'static str,
    pub at_days_end: &'static str,
    pub peak: &'static str,
    /// A day of the active-VIP chart: date, value at the end, peak.
    pub step_tooltip: fn(&str, u64, u64) -> String,
    pub show_numbers: &'static str,
    pub day: &'static str,
}

/// The settings form (settings_editor, chat_templates, chat_commands_fields).
pub struct SettingsTexts {
    pub title: &'static str,
    pub heading: &'static str,
    pub vip_time: &'static str,
    pub default_time: &'static str,
    pub stacking: &'static str,
    pub extend: &'static str,
    pub extend_hint: &'static str,
    pub reset: &'static str,
    pub reset_hint: &'static str,
    pub auto_remove: &'static str,
    pub auto_remove_hint: &'static str,
    pub grace: &'static str,
    pub grace_hint: &'static str,
    pub slots_full: &'static str,
    pub refund: &'static str,
    pub refund_hint: &'static str,
    pub waitlist: &'static str,
    pub waitlist_hint: &'static str,
    pub max_wait: &'static str,
    pub chat: &'static str,
    pub announce: &'static str,
    pub announce_hint: &'static str,
    pub warnings: &'static str,
    pub warnings_hint: &'static str,
    pub discord_warnings: &'static str,
    pub discord_warnings_hint: &'static str,
    pub access: &'static str,
    pub mods_manage: &'static str,
    pub mods_manage_hint: &'static str,
    pub mods_rewards: &'static str,
    pub mods_rewards_hint: &'static str,
    pub mods_log: &'static str,
    pub mods_log_hint: &'static str,
    pub public_page: &'static str,
    pub public_page_hint: &'static str,
    pub discord: &'static str,
    /// The webhook set, with its hint.
    pub discord_posting: fn(&str) -> String,
    pub discord_none: &'static str,
    pub discord_stop: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    /// The chat templates' preview.
    pub sample_viewer: &'static str,
    pub sample_reason: &'static str,
    pub preview: &'static str,
    /// Before the list of placeholders.
    pub placeholders: &'static str,
    pub refunds_only: &'static str,
    pub tpl_granted: &'static str,
    pub tpl_granted_hint: &'static str,
    pub tpl_extended: &'static str,
    pub tpl_extended_hint: &'static str,
    pub tpl_expired: &'static str,
    pub tpl_expired_hint: &'static str,
    pub tpl_refunded: &'static str,
    pub tpl_refunded_hint: &'static str,
    pub tpl_warning: &'static str,
    pub tpl_warning_hint: &'static str,
    /// Chat commands.
    pub commands: &'static str,
    pub commands_on: &'static str,
    pub commands_on_hint: &'static str,
    pub prefix: &'static str,
    pub prefix_hint: &'static str,
    pub cooldown: &'static str,
    pub cooldown_hint: &'static str,
    pub check_names: &'static str,
    pub check_names_hint: &'static str,
    pub manage_names: &'static str,
    pub manage_names_hint: &'static str,
    pub add_names: &'static str,
    pub add_names_hint: &'static str,
    pub remove_names: &'static str,
    pub remove_names_hint: &'static str,
    pub who_speaks: &'static str,
    pub as_you: &'static str,
    pub as_you_hint: &'static str,
    pub as_bot: &'static str,
    pub as_bot_hint: &'static str,
    pub ignored_bots: &'static str,
    pub ignored_bots_hint: &'static str,
    /// A duration picker's fields, for screen readers.
    pub amount_of: fn(&str) -> String,
    pub unit_of: fn(&str) -> String,
}

/// Channel-point rewards, API tokens and grant rules on the settings page.
pub struct Rewards {
    /// A reward's limits.
    pub cooldown_min: fn(u64) -> String,
    pub per_stream: fn(u64) -> String,
    pub per_viewer: fn(u64) -> String,
    pub no_limits: &'static str,
    pub delete_label: fn(&str) -> String,
    /// "{points} points · VIP for {duration} · {limits}".
    pub summary: fn(&str, &str, &str) -> String,
    pub enabled: &'static str,
    pub disabled: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub delete: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub switched: &'static str,
    pub deleted: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub none_yet: &'static str,
    pub new_reward: &'static str,
    pub create: &'static str,
    pub created: &'static str,
    /// The reward form.
    pub title: &'static str,
    pub title_placeholder: &'static str,
    pub cost: &'static str,
    pub cooldown: &'static str,
    pub none: &'static str,
    pub vip_time: &'static str,
    pub prompt: &'static str,
    pub max_per_stream: &'static str,
    pub max_per_viewer: &'static str,
    pub no_limit: &'static str,
    pub reward_enabled: &'static str,
    /// Grant rules.
    pub rule_sub: &'static str,
    pub rule_sub_hint: &'static str,
    pub rule_sub_time: &'static str,
    pub rule_gift: &'static str,
    pub rule_gift_hint: &'static str,
    pub rule_gift_count: &'static str,
    pub rule_gift_time: &'static str,
    pub rule_bits: &'static str,
    pub rule_bits_hint: &'static str,
    pub rule_bits_count: &'static str,
    pub rule_bits_time: &'static str,
    pub rules_legend: &'static str,
    /// API tokens: the token just made, with its name.
    pub token_new: fn(&str) -> String,
    pub token_never_used: &'static str,
    pub token_last_used: fn(&str) -> String,
    /// "{prefix}… · created {time} · {used}".
    pub token_row: fn(&str, &str, &str) -> String,
    pub token_revoke_label: fn(&str) -> String,
    pub token_revoke: &'static str,
    pub tokens_none: &'static str,
    pub tokens_heading: &'static str,
    pub tokens_intro_before: &'static str,
    pub tokens_intro_after: &'static str,
    pub token_revoked: &'static str,
    pub token_new_heading: &'static str,
    pub token_name: &'static str,
    pub token_create: &'static str,
    pub token_created: &'static str,
    pub tokens_max: fn(u32) -> String,
}

/// The chat and Discord templates a new channel starts with, in its language. Placeholders:
/// `{viewer}`, `{duration}`, `{reason}`.
pub struct ChatDefaults {
    pub granted: &'static str,
    pub extended: &'static str,
    pub expired: &'static str,
    pub refunded: &'static str,
    pub warning: &'static str,
}

/// The settings page's live chat status (who reads and answers chat, and what is missing).
pub struct ChatStatusTexts {
    pub bot_connected: fn(&str) -> String,
    pub bot_not_connected: &'static str,
    pub bot_token_invalid: &'static str,
    pub bot_missing_scopes: &'static str,
    pub bot_unknown: &'static str,
    pub channel_bot_yes: &'static str,
    pub channel_bot_no: &'static str,
    pub reads_streamer: &'static str,
    pub reads_bot: &'static str,
    pub reads_nobody: &'static str,
    pub replies_streamer: &'static str,
    pub replies_bot: &'static str,
    pub off: &'static str,
    pub scopes_missing: &'static str,
    pub websocket: &'static str,
    pub unavailable: &'static str,
}

/// The settings page's OBS overlay section.
pub struct OverlayLinkTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub options: &'static str,
    pub none: &'static str,
    /// Followed by the time the URL was made.
    pub since: &'static str,
    pub make: &'static str,
    pub make_new: &'static str,
    pub revoke: &'static str,
    pub new_url: &'static str,
}

/// The settings form's time-zone field.
pub struct TimeZoneTexts {
    pub legend: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub unset: &'static str,
    /// The channel's language (`Settings::language`).
    pub language_label: &'static str,
    pub language_hint: &'static str,
}

/// The dashboard's VIP slots: slots used, actions on VIPs the app does not time, the exclusion
/// list.
pub struct VipSlotsTexts {
    pub title: &'static str,
    /// "{used} of {capacity} used".
    pub used: fn(u32, u32) -> String,
    /// Slots used while the capacity is not known yet.
    pub used_unknown: fn(u32) -> String,
    pub unknown_capacity: &'static str,
    pub protect: &'static str,
    pub unprotect: &'static str,
    /// The buttons' accessible names, with the VIP's name.
    pub protect_label: fn(&str) -> String,
    pub unprotect_label: fn(&str) -> String,
    /// The badge of a protected VIP.
    pub protected: &'static str,
    pub give_deadline: &'static str,
    pub give_deadline_label: fn(&str) -> String,
    pub deadline_amount: &'static str,
    pub deadline_unit: &'static str,
    pub excluded_title: &'static str,
    pub excluded_help: &'static str,
    pub excluded_none: &'static str,
    /// When a viewer was put on the list.
    pub excluded_since: fn(&str) -> String,
    pub exclude_label: &'static str,
    pub exclude: &'static str,
    pub readmit: &'static str,
    pub readmit_label: fn(&str) -> String,
}

/// The dashboard's first-steps checklist and the demo's simulate button.
pub struct FirstStepsTexts {
    pub title: &'static str,
    pub intro: &'static str,
    /// A step's badge.
    pub done: &'static str,
    pub todo: &'static str,
    pub unknown: &'static str,
    /// A list of missing scopes.
    pub missing: fn(&str) -> String,
    pub login: &'static str,
    pub login_reauth: &'static str,
    pub login_fix: &'static str,
    pub reward: &'static str,
    pub reward_none: &'static str,
    pub reward_off: &'static str,
    /// "{enabled} of {all} switched on."
    pub rewards: fn(usize, usize) -> String,
    pub reward_fix: &'static str,
    pub eventsub: &'static str,
    pub eventsub_none: &'static str,
    /// The connection's state, its transport, then subscriptions enabled of all.
    pub eventsub_state: fn(&str, &str, usize, usize) -> String,
    pub eventsub_fix: &'static str,
    pub chat: &'static str,
    pub chat_off: &'static str,
    pub chat_fix: &'static str,
    pub community: &'static str,
    pub community_done: &'static str,
    pub community_unknown: &'static str,
    /// When Twitch refused a VIP with 425.
    pub community_required: fn(&str) -> String,
    pub community_fix: &'static str,
    pub simulate_title: &'static str,
    pub simulate: &'static str,
    pub simulate_help: &'static str,
    pub simulate_needs_reward: &'static str,
}
}

impl Account {
    /// Why the app asks for `scope`, in this language; `None` for a scope it never asks for.
    pub fn scope_reason(&self, scope: &str) -> Option<&'static str> {
        Some(match scope {
            "channel:manage:vips" => self.scope_manage_vips,
            "channel:manage:redemptions" => self.scope_manage_redemptions,
            "moderation:read" => self.scope_moderation_read,
            "user:write:chat" => self.scope_write_chat,
            "channel:read:subscriptions" => self.scope_read_subscriptions,
            "bits:read" => self.scope_bits,
            "user:read:chat" => self.scope_read_chat,
            "user:bot" => self.scope_user_bot,
            "channel:bot" => self.scope_channel_bot,
            _ => return None,
        })
    }
}
