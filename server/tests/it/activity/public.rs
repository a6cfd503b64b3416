//! The public viewer page and the wall between streamers.

use app::ssr::store::prelude::*;

use crate::activity::support::{demo_channel, grant_bob, seed, walk};
use crate::common::{log_in, log_in_as, TestServer};

#[tokio::test]
async fn the_public_page_shows_vips_only_when_switched_on() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let bob = grant_bob(&server, &browser).await;

    let res = server
        .http
        .get(server.url("/c/demo_streamer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("has not made their VIP list public"));

    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap();
    let mut settings = channel.settings.clone();
    settings.public_page = true;
    assert!(store.update_settings(&channel.id, &settings).await.unwrap());

    let res = server
        .http
        .get(server.url("/c/demo_streamer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Viewer_bob"), "{html}");
    assert!(html.contains("aria-label=\"time left\""));
    // Names and time left only: no Twitch ids, logins or who granted.
    assert!(!html.contains(bob["user_id"].as_str().unwrap()));
    assert!(!html.contains("viewer_bob"));
    assert!(!html.contains("channel_points") && !html.contains("granted_by"));

    let res = server
        .http
        .get(server.url("/c/nobody_here"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn another_streamer_never_sees_this_channel() {
    let server = TestServer::start().await;
    let demo = TestServer::browser();
    log_in(&server, &demo).await;
    let channel = demo_channel(&server).await;
    seed(&server, &channel, 5).await;
    grant_bob(&server, &demo).await;

    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let own = walk(&server, &other, "").await;
    assert!(!own.is_empty(), "their own login is logged");
    assert!(own.iter().all(|e| e["channel_id"] != channel.as_str()));
    assert!(walk(&server, &other, "viewer=viewer_bob").await.is_empty());

    for path in ["/api/audit-log", "/api/audit-log.csv"] {
        let url = server.url(&format!("{path}?channel={channel}"));
        let res = other.get(url).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    let csv = other
        .get(server.url("/api/audit-log.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("viewer_bob") && !csv.contains("seeded_"));
    let html = other
        .get(server.url("/activity"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-action=\"login\""));
    assert!(!html.contains("Viewer_bob") && !html.contains("Seeded"));
    server.stop().await.unwrap();
}
