//! The activity log over HTTP: `GET /api/audit-log` pages through it as JSON (the original
//! product's endpoint) and `GET /api/audit-log.csv` streams every matching entry as a CSV download.
//! Both take the activity page's filters (`action`, `viewer` — login or id, alias `user`) and read
//! through the same use case; the CSV is written page by page, never held whole in memory.

use std::borrow::Cow;

use app::model::{
    action_label, actor_label, cursor_time, metadata_summary, ActivityParams, AuditCursor,
    AuditEntry, MAX_ACTIVITY_LIMIT,
};
use app::ssr::activity::{self, AuditReader};
use app::AppError;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::Acting;

/// The CSV export's columns, in order.
const CSV_HEADER: [&str; 9] = [
    "time",
    "action",
    "description",
    "actor",
    "viewer_id",
    "viewer_login",
    "viewer_name",
    "details",
    "metadata",
];

fn params(
    query: Result<Query<ActivityParams>, QueryRejection>,
) -> Result<ActivityParams, AppError> {
    query
        .map(|Query(p)| p)
        .map_err(|e| AppError::Invalid(e.body_text()))
}

/// `GET /api/audit-log?action=&viewer=&cursor=&limit=` →
/// `{"entries": [...], "next_cursor": "…" | null, "next": {"at", "id"} | null}`, newest first;
/// `limit` is at most 200. `next_cursor` goes back as `cursor`; `next` as `before_at`/`before_id`.
pub async fn page(
    acting: Acting,
    query: Result<Query<ActivityParams>, QueryRejection>,
) -> Result<Json<serde_json::Value>, AppError> {
    let request = params(query)?.parse()?;
    let page = activity::page(&acting.ctx, &acting.caller, &acting.channel, request).await?;
    Ok(Json(serde_json::json!({
        "entries": page.entries,
        "next_cursor": page.next.as_ref().map(AuditCursor::token),
        "next": page.next,
    })))
}

/// `GET /api/audit-log.csv?action=&viewer=` → every matching entry, newest first, as an attachment.
pub async fn csv(
    acting: Acting,
    query: Result<Query<ActivityParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let mut request = params(query)?.parse()?;
    request.limit = MAX_ACTIVITY_LIMIT;
    let reader = AuditReader::open(&acting.ctx, &acting.caller, &acting.channel, request).await?;
    let first = csv_line(CSV_HEADER.iter().map(|h| Cow::Borrowed(*h)));
    // Checked above: from here on a failure can only cut the download short (and is logged).
    let chunks =
        futures_util::stream::unfold((Some(reader), Some(first)), |(reader, first)| async move {
            if let Some(first) = first {
                return Some((Ok(Bytes::from(first)), (reader, None)));
            }
            let mut reader = reader?;
            match reader.next_page().await {
                Ok(page) if page.entries.is_empty() => None,
                Ok(page) => {
                    let rows: String = page.entries.iter().map(csv_row).collect();
                    Some((Ok(Bytes::from(rows)), (Some(reader), None)))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), (None, None))),
            }
        });
    let filename = format!("audit-log-{}.csv", acting.channel);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}

/// One entry as a CSV line.
fn csv_row(e: &AuditEntry) -> String {
    let (id, login, name) = e.target.as_ref().map_or(("", "", ""), |v| {
        (v.id.as_str(), v.login.as_str(), v.display_name.as_str())
    });
    let fields = [
        Cow::Owned(cursor_time(e.at)),
        Cow::Borrowed(e.action.as_str()),
        Cow::Borrowed(action_label(e.action)),
        Cow::Owned(actor_label(&e.actor)),
        Cow::Borrowed(id),
        Cow::Borrowed(login),
        Cow::Borrowed(name),
        Cow::Owned(metadata_summary(&e.details())),
        Cow::Owned(e.metadata.to_string()),
    ];
    csv_line(fields.into_iter())
}

fn csv_line<'a>(fields: impl Iterator<Item = Cow<'a, str>>) -> String {
    let mut line = fields
        .map(|f| csv_field(&f).into_owned())
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, with quotes doubled.
/// A field starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
/// spreadsheet shows a viewer-chosen text instead of running it as a formula.
pub fn csv_field(value: &str) -> Cow<'_, str> {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\r', '\n']);
    if !formula && !quote {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 4);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_stay_as_they_are() {
        assert_eq!(csv_field("viewer_bob"), "viewer_bob");
        assert_eq!(csv_field(""), "");
        assert!(matches!(csv_field("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn commas_quotes_and_newlines_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("@cmd"), "'@cmd");
        assert_eq!(csv_field("=a,b"), "\"'=a,b\"");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("\r=1+1"), "\"'\r=1+1\"");
    }

    #[test]
    fn lines_join_fields_and_end_with_crlf() {
        let line = csv_line(["a", "b,c", ""].into_iter().map(Cow::Borrowed));
        assert_eq!(line, "a,\"b,c\",\r\n");
    }
}
