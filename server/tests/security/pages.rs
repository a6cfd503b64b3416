//! Pages and `/api/health` draw on a budget per client address, like the API; the site's files do
//! not.

use crate::common::TestServer;
use crate::support::send;

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
