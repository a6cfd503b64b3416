//! The REST contract of VIP until the stream ends: how it is asked for and listed, the grace
//! setting, and a defined refusal for every request that does not fit.

use serde_json::{json, Value};

use super::support::{grant_until_stream_end, listed, send};
use crate::common::{log_in, TestServer};

#[tokio::test]
async fn stream_end_is_granted_listed_and_refused_where_it_does_not_fit() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let vips = server.url("/api/vip");

    // The grace setting: 600 s by default, any whole number of seconds from 1.
    let settings = server.url("/api/settings");
    let (status, shown) = send(browser.get(&settings)).await;
    assert_eq!(status, 200);
    assert_eq!(shown["stream_end_grace_secs"], 600);
    for bad in [json!(0), json!(-5), json!("soon")] {
        let body = json!({ "stream_end_grace_secs": bad });
        let (status, err) = send(browser.put(&settings).json(&body)).await;
        assert_eq!(status, 400, "{bad}: {err}");
        assert!(err["message"]
            .as_str()
            .unwrap()
            .contains("stream_end_grace_secs"));
    }

    // Bad shapes of the duration are refused before anything is asked of Twitch.
    for body in [
        json!({ "user_login": "viewer_alice" }),
        json!({ "user_login": "viewer_alice", "duration": "forever" }),
        json!({ "user_login": "viewer_alice", "duration": "stream_end", "duration_secs": 60 }),
    ] {
        let (status, err) = send(browser.post(&vips).json(&body)).await;
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(err["error"], "invalid_request", "{err}");
    }
    assert!(listed(&server, &browser, "viewer_alice").await.is_none());

    let (status, alice) = grant_until_stream_end(&server, &browser, "viewer_alice").await;
    assert_eq!(status, 201, "{alice}");
    assert_eq!(alice["until"], "stream_end");
    assert_eq!(alice["expires_at"], Value::Null);
    let shown = listed(&server, &browser, "viewer_alice").await.unwrap();
    assert_eq!(shown["until"], "stream_end");
    assert_eq!(shown["expires_at"], Value::Null);

    // A timed VIP is listed with its deadline and no `until`.
    let timed = json!({ "user_login": "viewer_bob", "duration_secs": 3600 });
    let (status, bob) = send(browser.post(&vips).json(&timed)).await;
    assert_eq!(status, 201, "{bob}");
    assert_eq!(bob["until"], Value::Null);
    assert!(bob["expires_at"].is_string(), "{bob}");

    // Until the stream ends and timed do not add up, whichever way round.
    let more = json!({ "user_login": "viewer_alice", "duration_secs": 60 });
    let (status, err) = send(browser.post(&vips).json(&more)).await;
    assert_eq!(
        (status, err["error"].clone()),
        (422, json!("until_stream_end")),
        "{err}"
    );
    let (status, err) = grant_until_stream_end(&server, &browser, "viewer_bob").await;
    assert_eq!(
        (status, err["error"].clone()),
        (422, json!("until_stream_end")),
        "{err}"
    );
    let extend = json!({ "user_id": alice["user_id"], "duration_secs": 60 });
    let (status, err) = send(browser.post(server.url("/api/vip/extend")).json(&extend)).await;
    assert_eq!(
        (status, err["error"].clone()),
        (422, json!("until_stream_end")),
        "{err}"
    );
    let shown = listed(&server, &browser, "viewer_alice").await.unwrap();
    assert_eq!(shown["expires_at"], Value::Null, "nothing changed: {shown}");

    // It can be revoked like any VIP the app granted.
    let user_id = alice["user_id"].as_str().unwrap();
    let (status, _) = send(browser.delete(server.url(&format!("/api/vip/{user_id}")))).await;
    assert_eq!(status, 204);
    assert!(listed(&server, &browser, "viewer_alice").await.is_none());
    server.stop().await.unwrap();
}
