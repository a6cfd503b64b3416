//! One module per page.

mod account;
mod activity;
mod analytics;
mod dashboard;
mod home;

mod not_found;
mod public_channel;
mod settings;

pub use account::AccountPage;
pub use activity::ActivityPage;
pub use analytics::AnalyticsPage;
pub use dashboard::DashboardPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use public_channel::PublicChannelPage;
pub use settings::SettingsPage;
