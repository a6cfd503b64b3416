//! The analytics page over HTTP, against a real server in demo mode and without JavaScript: real
//! redemptions (granted, extended, refunded) and seeded history show up as SVG charts, tables and
//! totals; the window follows `days`; the page needs a login and shows only the caller's channel.

use crate::common;
mod support;

use std::time::Duration;

use app::model::AuditAction;
use app::ssr::store::prelude::*;
use chrono::{DateTime, Utc};
use common::{
    create_reward, eventually, log_in, log_in_as, redeem, redemptions_subscribed, TestServer,
};
use serde_json::json;
use support::{audit, channel_of, date, noon_days_ago, page, row, rows, seeded, tag_with, text_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redemptions_refunds_and_points_are_charted_without_javascript() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    redemptions_subscribed(&server).await;
    let reward_id = create_reward(&server, &browser, "VIP for a day", 1250, 86_400).await;

    // viewer_alice redeems twice (a grant, then an extension); demo_mod is a moderator: refunded.
    for (who, action) in [
        ("viewer_alice", "grant"),
        ("viewer_alice", "extend"),
        ("demo_mod", "refund"),
    ] {
        redeem(&server, who, &reward_id).await;
        eventually(action, Duration::from_secs(30), || async {
            (!audit(&browser, &server, action).await.is_empty()).then_some(())
        })
        .await;
    }
    // The price is recorded with each decision, so later price changes do not rewrite history.
    for action in ["grant", "extend", "refund"] {
        let entries = audit(&browser, &server, action).await;
        assert_eq!(
            entries[0]["metadata"]["cost"], 1250,
            "{action}: {entries:?}"
        );
    }
    // A grant by hand costs nothing but counts for the viewer and the active VIPs.
    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "viewer_bob", "duration_secs": 3600 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    let (status, html) = page(&browser, &server, "/analytics").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<title>Analytics · VIP Manager</title>"),
        "{html}"
    );
    for chart in ["chart-redemptions", "chart-points", "chart-active"] {
        let at = html
            .find(&format!("<svg id=\"{chart}\""))
            .unwrap_or_else(|| panic!("{chart}"));
        let svg = &html[at..at + html[at..].find("</svg>").unwrap()];
        assert!(svg.contains("role=\"img\""), "{svg}");
        assert!(
            svg.contains(&format!("<title id=\"{chart}-title\">")),
            "{svg}"
        );
        assert!(svg.contains("<rect") || svg.contains("<path"), "{svg}");
    }
    assert!(html.contains("Redemptions per day, the last 30 days"));
    assert_eq!(text_of(&html, "total-redemptions"), "3");
    assert_eq!(text_of(&html, "total-points"), "2,500");
    assert_eq!(text_of(&html, "total-refunds"), "1");
    assert_eq!(text_of(&html, "active-now"), "2");
    // Per day as the log dates the decisions (UTC), even if the test ran across midnight.
    let mut expected: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for action in ["grant", "extend", "refund"] {
        let at: DateTime<Utc> =
            serde_json::from_value(audit(&browser, &server, action).await[0]["at"].clone())
                .unwrap();
        let day = expected.entry(date(at)).or_default();
        if action == "refund" {
            day.1 += 1;
        } else {
            day.0 += 1;
        }
    }
    for (day, (fulfilled, refunded)) in &expected {
        let total = fulfilled + refunded;
        assert_eq!(
            row(&html, "chart-redemptions", day),
            [
                fulfilled.to_string(),
                refunded.to_string(),
                total.to_string()
            ]
        );
        assert_eq!(
            row(&html, "chart-points", day),
            [(fulfilled * 1250).to_string()]
        );
    }
    let active = rows(&html, "chart-active");
    assert_eq!(active.len(), 30);
    assert_eq!(active.last().unwrap().1[0], "2", "now: alice and bob");
    assert!(html.contains("data-key=\"is_moderator\""));
    assert!(html.contains("Viewer is a moderator"));
    let alice = html
        .find("data-key=\"viewer_alice\"")
        .expect("alice is a top viewer");
    let bob = html
        .find("data-key=\"viewer_bob\"")
        .expect("bob is a top viewer");
    assert!(alice < bob, "most points first");
    assert!(html[alice..bob].contains("2,500 points"));
    // Thirty columns, one per day, each with a tooltip.
    let redemptions = &html[html.find("<svg id=\"chart-redemptions\"").unwrap()..];
    let redemptions = &redemptions[..redemptions.find("</svg>").unwrap()];
    assert_eq!(redemptions.matches("<g>").count(), 30);

    let (status, html) = page(&browser, &server, "/analytics?days=7").await;
    assert_eq!(status, 200);
    assert!(html.contains("Redemptions per day, the last 7 days"));
    assert!(tag_with(&html, "href=\"/analytics?days=7\"").contains("aria-current=\"page\""));
    assert!(!tag_with(&html, "href=\"/analytics?days=30\"").contains("aria-current"));
    assert_eq!(text_of(&html, "total-points"), "2,500");

    let (status, html) = page(&browser, &server, "/analytics?days=5").await;
    assert_eq!(status, 400);
    assert!(html.contains("`days` must be 7, 30 or 90"), "{html}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn seeded_history_is_counted_per_utc_day_within_the_window() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let channel = channel_of(&server, "demo_streamer").await;
    let store = server.store().await;
    let recent = noon_days_ago(3);
    let old = noon_days_ago(45);
    for entry in [
        seeded(
            &channel,
            "a1",
            recent,
            AuditAction::Grant,
            "seed_ann",
            json!({ "session_id": "s1", "redemption_id": "r1", "cost": 300 }),
        ),
        seeded(
            &channel,
            "a2",
            recent,
            AuditAction::Refund,
            "seed_ben",
            json!({ "reason": "slots_full", "redemption_id": "r2", "cost": 300 }),
        ),
        seeded(
            &channel,
            "a3",
            old,
            AuditAction::Refund,
            "seed_ben",
            json!({ "reason": "user_blocked", "redemption_id": "r3", "cost": 700 }),
        ),
        seeded(
            &channel,
            "a4",
            old,
            AuditAction::Grant,
            "seed_cy",
            json!({ "session_id": "s0", "redemption_id": "r4", "cost": 700 }),
        ),
    ] {
        store.append_audit(&entry).await.unwrap();
    }
    let (status, html) = page(&browser, &server, "/analytics").await;
    assert_eq!(status, 200);
    assert_eq!(rows(&html, "chart-redemptions").len(), 30);
    let recent = date(recent);
    assert_eq!(row(&html, "chart-redemptions", &recent), ["1", "1", "2"]);
    assert_eq!(row(&html, "chart-points", &recent), ["300"]);
    assert_eq!(text_of(&html, "total-points"), "300");
    assert!(
        html.contains("data-key=\"slots_full\"") && !html.contains("data-key=\"user_blocked\"")
    );
    assert!(html.contains("data-key=\"seed_ann\"") && !html.contains("data-key=\"seed_cy\""));
    // The seeded sessions never ended: they are not active in the store, so the count walked
    // back stays at zero rather than going negative.
    assert_eq!(text_of(&html, "active-now"), "0");

    let (_, html) = page(&browser, &server, "/analytics?days=90").await;
    assert_eq!(text_of(&html, "total-points"), "1,000");
    assert_eq!(text_of(&html, "total-refunds"), "2");
    assert!(html.contains("data-key=\"user_blocked\"") && html.contains("data-key=\"seed_cy\""));
    assert_eq!(rows(&html, "chart-redemptions").len(), 90);
    let old = date(old);
    assert_eq!(row(&html, "chart-redemptions", &old), ["1", "1", "2"]);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_page_needs_a_login() {
    let server = TestServer::start().await;
    let (status, html) = page(&server.http, &server, "/analytics").await;
    assert_eq!(status, 401);
    assert!(html.contains("Log in to see your analytics"), "{html}");
    assert!(!html.contains("chart-redemptions"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn each_streamer_sees_only_their_own_channel() {
    let server = TestServer::start().await;
    let demo = TestServer::browser();
    log_in(&server, &demo).await;
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let store = server.store().await;
    let just_now = Utc::now() - chrono::Duration::seconds(1);
    let demo_channel = channel_of(&server, "demo_streamer").await;
    let other_channel = channel_of(&server, "other_streamer").await;
    store
        .append_audit(&seeded(
            &demo_channel,
            "d1",
            just_now,
            AuditAction::Grant,
            "demo_fan",
            json!({ "redemption_id": "rd", "cost": 40 }),
        ))
        .await
        .unwrap();
    store
        .append_audit(&seeded(
            &other_channel,
            "o1",
            just_now,
            AuditAction::Grant,
            "other_fan",
            json!({ "redemption_id": "ro", "cost": 9 }),
        ))
        .await
        .unwrap();

    let (_, html) = page(&demo, &server, "/analytics").await;
    assert_eq!(text_of(&html, "total-points"), "40");
    assert!(html.contains("data-key=\"demo_fan\"") && !html.contains("other_fan"));
    let (_, html) = page(&other, &server, "/analytics").await;
    assert_eq!(text_of(&html, "total-points"), "9");
    assert!(html.contains("data-key=\"other_fan\"") && !html.contains("demo_fan"));
    server.stop().await.unwrap();
}
