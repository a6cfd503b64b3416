//! Which instance this process is, as the holder of store leases (EventSub sockets, the inbox,
//! expiry). Leases held by a process that died lapse only after their lifetime; a restarted
//! process that comes back under the same name takes them over at once instead.
//!
//! * `INSTANCE_ID` set: that name (the operator keeps names unique).
//! * A SQLite file: a name kept beside it (`{db}.instance`), used only while this process holds
//!   an exclusive lock on that file. The operating system drops the lock when a process dies,
//!   however it dies, so a restart after a crash takes the name (and its leases) back, while a
//!   second live process on the same database cannot: it gets a fresh name and waits for the
//!   leases like any other instance. Two live processes therefore never share a socket.
//! * Otherwise (Firestore, an in-memory database): a fresh name per process.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// This process's name as a lease holder; keeps the name's lock for as long as it lives.
#[derive(Debug)]
pub struct Instance {
    id: String,
    /// Held open for the process's lifetime: closing it would release the lock.
    _lock: Option<File>,
}

impl Instance {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The operator's name.
    pub fn named(id: String) -> Self {
        Self { id, _lock: None }
    }

    /// A name nobody else has.
    pub fn fresh() -> Self {
        Self::named(uuid::Uuid::new_v4().to_string())
    }

    /// The name kept in `file`, if this process can lock it (creating the file and a name on first
    /// start); a fresh name when another live process holds it, or the file cannot be used.
    pub fn kept_in(file: &Path) -> Self {
        match Self::lock(file) {
            Ok(Some(kept)) => {
                tracing::info!(instance = %kept.id, "instance name kept with the database");
                kept
            }
            Ok(None) => {
                let fresh = Self::fresh();
                tracing::warn!(instance = %fresh.id, file = %file.display(),
                    "another running server uses this database; this one waits for its leases");
                fresh
            }
            Err(e) => {
                let fresh = Self::fresh();
                tracing::warn!(instance = %fresh.id, file = %file.display(), error = %e,
                    "cannot keep an instance name beside the database; using a fresh one");
                fresh
            }
        }
    }

    fn lock(path: &Path) -> std::io::Result<Option<Self>> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(e),
        }
        let mut id = String::new();
        file.read_to_string(&mut id)?;
        let id = id.trim().to_owned();
        let id = if id.is_empty() {
            let id = uuid::Uuid::new_v4().to_string();
            file.set_len(0)?;
            file.rewind()?;
            file.write_all(id.as_bytes())?;
            file.sync_all()?;
            id
        } else {
            id
        };
        Ok(Some(Self {
            id,
            _lock: Some(file),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_kept_across_restarts_but_never_shared_by_live_processes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vip.instance");
        let first = Instance::kept_in(&file);
        // A lock is per open file: a second open, as by another process, cannot take it.
        let second = Instance::kept_in(&file);
        assert_ne!(
            first.id(),
            second.id(),
            "a live holder's name is not shared"
        );
        let name = first.id().to_owned();
        drop(first);
        drop(second);
        assert_eq!(
            Instance::kept_in(&file).id(),
            name,
            "once its holder is gone, the name is taken back"
        );
    }

    #[test]
    fn the_operators_name_wins_and_fresh_names_differ() {
        assert_eq!(Instance::named("host-1".into()).id(), "host-1");
        assert_ne!(Instance::fresh().id(), Instance::fresh().id());
    }
}
