//! The activity log and the public viewer page over HTTP, against a real server in demo mode:
//! JSON paging and filters, the CSV export, login checks, the public page's on/off switch, and
//! that one streamer never sees another's data.

use crate::common;
mod public;
mod support;

use std::collections::HashSet;

use common::{log_in, TestServer};
use serde_json::{json, Value};
use support::{demo_channel, get_json, grant_bob, ids, parse_csv, seed, walk};

#[tokio::test]
async fn json_pages_walk_every_entry_once_and_filters_work() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let channel = demo_channel(&server).await;
    let seeded = seed(&server, &channel, 30).await;
    let bob = grant_bob(&server, &browser).await;

    let all = walk(&server, &browser, "").await;
    let all_ids = ids(&all);
    let unique: HashSet<&String> = all_ids.iter().collect();
    assert_eq!(unique.len(), all_ids.len(), "no entry twice");
    assert!(seeded.iter().all(|e| unique.contains(&e.id)));
    // Newest first, ties broken by id (descending).
    let keys: Vec<(chrono::DateTime<chrono::Utc>, String)> = all
        .iter()
        .map(|e| serde_json::from_value(json!([e["at"], e["id"]])).unwrap())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]), "{keys:?}");
    assert_eq!(all[0]["action"], "grant");
    assert!(all.iter().all(|e| e["channel_id"] == channel.as_str()));

    let refunds = walk(&server, &browser, "action=refund").await;
    assert_eq!(refunds.len(), 10);
    assert!(refunds.iter().all(|e| e["action"] == "refund"));

    let by_id = walk(&server, &browser, "viewer=701&action=expire").await;
    assert!(!by_id.is_empty());
    assert!(by_id
        .iter()
        .all(|e| e["target"]["id"] == "701" && e["action"] == "expire"));

    // A login is looked up on Twitch; `user` is the original product's name for the filter.
    let by_login = walk(&server, &browser, "user=%40viewer_bob").await;
    assert_eq!(by_login.len(), 1, "{by_login:?}");
    assert_eq!(by_login[0]["target"]["id"], bob["user_id"]);

    let (status, body) =
        get_json(&browser, server.url("/api/audit-log?viewer=no_such_viewer")).await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({ "entries": [], "next_cursor": null, "next": null })
        )
    );

    let (status, body) = get_json(&browser, server.url("/api/audit-log?limit=500")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["entries"].as_array().unwrap().len(),
        all.len().min(200)
    );

    for bad in [
        "action=nope",
        "before_id=x",
        "before_at=soon&before_id=x",
        "cursor=not-a-cursor",
        "limit=many",
    ] {
        let (status, body) = get_json(&browser, server.url(&format!("/api/audit-log?{bad}"))).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["error"], "invalid_request", "{bad}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_csv_export_has_every_page_and_escapes_fields() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let channel = demo_channel(&server).await;
    seed(&server, &channel, 230).await;

    let res = browser
        .get(server.url("/api/audit-log.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    let text = res.text().await.unwrap();
    assert!(text.starts_with(
        "time,action,description,actor,viewer_id,viewer_login,viewer_name,details,metadata\r\n"
    ));
    // Quotes doubled, fields with commas, quotes or newlines quoted.
    assert!(
        text.contains(
            "2024-01-01T00:00:00Z,grant,VIP granted,the app,700,seeded_0,\"Seeded, \"\"0\"\"\",\
             \"duration 1 min · line one, \"\"two\"\"\nline 0\",\"{"
        ),
        "{text}"
    );
    let rows = parse_csv(&text);
    let all = walk(&server, &browser, "").await;
    assert_eq!(
        rows.len(),
        all.len() + 1,
        "a header and every entry, across pages"
    );
    assert!(rows.iter().all(|r| r.len() == 9));
    assert_eq!(rows[0][0], "time");
    let oldest = rows.last().unwrap();
    assert_eq!(oldest[7], "duration 1 min · line one, \"two\"\nline 0");
    let metadata: Value = serde_json::from_str(&oldest[8]).unwrap();
    assert_eq!(metadata["note"], "line one, \"two\"\nline 0");

    let text = browser
        .get(server.url("/api/audit-log.csv?action=refund&viewer=702"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows = parse_csv(&text);
    assert!(rows.len() > 1);
    assert!(rows[1..].iter().all(|r| r[1] == "refund" && r[4] == "702"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_log_needs_a_login() {
    let server = TestServer::start().await;
    for path in ["/api/audit-log", "/api/audit-log.csv"] {
        let res = server.http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 401, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    let res = server
        .http
        .get(server.url("/activity"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Log in to see your activity"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_activity_page_lists_entries_and_pages_without_javascript() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let channel = demo_channel(&server).await;
    seed(&server, &channel, 60).await;
    grant_bob(&server, &browser).await;

    let html = browser
        .get(server.url("/activity"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-action=\"grant\"") && html.contains("Viewer_bob"),
        "{html}"
    );
    let older = html
        .split("href=\"/activity?before_at=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an Older link");
    let res = browser
        .get(server.url(&format!(
            "/activity?before_at={}",
            older.replace("&amp;", "&")
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page2 = res.text().await.unwrap();
    assert!(
        page2.contains("seed-") || page2.contains("Seeded"),
        "the second page lists older entries"
    );
    assert!(!page2.contains("Viewer_bob"));

    let res = browser
        .get(server.url("/activity?action=refund&viewer=703"))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("data-action=\"refund\""));
    assert!(!html.contains("data-action=\"grant\""));
    assert!(html.contains("href=\"/api/audit-log.csv?action=refund&amp;viewer=703\""));
    // The form shows the filters in use.
    assert!(html.contains("value=\"703\""));
    assert!(html.contains("<option value=\"refund\" selected"));
    server.stop().await.unwrap();
}
