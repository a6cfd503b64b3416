//! A moderator who logs in as one (`/api/auth/login?as=moderator`) is asked Twitch for no scope
//! and is not set up as a channel (no channel record, no tokens, no EventSub, no reward), yet acts
//! on the channel they moderate as far as its streamer allows. The streamer login is unchanged.

use app::ssr::store::prelude::*;
use serde_json::json;

use crate::common::{location, log_in, TestServer};
use crate::security::support::send;

/// The `scope` parameter of an authorise URL.
fn scope_of(authorize: &str) -> String {
    let url = reqwest::Url::parse(authorize).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .expect("a scope parameter")
}

#[tokio::test]
async fn a_moderator_login_asks_for_no_scope_and_sets_up_no_channel() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let owner = TestServer::browser();
    log_in(&server, &owner).await;
    let streamer = location(&send_raw(&server, "/api/auth/login").await);
    assert!(
        scope_of(&streamer).contains("channel:manage:vips"),
        "{streamer}"
    );

    let moderator = TestServer::browser();
    let res = moderator
        .get(server.url("/api/auth/login?as=moderator"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let authorize = location(&res);
    assert_eq!(scope_of(&authorize), "", "{authorize}");
    let res = moderator
        .get(format!("{authorize}&login=demo_mod"))
        .send()
        .await
        .unwrap();
    let res = moderator.get(location(&res)).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(location(&res), "/");

    let store = server.store().await;
    assert!(
        store.channel_by_login("demo_mod").await.unwrap().is_none(),
        "no channel"
    );
    let channels = store.channels().await.unwrap();
    assert_eq!(channels.len(), 1, "only the streamer's: {channels:?}");
    let subs = send(server.http.get(server.url("/twitch-sim/sim/subscriptions"))).await;
    let owner_id = channels[0].id.as_str().to_owned();
    assert!(
        subs.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["condition"]["broadcaster_user_id"] == owner_id.as_str()),
        "no EventSub but the streamer's: {}",
        subs.body
    );

    // Signed in: the streamer's channel, once the streamer allows moderators.
    let vips = server.url(&format!("/api/vip?channel={owner_id}"));
    assert_eq!(send(moderator.get(&vips)).await.status, 403);
    let reply = send(
        owner
            .put(server.url("/api/settings"))
            .json(&json!({ "moderators_can_manage": true })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = send(moderator.get(&vips)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Any other role is refused.
    let reply = send(server.http.get(server.url("/api/auth/login?as=admin"))).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    server.stop().await.unwrap();
}

async fn send_raw(server: &TestServer, path: &str) -> reqwest::Response {
    server.http.get(server.url(path)).send().await.unwrap()
}
