//! Helpers of the analytics tests: reading numbers out of the rendered page, the activity API,
//! and log entries written straight into the store.
use app::model::{Actor, AuditAction, AuditEntry, ChannelId, Viewer};
use app::ssr::store::prelude::*;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use crate::common::TestServer;

pub async fn page(browser: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let res = browser.get(server.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The text of the element with this id (its first text node), e.g. a headline number.
pub fn text_of(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    rest[open..open + close].trim().to_owned()
}

/// The rows of the numbers table of the chart `chart`: each day with its cells, as text.
pub fn rows(html: &str, chart: &str) -> Vec<(String, Vec<String>)> {
    let from = html
        .find(&format!("<svg id=\"{chart}\""))
        .unwrap_or_else(|| panic!("no chart {chart}"));
    let rest = &html[from..];
    let body = &rest[rest.find("<tbody").unwrap()..rest.find("</tbody>").unwrap()];
    let inner = |cell: &str| {
        let open = cell.find('>').unwrap() + 1;
        let close = cell[open..].find('<').unwrap();
        cell[open..open + close].trim().to_owned()
    };
    body.split("<tr")
        .skip(1)
        .map(|tr| {
            let day = inner(&tr[tr.find("<th").unwrap()..]);
            let cells = tr.split("<td").skip(1).map(inner).collect();
            (day, cells)
        })
        .collect()
}

pub fn row(html: &str, chart: &str, date: &str) -> Vec<String> {
    rows(html, chart)
        .into_iter()
        .find(|(day, _)| day == date)
        .unwrap_or_else(|| panic!("no row {date} in {chart}"))
        .1
}

/// The opening tag that contains `needle`.
pub fn tag_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let open = html[..at].rfind('<').unwrap();
    let close = at + html[at..].find('>').unwrap();
    &html[open..=close]
}

pub async fn audit(browser: &reqwest::Client, server: &TestServer, action: &str) -> Vec<Value> {
    let body: Value = browser
        .get(server.url(&format!("/api/audit-log?action={action}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["entries"].as_array().cloned().unwrap_or_default()
}

pub async fn channel_of(server: &TestServer, login: &str) -> ChannelId {
    server
        .store()
        .await
        .channel_by_login(login)
        .await
        .unwrap()
        .expect("logged in")
        .id
}

pub fn seeded(
    channel: &ChannelId,
    id: &str,
    at: DateTime<Utc>,
    action: AuditAction,
    who: &str,
    metadata: Value,
) -> AuditEntry {
    AuditEntry {
        id: id.to_owned(),
        channel_id: channel.clone(),
        at,
        action,
        actor: Actor::System,
        target: Some(Viewer {
            id: format!("id-{who}"),
            login: who.to_owned(),
            display_name: who.to_uppercase(),
        }),
        metadata,
    }
}

/// Noon (UTC) `days` days ago: in the past, whatever the time of day now.
pub fn noon_days_ago(days: i64) -> DateTime<Utc> {
    let day = Utc::now().date_naive() - chrono::Duration::days(days);
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
}

pub fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}
