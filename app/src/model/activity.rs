//! The activity log's request: the filters and cursor a page, the JSON API and the CSV export read
//! from a query string (`action`, `viewer`, `before_at`, `before_id` or `cursor`, `limit`), parsed and checked in
//! one place, and written back into links ("Older", "Download CSV") so paging works without
//! JavaScript.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AuditAction, AuditCursor};
use crate::error::AppError;

/// Entries per page when the request names no limit.
pub const DEFAULT_ACTIVITY_LIMIT: u32 = 50;
/// The most entries one page may hold.
pub const MAX_ACTIVITY_LIMIT: u32 = 200;

/// The activity log's query string, as sent. Empty values mean "not given" (an empty `<select>`
/// option or text field submits `name=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityParams {
    pub action: Option<String>,
    /// A viewer's login (`@` allowed) or Twitch user id (digits only). `user` is the original
    /// product's name for it.
    #[serde(alias = "user")]
    pub viewer: Option<String>,
    /// RFC 3339 time of the cursor entry.
    pub before_at: Option<String>,
    pub before_id: Option<String>,
    /// `before_at` and `before_id` in one opaque value: the original product's `next_cursor`.
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Who the log is filtered to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewerFilter {
    Id(String),
    Login(String),
}

/// [`ActivityParams`] after checking.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRequest {
    pub action: Option<AuditAction>,
    pub viewer: Option<ViewerFilter>,
    pub before: Option<AuditCursor>,
    /// Between 1 and [`MAX_ACTIVITY_LIMIT`].
    pub limit: u32,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ActivityParams {
    /// Checks the parameters. A limit above [`MAX_ACTIVITY_LIMIT`] is lowered to it.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for an unknown action, a malformed time, or a cursor with only one half.
    pub fn parse(&self) -> Result<ActivityRequest, AppError> {
        let action = given(&self.action)
            .map(str::parse::<AuditAction>)
            .transpose()
            .map_err(AppError::Invalid)?;
        let viewer = given(&self.viewer).map(|v| {
            let v = v.trim_start_matches('@');
            if v.bytes().all(|b| b.is_ascii_digit()) {
                ViewerFilter::Id(v.to_owned())
            } else {
                ViewerFilter::Login(v.to_lowercase())
            }
        });
        let before = match (given(&self.before_at), given(&self.before_id)) {
            (None, None) => given(&self.cursor)
                .map(|c| {
                    AuditCursor::from_token(c).ok_or_else(|| {
                        AppError::Invalid(format!("`cursor` is not one this log gave: {c}"))
                    })
                })
                .transpose()?,
            _ if given(&self.cursor).is_some() => {
                return Err(AppError::Invalid(
                    "give `cursor` or `before_at` and `before_id`, not both".into(),
                ))
            }
            (Some(at), Some(id)) => Some(AuditCursor {
                at: DateTime::parse_from_rfc3339(at)
                    .map_err(|_| AppError::Invalid(format!("`before_at` is not a time: {at}")))?
                    .with_timezone(&Utc),
                id: id.to_owned(),
            }),
            _ => {
                return Err(AppError::Invalid(
                    "give both `before_at` and `before_id`, or neither".into(),
                ))
            }
        };
        let limit = self
            .limit
            .unwrap_or(DEFAULT_ACTIVITY_LIMIT)
            .clamp(1, MAX_ACTIVITY_LIMIT);
        Ok(ActivityRequest {
            action,
            viewer,
            before,
            limit,
        })
    }

    /// The filters (not the cursor or limit) as a query string without `?`, e.g. `action=grant`.
    pub fn filter_query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(action) = given(&self.action) {
            pairs.push(format!("action={}", escape_query(action)));
        }
        if let Some(viewer) = given(&self.viewer) {
            pairs.push(format!("viewer={}", escape_query(viewer)));
        }
        pairs.join("&")
    }

    /// The query string of the page after `next`: the same filters, continuing from the cursor.
    pub fn older_query(&self, next: &AuditCursor) -> String {
        let filters = self.filter_query();
        let sep = if filters.is_empty() { "" } else { "&" };
        format!(
            "{filters}{sep}before_at={}&before_id={}",
            escape_query(&cursor_time(next.at)),
            escape_query(&next.id)
        )
    }

    /// Whether this request continues from a cursor (is not the newest page).
    pub fn is_paged(&self) -> bool {
        given(&self.before_at).is_some()
            || given(&self.before_id).is_some()
            || given(&self.cursor).is_some()
    }
}

/// A cursor time as text: RFC 3339 in UTC with `Z` (no `+` to escape) and every digit the store keeps.
pub fn cursor_time(at: DateTime<Utc>) -> String {
    super::rfc3339(at, true)
}

/// Percent-encodes everything but ASCII letters, digits and `-._~` (RFC 3986 unreserved).
pub fn escape_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ActivityParams {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| (*v).to_owned())
        };
        ActivityParams {
            action: get("action"),
            viewer: get("viewer"),
            before_at: get("before_at"),
            before_id: get("before_id"),
            cursor: get("cursor"),
            limit: get("limit").map(|l| l.parse().unwrap()),
        }
    }

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let cursor = AuditCursor {
            at: Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap(),
            id: "0190-ab~c".into(),
        };
        let token = cursor.token();
        let back = params(&[("cursor", &token)]).parse().unwrap();
        assert_eq!(back.before, Some(cursor));
        assert!(params(&[("cursor", &token)]).is_paged());
        for bad in ["nope", "~id", "2026-03-04T05:06:07Z~", "yesterday~id"] {
            assert!(params(&[("cursor", bad)]).parse().is_err(), "{bad}");
        }
        let both = params(&[("cursor", &token), ("before_id", "x"), ("before_at", "y")]);
        assert!(both.parse().is_err());
    }

    #[test]
    fn empty_fields_mean_no_filter() {
        let req = params(&[("action", ""), ("viewer", "  ")]).parse().unwrap();
        assert_eq!(req.action, None);
        assert_eq!(req.viewer, None);
        assert_eq!(req.before, None);
        assert_eq!(req.limit, DEFAULT_ACTIVITY_LIMIT);
    }

    #[test]
    fn viewers_are_ids_when_all_digits_else_logins() {
        let id = params(&[("viewer", "12345")]).parse().unwrap();
        assert_eq!(id.viewer, Some(ViewerFilter::Id("12345".into())));
        let login = params(&[("viewer", "@Viewer_Bob")]).parse().unwrap();
        assert_eq!(login.viewer, Some(ViewerFilter::Login("viewer_bob".into())));
    }

    #[test]
    fn bad_actions_times_and_half_cursors_are_refused() {
        assert!(params(&[("action", "nope")]).parse().is_err());
        assert!(params(&[("before_at", "yesterday"), ("before_id", "x")])
            .parse()
            .is_err());
        assert!(params(&[("before_id", "x")]).parse().is_err());
    }

    #[test]
    fn limits_are_kept_between_one_and_the_maximum() {
        assert_eq!(params(&[("limit", "0")]).parse().unwrap().limit, 1);
        assert_eq!(
            params(&[("limit", "5000")]).parse().unwrap().limit,
            MAX_ACTIVITY_LIMIT
        );
    }

    #[test]
    fn older_links_carry_filters_and_a_cursor_that_parses_back() {
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()
            + chrono::Duration::microseconds(123_456);
        let cursor = AuditCursor {
            at,
            id: "0190-ab".into(),
        };
        let p = params(&[("action", "grant"), ("viewer", "a b&c")]);
        let query = p.older_query(&cursor);
        assert_eq!(
            query,
            "action=grant&viewer=a%20b%26c&before_at=2026-03-04T05%3A06%3A07.123456Z&before_id=0190-ab"
        );
        let back = params(&[
            ("before_at", "2026-03-04T05:06:07.123456Z"),
            ("before_id", "0190-ab"),
        ])
        .parse()
        .unwrap();
        assert_eq!(back.before, Some(cursor));
        assert!(!ActivityParams::default().is_paged());
    }
}
