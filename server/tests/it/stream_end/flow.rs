//! The stream's end as Twitch reports it: `stream.offline` starts the grace period, after which the
//! expiry scheduler removes the VIP; `stream.online` within it keeps the VIP; a VIP granted while
//! the stream is offline lasts through the next stream.

use app::model::{AuditAction, AuditQuery, ChannelId};
use app::ssr::store::prelude::*;
use serde_json::Value;

use super::support::{
    channel_id, grant_until_stream_end, listed, set_grace, stream, stream_events_subscribed,
    vip_on_twitch, HANG_GUARD,
};
use crate::common::{eventually, log_in, TestServer};

async fn audit_of(server: &TestServer, channel: &str, action: AuditAction) -> Vec<Value> {
    let query = AuditQuery {
        action: Some(action),
        viewer_id: None,
        before: None,
        limit: 50,
    };
    let page = server
        .store()
        .await
        .audit_page(&ChannelId::from(channel), &query)
        .await
        .unwrap();
    page.entries.into_iter().map(|e| e.metadata).collect()
}

#[tokio::test]
async fn granted_while_offline_it_lasts_through_the_next_stream_and_ends_after_the_grace() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    stream_events_subscribed(&server).await;
    let channel = channel_id(&server).await;
    set_grace(&server, &browser, 1).await;

    // The stream is offline: the VIP has no deadline, and a stream that is not live cannot end.
    let (status, vip) = grant_until_stream_end(&server, &browser, "viewer_alice").await;
    assert_eq!(status, 201, "{vip}");
    assert_eq!(vip["until"], "stream_end");
    assert_eq!(vip["expires_at"], Value::Null);
    assert_eq!(stream(&server, &channel, "offline").await, 409);

    // The next stream starts: still no deadline.
    assert_eq!(stream(&server, &channel, "online").await, 204);
    eventually("the stream start recorded", HANG_GUARD, || async {
        let entries = audit_of(&server, &channel, AuditAction::StreamOnline).await;
        (!entries.is_empty()).then_some(())
    })
    .await;
    let alice = listed(&server, &browser, "viewer_alice").await.unwrap();
    assert_eq!(alice["expires_at"], Value::Null, "{alice}");

    // It ends: the grace period (1 s) starts, then the VIP is removed on Twitch.
    assert_eq!(stream(&server, &channel, "offline").await, 204);
    eventually(
        "the VIP removed after the grace period",
        HANG_GUARD,
        || async {
            let gone = listed(&server, &browser, "viewer_alice").await.is_none();
            (gone && !vip_on_twitch(&server, &channel, "viewer_alice").await).then_some(())
        },
    )
    .await;
    let offline = audit_of(&server, &channel, AuditAction::StreamOffline).await;
    assert_eq!(offline.len(), 1, "{offline:?}");
    assert_eq!(offline[0]["grace_secs"], 1);
    let expired = audit_of(&server, &channel, AuditAction::Expire).await;
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0]["vip_removed"], true);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_stream_back_within_the_grace_period_keeps_the_vip() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    stream_events_subscribed(&server).await;
    let channel = channel_id(&server).await;
    set_grace(&server, &browser, 3_600).await;
    assert_eq!(stream(&server, &channel, "online").await, 204);
    let (status, vip) = grant_until_stream_end(&server, &browser, "viewer_bob").await;
    assert_eq!(status, 201, "{vip}");

    // The stream crashes: the VIP gets its deadline, an hour away.
    assert_eq!(stream(&server, &channel, "offline").await, 204);
    let bob = eventually("the grace period started", HANG_GUARD, || async {
        let bob = listed(&server, &browser, "viewer_bob").await?;
        (!bob["expires_at"].is_null()).then_some(bob)
    })
    .await;
    assert_eq!(bob["until"], "stream_end");

    // It is back within the hour: the deadline goes, the VIP stays.
    assert_eq!(stream(&server, &channel, "online").await, 204);
    let bob = eventually("the VIP kept", HANG_GUARD, || async {
        let bob = listed(&server, &browser, "viewer_bob").await?;
        bob["expires_at"].is_null().then_some(bob)
    })
    .await;
    assert_eq!(bob["until"], "stream_end");
    assert!(vip_on_twitch(&server, &channel, "viewer_bob").await);
    let kept = audit_of(&server, &channel, AuditAction::StreamOnline).await;
    assert!(kept.iter().any(|m| m["kept"] == true), "{kept:?}");
    server.stop().await.unwrap();
}
