//! Pages and `/api/health` draw on a budget per client address, like the API; the site's files do
//! not.

use crate::common::TestServer;
use crate::security::support::send;

#[tokio::test]
async fn pages_and_health_are_rate_limited_per_address_and_files_are_not() {
    let server = TestServer::start_with(&[("RATE_LIMIT_PAGES_PER_IP", "3/h")]).await;
    for path in ["/", "/c/nobody", "/api/health"] {
        let reply = send(server.http.get(server.url(path))).await;
        assert_ne!(reply.status, 429, "{path}: {}", reply.body);
    }
    for path in ["/", "/api/health", "/no-such-page"] {
        let reply = send(server.http.get(server.url(path))).await;
        assert_eq!(reply.status, 429, "{path}: {}", reply.body);
        assert_eq!(reply.json()["error"], "rate_limited", "{path}");
        assert!(reply.header("retry-after").is_some(), "{path}");
    }
    for _ in 0..5 {
        let reply = send(server.http.get(server.url("/favicon.svg"))).await;
        assert_ne!(reply.status, 429, "the site's files are not limited");
    }
    // The API has its own budget.
    let reply = send(server.http.get(server.url("/api/vip"))).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_public_page_is_read_from_the_store_at_most_every_few_seconds() {
    use app::ssr::store::prelude::*;

    let server = TestServer::start().await;
    let browser = TestServer::browser();
    crate::common::log_in(&server, &browser).await;
    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap();
    let mut settings = channel.settings.clone();
    settings.public_page = true;
    assert!(store.update_settings(&channel.id, &settings).await.unwrap());
    let page = || send(server.http.get(server.url("/c/demo_streamer")));
    assert_eq!(page().await.status, 200);
    // Switched off behind the server's back (not through its settings, which would forget the
    // page): the anonymous caller that follows is answered from memory, not from the store.
    settings.public_page = false;
    assert!(store.update_settings(&channel.id, &settings).await.unwrap());
    assert_eq!(page().await.status, 200);
    server.stop().await.unwrap();
}
