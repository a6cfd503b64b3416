//! Reusable components, grouped by area.

mod duration_planner;
mod header;
mod server_status;
mod vip_list;

pub use duration_planner::DurationPlanner;
pub use header::{LoginButton, SiteHeader};
pub use server_status::ServerStatusCard;
pub use vip_list::VipList;
