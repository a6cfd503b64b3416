//! Reusable components, grouped by area.

mod duration_planner;
mod server_status;

pub use duration_planner::DurationPlanner;
pub use server_status::ServerStatusCard;
