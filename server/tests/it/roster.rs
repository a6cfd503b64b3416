//! Every VIP slot over HTTP, against the simulated Twitch: the roster with slots used and the
//! capacity learned from Twitch's 409, protected VIPs (their redemptions refunded as "already
//! VIP"), deadlines for permanent VIPs, the exclusion list (its redemptions refunded as
//! "excluded"), all audited, for the streamer and for a moderator the streamer allows; the
//! dashboard's forms without JavaScript; the first-steps checklist and the demo's simulate button.

mod first_steps;
mod forms;

use std::time::Duration;

use app::ssr::store::prelude::*;
use serde_json::{json, Value};

use crate::common::{
    create_reward, eventually, log_in, log_in_as, redeem, redemptions_subscribed, try_get_json,
    TestServer,
};

const WAIT: Duration = Duration::from_secs(30);

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// A demo server with the streamer signed in, a reward, and EventSub delivering redemptions.
async fn signed_in() -> (TestServer, reqwest::Client, String) {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    redemptions_subscribed(&server).await;
    let reward = create_reward(&server, &browser, "VIP for an hour", 100, 3_600).await;
    (server, browser, reward)
}

/// `login` made VIP by hand on Twitch, and seen by the app as a permanent VIP; returns its id.
async fn permanent_vip(server: &TestServer, browser: &reqwest::Client, login: &str) -> String {
    let (status, body) = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/channels/demo_streamer/vips/add"))
            .json(&json!({ "user": login })),
    )
    .await;
    assert!(status < 300, "{body}");
    eventually("the permanent VIP is listed", WAIT, || async {
        let slots = try_get_json(browser, &server.url("/api/vip/slots")).await?;
        slots["vips"]
            .as_array()?
            .iter()
            .find(|v| v["user_login"] == login && v["expires_at"].is_null())
            .map(|v| v["user_id"].as_str().unwrap().to_owned())
    })
    .await
}

/// The newest refund of `login`, once the activity log has one.
async fn refund_of(server: &TestServer, browser: &reqwest::Client, login: &str) -> Value {
    let url = server.url(&format!("/api/audit-log?action=refund&user={login}"));
    eventually("the refund is logged", WAIT, || async {
        let log = try_get_json(browser, &url).await?;
        log["entries"].as_array()?.first().cloned()
    })
    .await
}

async fn logged(server: &TestServer, browser: &reqwest::Client, action: &str) -> usize {
    let url = server.url(&format!("/api/audit-log?action={action}"));
    let log = try_get_json(browser, &url).await.unwrap();
    log["entries"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protected_vips_and_deadlines_over_rest() {
    let (server, browser, reward) = signed_in().await;
    let alice = permanent_vip(&server, &browser, "viewer_alice").await;
    let url = |path: &str| server.url(&format!("/api/vip/{alice}/{path}"));

    let (status, vip) = send(browser.put(url("protected"))).await;
    assert_eq!(
        (status, vip["protected"].clone()),
        (200, json!(true)),
        "{vip}"
    );
    redeem(&server, "viewer_alice", &reward).await;
    let refund = refund_of(&server, &browser, "viewer_alice").await;
    assert!(refund.to_string().contains("already_vip"), "{refund}");
    let (status, err) = send(
        browser
            .post(url("deadline"))
            .json(&json!({ "duration_secs": 60 })),
    )
    .await;
    assert_eq!(
        (status, err["error"].clone()),
        (422, json!("protected")),
        "{err}"
    );
    assert_eq!(
        send(browser.delete(server.url(&format!("/api/vip/{alice}"))))
            .await
            .0,
        422
    );

    let (status, vip) = send(browser.delete(url("protected"))).await;
    assert_eq!(
        (status, vip["protected"].clone()),
        (200, json!(false)),
        "{vip}"
    );
    let (status, vip) = send(
        browser
            .post(url("deadline"))
            .json(&json!({ "duration_secs": 3_600 })),
    )
    .await;
    assert_eq!(status, 200, "{vip}");
    assert!(vip["expires_at"].is_string(), "{vip}");
    let (status, err) = send(
        browser
            .post(url("deadline"))
            .json(&json!({ "duration_secs": 0 })),
    )
    .await;
    assert_eq!(
        (status, err["error"].clone()),
        (400, json!("invalid_request"))
    );
    // Timed now: revoked like any grant.
    assert_eq!(
        send(browser.delete(server.url(&format!("/api/vip/{alice}"))))
            .await
            .0,
        204
    );

    for action in ["vip_protected", "vip_unprotected", "deadline_given"] {
        assert_eq!(logged(&server, &browser, action).await, 1, "{action}");
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exclusion_list_and_the_learned_capacity_over_rest() {
    let (server, browser, reward) = signed_in().await;
    let list = server.url("/api/exclusions");
    let (status, bob) = send(
        browser
            .post(&list)
            .json(&json!({ "user_login": "viewer_bob" })),
    )
    .await;
    assert_eq!(status, 201, "{bob}");
    let bob_id = bob["user_id"].as_str().unwrap().to_owned();
    assert_eq!(
        send(browser.post(&list).json(&json!({ "user_id": bob_id })))
            .await
            .0,
        200,
        "on the list already"
    );
    assert_eq!(send(browser.post(&list).json(&json!({}))).await.0, 400);
    let (status, err) = send(
        browser
            .post(&list)
            .json(&json!({ "user_login": "nobody_here" })),
    )
    .await;
    assert_eq!(
        (status, err["error"].clone()),
        (404, json!("user_not_found"))
    );
    let (_, listed) = send(browser.get(&list)).await;
    assert_eq!(
        listed["excluded"][0]["user_login"], "viewer_bob",
        "{listed}"
    );

    redeem(&server, "viewer_bob", &reward).await;
    let refund = refund_of(&server, &browser, "viewer_bob").await;
    assert!(refund.to_string().contains("excluded"), "{refund}");
    let grant = json!({ "user_login": "viewer_bob", "duration_secs": 60 });
    let (status, err) = send(browser.post(server.url("/api/vip")).json(&grant)).await;
    assert_eq!(
        (status, err["error"].clone()),
        (422, json!("excluded")),
        "{err}"
    );

    let one = server.url(&format!("/api/exclusions/{bob_id}"));
    assert_eq!(send(browser.delete(&one)).await.0, 204);
    assert_eq!(send(browser.delete(&one)).await.0, 404);
    assert_eq!(logged(&server, &browser, "viewer_excluded").await, 1);
    assert_eq!(logged(&server, &browser, "viewer_readmitted").await, 1);

    // Capacity: unknown until Twitch answers 409, then what Twitch listed.
    let (_, slots) = send(browser.get(server.url("/api/vip/slots"))).await;
    assert_eq!(
        (slots["used"].clone(), slots["capacity"].clone()),
        (json!(0), Value::Null)
    );
    permanent_vip(&server, &browser, "viewer_alice").await;
    let (status, body) = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/channels/demo_streamer/settings"))
            .json(&json!({ "vip_slots": 1 })),
    )
    .await;
    assert!(status < 300, "{body}");
    let (status, err) = send(browser.post(server.url("/api/vip")).json(&grant)).await;
    assert_eq!(
        (status, err["error"].clone()),
        (409, json!("slots_full")),
        "{err}"
    );
    let (_, slots) = send(browser.get(server.url("/api/vip/slots"))).await;
    assert_eq!(slots["used"], 1, "{slots}");
    assert_eq!(slots["capacity"], 1, "{slots}");
    assert_eq!(slots["free"], 0, "{slots}");
    assert!(slots["capacity_learned_at"].is_string(), "{slots}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_manage_slots_only_with_the_streamers_consent() {
    let (server, owner, _) = signed_in().await;
    let alice = permanent_vip(&server, &owner, "viewer_alice").await;
    let moderator = TestServer::browser();
    log_in_as(&server, &moderator, "helpful_mod").await;
    let (status, body) = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/channels/demo_streamer/moderators/add"))
            .json(&json!({ "user": "helpful_mod" })),
    )
    .await;
    assert!(status < 300, "{body}");
    let channel = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    let protect = server.url(&format!("/api/vip/{alice}/protected?channel={channel}"));
    let exclude = server.url(&format!("/api/exclusions?channel={channel}"));
    let slots = server.url(&format!("/api/vip/slots?channel={channel}"));
    let carol = json!({ "user_login": "viewer_carol" });
    assert_eq!(send(moderator.put(&protect)).await.0, 403);
    assert_eq!(send(moderator.post(&exclude).json(&carol)).await.0, 403);
    assert_eq!(send(moderator.get(&slots)).await.0, 403);

    let (status, body) = send(
        owner
            .put(server.url("/api/settings"))
            .json(&json!({ "moderators_can_manage": true })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(send(moderator.put(&protect)).await.0, 200);
    assert_eq!(send(moderator.post(&exclude).json(&carol)).await.0, 201);
    let (status, roster) = send(moderator.get(&slots)).await;
    assert_eq!(status, 200, "{roster}");
    assert_eq!(
        roster["excluded"][0]["excluded_by"], "helpful_mod",
        "{roster}"
    );
    let log = try_get_json(&owner, &server.url("/api/audit-log?action=vip_protected"))
        .await
        .unwrap();
    assert_eq!(log["entries"][0]["actor"]["kind"], "moderator", "{log}");
    server.stop().await.unwrap();
}
