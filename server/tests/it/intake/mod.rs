//! Event intake against the built server binary and the Twitch simulator, as Twitch behaves when it
//! is slow or the server crashes: webhooks acknowledged at once and every redemption of a burst
//! granted once, on both transports; EventSub back at once after a SIGKILL and a restart, with
//! messages stored before the crash handled after it; two live servers on one database never
//! sharing a socket; token validation running in a started server.

pub(crate) mod world;

use std::collections::HashSet;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::store::InboxMessage;
use chrono::Utc;
use serde_json::json;
use twitch_sim::RedemptionStatus;
use world::{eventually, free_addr, Transport, World};

const ADD_VIP: &str = "POST /helix/channels/vips";

/// Every subscription of the channel that Twitch knows, with its status.
fn statuses(w: &World) -> Vec<(String, String)> {
    w.channel_subscriptions()
        .iter()
        .map(|s| {
            (
                s["type"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// 30 redemptions at once while Twitch takes 3 s for each Add VIP: every one granted exactly once,
/// every subscription still enabled.
async fn burst(transport: Transport) {
    let w = World::new(30).await;
    let _server = w.start(transport).await;
    eventually("redemptions subscribed", || async {
        w.redemptions_enabled().then_some(())
    })
    .await;
    w.sim.set_delay(ADD_VIP, Duration::from_secs(3));
    w.sim.recorder().start();
    let ids: Vec<String> = w.viewers.iter().map(|v| w.redeem(v)).collect();

    eventually("all 30 granted", || async {
        (w.sim.vips(&w.streamer.id).len() == ids.len()).then_some(())
    })
    .await;
    eventually("all 30 fulfilled", || async {
        let redemptions = w.sim.redemptions(&w.streamer.id);
        ids.iter()
            .all(|id| {
                redemptions
                    .iter()
                    .any(|(r, s)| r == id && *s == RedemptionStatus::Fulfilled)
            })
            .then_some(())
    })
    .await;
    let adds = w
        .sim
        .recorder()
        .take()
        .into_iter()
        .filter(|e| {
            matches!(&e.event, twitch_sim::record::Event::Request { method, path, .. }
            if method == "POST" && path == "/helix/channels/vips")
        })
        .count();
    assert_eq!(adds, ids.len(), "one Add VIP per redemption");
    let vips: HashSet<String> = w.sim.vips(&w.streamer.id).into_iter().collect();
    assert!(w.viewers.iter().all(|v| vips.contains(&v.id)));
    let subs = statuses(&w);
    assert!(!subs.is_empty());
    assert!(
        subs.iter().all(|(_, status)| status == "enabled"),
        "{subs:?}"
    );
    if transport == Transport::Webhook {
        let log = w.sim.webhook_log();
        assert!(
            log.iter().all(|a| a.retry == 0
                && !a.late
                && a.status.is_some_and(|s| (200..300).contains(&s))),
            "every delivery acknowledged in time at the first attempt: {log:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_burst_while_twitch_is_slow_keeps_every_subscription_and_grants_each_once() {
    burst(Transport::Webhook).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_burst_while_twitch_is_slow_grants_each_once() {
    burst(Transport::WebSocket).await;
}

/// The redemption notification Twitch would have sent for `redemption_id`.
fn notification(w: &World, redemption_id: &str, viewer: &twitch_sim::User) -> String {
    json!({
        "subscription": {
            "id": "sub-before-the-crash",
            "type": "channel.channel_points_custom_reward_redemption.add",
            "version": "1",
            "status": "enabled",
            "condition": { "broadcaster_user_id": w.streamer.id },
        },
        "event": {
            "id": redemption_id,
            "broadcaster_user_id": w.streamer.id,
            "broadcaster_user_login": w.streamer.login,
            "broadcaster_user_name": w.streamer.display_name,
            "user_id": viewer.id,
            "user_login": viewer.login,
            "user_name": viewer.display_name,
            "user_input": "",
            "status": "unfulfilled",
            "reward": { "id": w.reward_id, "title": "VIP for a day", "cost": 1, "prompt": "" },
            "redeemed_at": Utc::now(),
        }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_eventsub_is_back_at_once_and_stored_messages_are_handled() {
    let w = World::new(2).await;
    let server = w.start(Transport::WebSocket).await;
    eventually("redemptions subscribed", || async {
        w.redemptions_enabled().then_some(())
    })
    .await;
    let first_sessions = w.sim.ws_sessions();
    server.kill9();

    // A notification the dead process had stored but not handled: Twitch took the redemption's
    // points and will never send it again.
    let viewer = &w.viewers[0];
    let redemption = w.redeem(viewer);
    let store = w.store().await;
    let stored = store
        .inbox_put(&InboxMessage {
            message_id: "stored-before-the-crash".into(),
            channel_id: ChannelId(w.streamer.id.clone()),
            received_at: Utc::now(),
            payload: notification(&w, &redemption, viewer),
        })
        .await
        .unwrap();
    assert!(stored);

    let restarted = tokio::time::Instant::now();
    let _server = w.start(Transport::WebSocket).await;
    // The dead process's socket lease still runs for most of its 30 s: only a restart that takes
    // its own leases back is subscribed before it lapses.
    eventually("subscribed on a new session", || async {
        let on_new = w.channel_subscriptions().iter().any(|s| {
            s["type"] == "channel.channel_points_custom_reward_redemption.add"
                && s["status"] == "enabled"
                && !first_sessions
                    .iter()
                    .any(|old| s["transport"]["session_id"] == old.as_str())
        });
        on_new.then_some(())
    })
    .await;
    assert!(
        restarted.elapsed() < Duration::from_secs(15),
        "EventSub came back only after {:?}, as if waiting for the dead process's lease",
        restarted.elapsed()
    );
    // Catch-up leaves redemptions younger than two minutes alone: this grant is the inbox's.
    w.vip_at_twitch(viewer, "the stored redemption granted")
        .await;
    // And a redemption made now arrives through the new subscriptions.
    let next = &w.viewers[1];
    w.redeem(next);
    w.vip_at_twitch(next, "a new redemption granted").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_live_servers_on_one_database_never_share_a_socket() {
    let w = World::new(1).await;
    let first = w.start(Transport::WebSocket).await;
    eventually("redemptions subscribed", || async {
        w.redemptions_enabled().then_some(())
    })
    .await;
    let second = w.start(Transport::WebSocket).await;
    eventually("the second server knows it is not alone", || async {
        second
            .log_text()
            .contains("another running server uses this database")
            .then_some(())
    })
    .await;
    // The second one waits as standby: its channel state says so, and Twitch sees one socket.
    eventually("the second server in standby", || async {
        let body: serde_json::Value = reqwest::get(format!("http://{}/api/health", second.addr))
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        body.to_string().contains("standby").then_some(())
    })
    .await;
    assert_eq!(w.sim.ws_sessions().len(), 1, "one socket for the channel");
    drop(first);
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_tokens_are_validated_at_start_and_again_every_interval() {
    let w = World::new(0).await;
    w.sim.recorder().start();
    let _server = w
        .start_with(
            Transport::WebSocket,
            free_addr(),
            &[("TOKEN_VALIDATE_EVERY_SECS", "1")],
        )
        .await;
    let validations = || {
        w.sim
            .recorder()
            .take()
            .into_iter()
            .filter(|e| {
                matches!(&e.event, twitch_sim::record::Event::Request { path, .. }
                    if path == "/oauth2/validate")
            })
            .count()
    };
    let mut seen = 0;
    eventually("validated at start-up", || {
        seen += validations();
        let done = seen >= 1;
        async move { done.then_some(()) }
    })
    .await;
    let mut again = 0;
    eventually("validated again", || {
        again += validations();
        let done = again >= 2;
        async move { done.then_some(()) }
    })
    .await;
}
