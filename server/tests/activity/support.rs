//! Helpers of the activity tests: seeded log entries, JSON paging, a CSV reader, a second streamer.

use app::model::{Actor, AuditAction, AuditEntry, ChannelId, Viewer};
use app::ssr::Store;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{json, Value};

use crate::common::{location, TestServer};

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

/// Follows `next` from the newest page to the last; returns every entry in order.
pub async fn walk(server: &TestServer, browser: &reqwest::Client, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut url = server.url(&format!("/api/audit-log?limit=7&{query}"));
    loop {
        let (status, body) = get_json(browser, url).await;
        assert_eq!(status, 200, "{body}");
        all.extend(body["entries"].as_array().unwrap().iter().cloned());
        let Some(next) = body["next"].as_object() else {
            return all;
        };
        url = server.url(&format!(
            "/api/audit-log?limit=7&{query}&before_at={}&before_id={}",
            app::model::escape_query(next["at"].as_str().unwrap()),
            next["id"].as_str().unwrap()
        ));
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

/// Logs in as another simulated streamer (the simulator's `login` hint picks who approves).
pub async fn log_in_as(server: &TestServer, browser: &reqwest::Client, login: &str) {
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/users"))
        .json(&json!({ "login": login, "broadcaster_type": "affiliate" }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let res = browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let authorize = format!("{}&login={login}", location(&res));
    let res = browser.get(&authorize).send().await.unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    assert!(res.status().is_redirection());
}
