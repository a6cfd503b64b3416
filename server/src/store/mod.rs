//! Storage adapters behind `app::ssr::Store`: SQLite (embedded default) and Firestore (several
//! instances), chosen at run time from `DATABASE_URL`. Both also keep the login sessions
//! (tower-sessions' `SessionStore`), so logins survive restarts and work across instances.

mod connect;
pub mod firestore;
mod instance;
mod login_sessions;
mod sealed_settings;
pub mod sqlite;

pub use connect::{open, Storage};
pub use firestore::FirestoreStore;
pub use instance::Instance;
pub use login_sessions::LoginSessions;
pub use sealed_settings::SettingsSeal;
pub use sqlite::SqliteStore;
