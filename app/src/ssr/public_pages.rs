//! What the public channel pages (`/c/{login}`, no login) last read, kept for a few seconds so
//! that anonymous callers cost the store at most one read of a public channel per [`FRESH_FOR`],
//! however often they ask; the number of entries is bounded. A login without a public page is not
//! kept (it is one indexed read, under the pages' per-address rate limit), so switching a page on
//! shows at once; saving a channel's settings forgets its page on this instance, and other
//! instances follow within [`FRESH_FOR`].

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::model::PublicChannel;
use crate::AppError;

/// How long a public page's data is served before the store is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// At most this many logins are remembered.
const MAX_ENTRIES: usize = 4096;

type Entry = (Instant, PublicChannel);

pub struct PublicPages {
    fresh_for: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Default for PublicPages {
    fn default() -> Self {
        Self::new(FRESH_FOR)
    }
}

impl PublicPages {
    pub fn new(fresh_for: Duration) -> Self {
        Self {
            fresh_for,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The remembered page of `login` as of `now`, while fresh (VIPs that ended since are left
    /// out); `None`: read it and [`Self::remember`] it.
    pub fn fresh(&self, login: &str, now: DateTime<Utc>) -> Option<PublicChannel> {
        let mut page = self
            .lock()
            .get(&key(login))
            .filter(|(at, _)| at.elapsed() < self.fresh_for)
            .map(|(_, page)| page.clone())?;
        page.vips
            .retain(|vip| vip.expires_at.is_none_or(|end| end > now));
        page.now = page.now.max(now);
        Some(page)
    }

    /// Keeps what was read for `login` when it is a page (answers without one are not kept).
    pub fn remember(&self, login: &str, page: &Result<PublicChannel, AppError>) {
        let Ok(page) = page else {
            return;
        };
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < self.fresh_for);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key(login), (Instant::now(), page.clone()));
    }

    /// Drops what is kept for `login` (its settings changed).
    pub fn forget(&self, login: &str) {
        self.lock().remove(&key(login));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn key(login: &str) -> String {
    login.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::model::PublicVip;

    fn page(now: DateTime<Utc>) -> PublicChannel {
        PublicChannel {
            display_name: "Demo".into(),
            vips: vec![
                PublicVip {
                    display_name: "soon".into(),
                    expires_at: Some(now + TimeDelta::seconds(2)),
                    until_stream_end: false,
                },
                PublicVip {
                    display_name: "forever".into(),
                    expires_at: None,
                    until_stream_end: false,
                },
            ],
            now,
        }
    }

    #[test]
    fn a_fresh_page_is_served_from_memory_and_ended_vips_drop_out() {
        let pages = PublicPages::new(Duration::from_secs(3600));
        let now = Utc::now();
        assert_eq!(pages.fresh("demo", now), None, "nothing read yet");
        pages.remember("Demo ", &Ok(page(now)));
        assert_eq!(pages.fresh("demo", now), Some(page(now)));
        let later = now + TimeDelta::seconds(3);
        let shown = pages.fresh("DEMO", later).unwrap();
        assert_eq!(shown.now, later);
        assert_eq!(shown.vips.len(), 1, "the ended VIP is not shown");
        assert_eq!(shown.vips[0].display_name, "forever");
    }

    #[test]
    fn only_pages_are_remembered_and_a_forgotten_one_is_read_again() {
        let pages = PublicPages::new(Duration::from_secs(3600));
        let now = Utc::now();
        pages.remember("nobody", &Err(AppError::NotFound));
        assert_eq!(
            pages.fresh("nobody", now),
            None,
            "may be switched on any time"
        );
        let failed = Err(AppError::Internal {
            reference: "r".into(),
        });
        pages.remember("down", &failed);
        assert_eq!(pages.fresh("down", now), None, "a failure is read again");
        pages.remember("demo", &Ok(page(now)));
        pages.forget("Demo");
        assert_eq!(pages.fresh("demo", now), None);
    }

    #[test]
    fn a_stale_page_is_read_again_and_memory_is_bounded() {
        let now = Utc::now();
        let stale = PublicPages::new(Duration::ZERO);
        stale.remember("demo", &Ok(page(now)));
        assert_eq!(stale.fresh("demo", now), None);
        let pages = PublicPages::new(Duration::from_secs(3600));
        for i in 0..=MAX_ENTRIES {
            pages.remember(&format!("login{i}"), &Ok(page(now)));
        }
        assert!(pages.lock().len() <= MAX_ENTRIES);
    }
}
