//! Reusable components, grouped by area.

mod api_tokens;
mod charts;
mod charts_list;
mod charts_parts;
mod charts_scale;
mod chat_commands_fields;
mod chat_status_line;
mod chat_templates;
mod countdowns;
mod duration_planner;
mod fields;
mod first_steps;
mod grant_rules_fields;
mod header;
mod live;
mod live_refresh;
mod log_out_everywhere;
mod overlay_link;
mod page_error;
mod reward_admin;
mod reward_fields;
mod server_status;
mod settings_editor;
mod time_zone_field;
mod vip_actions;
mod vip_list;
mod vip_slots;
mod zone;

pub use api_tokens::{ApiTokenActions, ApiTokensSection};
pub use charts::{ColumnChart, Series, StepChart};
pub use charts_list::{BarList, BarRow};
pub use countdowns::{Countdowns, EXPIRES_AT};
pub use duration_planner::DurationPlanner;
pub use fields::CARD;
pub use first_steps::{first_steps_resource, FirstStepsCard, FirstStepsResource};
pub use header::{LoginButton, SiteHeader};
use live::use_live_updates;
pub use live_refresh::LiveRefresh;
pub use log_out_everywhere::LogOutEverywhere;
pub use overlay_link::OverlaySection;
pub use page_error::{set_http_status, PageError};
pub use reward_admin::{RewardActions, RewardsSection};
pub use server_status::ServerStatusCard;
pub use settings_editor::SettingsEditor;
pub use vip_actions::{GrantForm, RowActionErrors, VipRowActions};
pub use vip_list::VipList;
pub use vip_slots::{
    roster_resource, PermanentVipActions, RosterActions, RosterResource, SlotsPanel,
};
pub use zone::{local_minute, local_time, provide_zone, use_zone, ZoneMeta};
