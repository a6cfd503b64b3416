//! Helpers of the activity tests: seeded log entries, JSON paging, a CSV reader, a second streamer.

use app::model::{Actor, AuditAction, AuditEntry, ChannelId, Viewer};
use app::ssr::store::prelude::*;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{json, Value};

use crate::common::TestServer;

/// Entries written straight into the store, long before the test's own (login, grants).
pub async fn seed(server: &TestServer, channel: &ChannelId, n: usize) -> Vec<AuditEntry> {
    let store = server.store().await;
    let base = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut entries = Vec::new();
    for i in 0..n {
        let action = [AuditAction::Grant, AuditAction::Refund, AuditAction::Expire][i % 3];
        let entry = AuditEntry {
            id: format!("seed-{i:04}"),
            channel_id: channel.clone(),
            // Pairs share a time: the id breaks the tie.
            at: base + Duration::seconds((i / 2) as i64),
            action,
            actor: Actor::System,
            target: Some(Viewer {
                id: format!("70{}", i % 4),
                login: format!("seeded_{}", i % 4),
                display_name: format!("Seeded, \"{}\"", i % 4),
            }),
            metadata: json!({ "note": format!("line one, \"two\"\nline {i}"), "duration_secs": 60 }),
        };
        store.append_audit(&entry).await.unwrap();
        entries.push(entry);
    }
    entries
}

pub async fn demo_channel(server: &TestServer) -> ChannelId {
    let store = server.store().await;
    store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .expect("logged in")
        .id
}

pub async fn get_json(browser: &reqwest::Client, url: String) -> (u16, Value) {
    let res = browser.get(url).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Follows `next_cursor` from the newest page to the last; returns every entry in order. Checks
/// on the way that `next` (the same cursor in two fields) leads to the same page.
pub async fn walk(server: &TestServer, browser: &reqwest::Client, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut url = server.url(&format!("/api/audit-log?limit=7&{query}"));
    loop {
        let (status, body) = get_json(browser, url).await;
        assert_eq!(status, 200, "{body}");
        all.extend(body["entries"].as_array().unwrap().iter().cloned());
        let Some(cursor) = body["next_cursor"].as_str() else {
            assert!(body["next"].is_null(), "{body}");
            return all;
        };
        let next = body["next"].as_object().expect("next beside next_cursor");
        let split = server.url(&format!(
            "/api/audit-log?limit=7&{query}&before_at={}&before_id={}",
            app::model::escape_query(next["at"].as_str().unwrap()),
            next["id"].as_str().unwrap()
        ));
        url = server.url(&format!(
            "/api/audit-log?limit=7&{query}&cursor={}",
            app::model::escape_query(cursor)
        ));
        assert_eq!(
            get_json(browser, split).await,
            get_json(browser, url.clone()).await
        );
    }
}

pub fn ids(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn grant_bob(server: &TestServer, browser: &reqwest::Client) -> Value {
    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "viewer_bob", "duration_secs": 3600 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// A small RFC 4180 reader, enough to check the export.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}
