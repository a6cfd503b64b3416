//! Storage adapters behind `app::ssr::Store`: SQLite (embedded default) and Firestore (several
//! instances), chosen at run time from `DATABASE_URL`. Both also keep the login sessions
//! (tower-sessions' `SessionStore`), so logins survive restarts and work across instances.

pub mod firestore;
pub mod sqlite;
