//! Reusable components, grouped by area.

mod duration_planner;
mod header;
mod live;
mod server_status;
mod vip_actions;
mod vip_list;

pub use duration_planner::DurationPlanner;
pub use header::{LoginButton, SiteHeader};
pub use live::use_live_updates;
pub use server_status::ServerStatusCard;
pub use vip_actions::{GrantForm, RowActionErrors, VipRowActions};
pub use vip_list::VipList;
