//! On Cloud Run every request arrives from Google's front end: without configuration, the server
//! still limits each client by the address the front end appends to `X-Forwarded-For`.

use crate::common::TestServer;
use crate::security::support::send;

#[tokio::test]
async fn on_cloud_run_each_client_has_its_own_login_budget_by_default() {
    let server = TestServer::start_with(&[
        ("K_SERVICE", "vip-manager"),
        ("RATE_LIMIT_AUTH_PER_IP", "1/h"),
    ])
    .await;
    let login = |client: &'static str| {
        send(
            server
                .http
                .get(server.url("/api/auth/login"))
                .header("x-forwarded-for", client),
        )
    };
    assert_eq!(login("203.0.113.1").await.status / 100, 3);
    assert_eq!(
        login("203.0.113.1").await.status,
        429,
        "that client's budget"
    );
    // Another client behind the same front end is not blocked by the first.
    assert_eq!(login("203.0.113.2").await.status / 100, 3);
    // What a client writes in front of the front end's entry does not make it someone else.
    assert_eq!(login("198.51.100.9, 203.0.113.1").await.status, 429);
    server.stop().await.unwrap();
}
