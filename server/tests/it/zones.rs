//! Time zones against a real server in demo mode: a page served with the browser's zone cookie
//! writes its times in that zone (and hands the same zone to hydration), without one in UTC; the
//! CSV export stays ISO-8601 UTC whatever the cookie; the streamer's `time_zone` setting is
//! validated and decides the analytics page's days.

use std::sync::Arc;

use app::model::{AuditAction, AuditQuery, Precision};
use app::ssr::store::prelude::*;
use app::ssr::zone;
use chrono::Utc;
use reqwest::cookie::Jar;
use serde_json::json;

use crate::api_tokens::{create, send};
use crate::common::{log_in, page, TestServer};

/// A browser (cookies kept, redirects not followed) whose jar already holds `vip_tz`.
fn browser_in(server: &TestServer, zone_cookie: Option<&str>) -> reqwest::Client {
    let jar = Arc::new(Jar::default());
    if let Some(value) = zone_cookie {
        let url = server.url("/").parse().unwrap();
        jar.add_cookie_str(&format!("vip_tz={value}; Path=/"), &url);
    }
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn pages_show_times_in_the_browsers_zone_and_the_csv_stays_utc() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let kolkata = browser_in(&server, Some("Asia%2FKolkata"));
    log_in(&server, &kolkata).await;
    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let query = AuditQuery {
        action: Some(AuditAction::Login),
        viewer_id: None,
        before: None,
        limit: 1,
    };
    let login_at = store.audit_page(&channel, &query).await.unwrap().entries[0].at;
    let table = zone::table(zone::parse("Asia/Kolkata").unwrap(), Utc::now());
    let local = table.text(login_at, Precision::Seconds);
    assert!(local.ends_with(" IST"), "{local}");

    let html = page(&kolkata, &server, "/activity").await;
    assert!(html.contains(&local), "the login at {local}: {html}");
    // Hydration reads the same table back.
    let meta = format!(r#"<meta name="vip-zone" content="{}""#, table.encode());
    assert!(html.contains(&meta), "{html}");
    assert!(html.contains(r#"<script src="/zone.js""#), "{html}");

    // Until the streamer saves a zone, the settings form offers the browser's.
    let html = page(&kolkata, &server, "/settings").await;
    assert!(html.contains(r#"value="Asia/Kolkata""#), "{html}");
    assert!(html.contains("Not saved yet"), "{html}");

    // Without the cookie (or with a zone nobody knows): UTC, said so.
    let utc_text = app::model::utc_text(login_at, Precision::Seconds);
    for cookie in [None, Some("Nowhere%2FLand")] {
        let other = browser_in(&server, cookie);
        log_in(&server, &other).await;
        let html = page(&other, &server, "/activity").await;
        assert!(html.contains(&utc_text), "{cookie:?}: {html}");
        assert!(!html.contains(&local), "{cookie:?}");
        assert!(html.contains(r#"<meta name="vip-zone" content="UTC;,0,UTC""#));
    }

    // The CSV export keeps ISO-8601 UTC.
    let csv = page(&kolkata, &server, "/api/audit-log.csv").await;
    let stamp = app::model::rfc3339(login_at, true);
    assert!(stamp.ends_with('Z'));
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{stamp},login,"))),
        "{stamp}: {csv}"
    );
    assert!(!csv.contains(" IST"), "{csv}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_time_zone_setting_is_checked_and_decides_the_analytics_days() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let (token, _) = create(&server, &browser, "settings").await;
    let settings = server.url("/api/settings");

    let (status, body) = send(server.http.get(&settings).bearer_auth(&token)).await;
    assert_eq!((status, &body["time_zone"]), (200, &json!(null)), "{body}");
    let html = page(&browser, &server, "/analytics").await;
    assert!(html.contains("(UTC)"), "{html}");

    for bad in ["Mars/Olympus", "Europe/Berlin; drop", ""] {
        let (status, body) = send(
            server
                .http
                .put(&settings)
                .bearer_auth(&token)
                .json(&json!({ "time_zone": bad })),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("time_zone"),
            "{body}"
        );
    }
    let (status, body) = send(
        server
            .http
            .put(&settings)
            .bearer_auth(&token)
            .json(&json!({ "time_zone": "Asia/Kolkata" })),
    )
    .await;
    assert_eq!(
        (status, &body["time_zone"]),
        (200, &json!("Asia/Kolkata")),
        "{body}"
    );
    let html = page(&browser, &server, "/analytics").await;
    assert!(html.contains("(Asia/Kolkata)"), "{html}");
    // The settings form shows the saved zone.
    let html = page(&browser, &server, "/settings").await;
    assert!(html.contains(r#"value="Asia/Kolkata""#), "{html}");
    server.stop().await.unwrap();
}
