//! SQLite backend (written next).
