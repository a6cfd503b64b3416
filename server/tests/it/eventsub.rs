//! EventSub against the Twitch simulator: the WebSocket supervisor (welcome, subscription, delivery,
//! reconnect hand-over, keepalive watchdog, revocation, lease, each subscription's status, Twitch's
//! limits), the webhook transport, and `stream.online`.

mod app_subscription;
mod chat;
use crate::support::fake_twitch;
mod harness;
mod limits;
mod online;
mod rules;
mod start_up;
mod webhook;

use std::time::Duration;

use app::model::EventSubConnection;
use app::model::{ChannelId, SubscriptionState};
use app::ssr::events::TwitchEvent;
use harness::{eventually, Harness};
use server::eventsub::subscriptions::subscribe::base_types;
use server::eventsub::EventSubSupervisor;

fn sim_config() -> twitch_sim::Config {
    twitch_sim::Config {
        ws_keepalive_override: Some(Duration::from_millis(100)),
        ws_ping_interval: Some(Duration::from_millis(50)),
        ..twitch_sim::Config::default()
    }
}

async fn connected(h: &Harness, supervisor: &EventSubSupervisor) {
    let channel = h.channel();
    eventually("channel connected", || {
        supervisor.state(&channel) == Some(EventSubConnection::Connected)
    })
    .await;
}

/// The one live session id, once exactly one is open.
async fn single_session(h: &Harness) -> String {
    eventually("one session", || h.sim.ws_sessions().len() == 1).await;
    h.sim.ws_sessions().remove(0)
}

fn assert_subscribed_on(h: &Harness, session: &str) {
    let enabled = h.enabled_subscriptions();
    let mut kinds: Vec<&str> = enabled
        .iter()
        .map(|s| s["type"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    let mut wanted = base_types();
    wanted.sort_unstable();
    assert_eq!(kinds, wanted);
    for s in &enabled {
        assert_eq!(s["transport"]["session_id"], session, "{s}");
        assert_eq!(
            s["condition"]["broadcaster_user_id"],
            h.streamer.id.as_str()
        );
    }
}

/// The supervisor reports every subscription the simulator has enabled, with its id.
fn assert_statuses_match(h: &Harness, supervisor: &EventSubSupervisor) {
    let reported = supervisor.subscriptions(&h.channel());
    let mut kinds: Vec<&str> = reported.iter().map(|s| s.kind.as_str()).collect();
    kinds.sort_unstable();
    let mut wanted = base_types();
    wanted.sort_unstable();
    assert_eq!(kinds, wanted);
    for status in &reported {
        assert_eq!(status.state, SubscriptionState::Enabled, "{status:?}");
        let id = status.id.as_deref().unwrap();
        assert!(
            h.enabled_subscriptions()
                .iter()
                .any(|s| s["id"] == id && s["type"] == status.kind.as_str()),
            "{status:?}"
        );
    }
}

#[tokio::test]
async fn welcome_subscribe_and_deliver_a_redemption_once() {
    let h = Harness::start(twitch_sim::Config {
        ws_unused_timeout: Some(Duration::from_secs(2)),
        ..sim_config()
    })
    .await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    supervisor.watch(h.channel());
    supervisor.watch(h.channel()); // a second watch is a no-op
    connected(&h, &supervisor).await;
    let session = single_session(&h).await;
    assert_subscribed_on(&h, &session);
    assert_eq!(h.subscriptions().len(), base_types().len());
    assert_statuses_match(&h, &supervisor);

    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    // A later event on the same socket arrives after any duplicate would have.
    h.sim.twitch_add_vip(&h.streamer.id, &h.viewer.id).unwrap();
    h.sink
        .wait_until("vip added", |e| {
            e.iter().any(|e| matches!(e, TwitchEvent::VipAdded { .. }))
        })
        .await;
    assert_eq!(h.sink.redemptions(), [redemption]);
    match &h.sink.events()[0] {
        TwitchEvent::Redemption {
            channel,
            reward_id,
            viewer,
            ..
        } => {
            assert_eq!(channel, &h.channel());
            assert_eq!(reward_id, &h.reward_id);
            assert_eq!(viewer.id, h.viewer.id);
        }
        other => panic!("unexpected {other:?}"),
    }
    // Still the same session: subscribed in time (no 4003) and pings answered (no 4002).
    assert_eq!(h.sim.ws_sessions(), [session]);
    h.stop().await;
}

#[tokio::test]
async fn session_reconnect_hands_over_without_losing_events_or_resubscribing() {
    // Silence is not what this test is about: pings a second apart (the simulator closes with 4002
    // a client that has not answered one by the next) and a generous allowance for Twitch's
    // silence keep a scheduling stall on a loaded machine from ending the session, which would
    // rightly start a second one and subscribe again.
    let h = Harness::start(twitch_sim::Config {
        ws_ping_interval: Some(Duration::from_secs(1)),
        ..sim_config()
    })
    .await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(30)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    let old = single_session(&h).await;
    let before = h.redeem();
    h.sink.wait_for_redemption(&before).await;

    h.sim.ws_reconnect(&old).expect("session exists");
    let during = h.redeem();
    eventually("hand-over done", || {
        let sessions = h.sim.ws_sessions();
        sessions.len() == 1 && sessions[0] != old
    })
    .await;
    let new = single_session(&h).await;
    let after = h.redeem();
    h.sink.wait_for_redemption(&during).await;
    h.sink.wait_for_redemption(&after).await;
    connected(&h, &supervisor).await;

    assert_eq!(h.sink.redemptions(), [before, during, after]);
    assert_eq!(
        h.subscriptions().len(),
        base_types().len(),
        "no second subscription"
    );
    assert_subscribed_on(&h, &new);
    h.stop().await;
}

#[tokio::test]
async fn keepalive_silence_reconnects_and_resubscribes() {
    // The first session never sends keepalives; the client allows 1 s of silence.
    let h = Harness::start(twitch_sim::Config {
        ws_keepalive_override: Some(Duration::from_secs(3600)),
        ..sim_config()
    })
    .await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(1)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    let first = single_session(&h).await;
    // Sessions opened from now on send keepalives again.
    h.sim
        .with_world(|w| w.config.ws_keepalive_override = Some(Duration::from_millis(100)));

    eventually("a new session subscribed", || {
        let enabled = h.enabled_subscriptions();
        enabled.len() == base_types().len()
            && enabled
                .iter()
                .all(|s| s["transport"]["session_id"] != first.as_str())
    })
    .await;
    let second = single_session(&h).await;
    assert_ne!(second, first);
    assert_subscribed_on(&h, &second);
    connected(&h, &supervisor).await;
    assert_statuses_match(&h, &supervisor);
    let old_disabled = h
        .subscriptions()
        .into_iter()
        .filter(|s| s["transport"]["session_id"] == first.as_str())
        .all(|s| s["status"] != "enabled");
    assert!(
        old_disabled,
        "the silent session's subscriptions ended with it"
    );

    connected(&h, &supervisor).await;
    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    h.stop().await;
}

#[tokio::test]
async fn revocation_reports_authorization_revoked_and_stops() {
    let h = Harness::start(sim_config()).await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;

    h.sim
        .revoke_authorization(&h.client_id, &h.streamer.id)
        .unwrap();
    let revoked = |e: &TwitchEvent| matches!(e, TwitchEvent::AuthorizationRevoked { user_id } if *user_id == *h.streamer.id);
    h.sink
        .wait_until("authorization revoked", |events| events.iter().any(revoked))
        .await;
    let channel = h.channel();
    eventually("needs re-authorisation", || {
        supervisor.state(&channel) == Some(EventSubConnection::NeedsReauth)
    })
    .await;
    eventually("socket closed", || h.sim.ws_sessions().is_empty()).await;
    assert_eq!(h.sink.count(revoked), 1, "reported once");
    let statuses = supervisor.subscriptions(&channel);
    assert!(statuses
        .iter()
        .any(|s| s.state == SubscriptionState::Revoked("authorization_revoked".into())));
    assert!(
        statuses
            .iter()
            .all(|s| s.state != SubscriptionState::Enabled),
        "{statuses:?}"
    );
    let stored = h.store.channel(&channel).await.unwrap().unwrap();
    assert!(stored.needs_reauth);
    // Unwatching keeps the state visible; watching again (after a new login) restarts.
    supervisor.unwatch(&channel);
    assert_eq!(
        supervisor.state(&channel),
        Some(EventSubConnection::NeedsReauth)
    );
    h.stop().await;
}

#[tokio::test]
async fn the_lease_gives_one_instance_the_socket_and_hands_it_over() {
    let h = Harness::start(sim_config()).await;
    let mut settings_a = h.settings(Duration::from_secs(2));
    settings_a.lease_ttl = Duration::from_millis(600);
    let mut settings_b = settings_a.clone();
    settings_b.instance_id = "instance-b".into();
    let a = h.supervisor(settings_a);
    let b = h.supervisor(settings_b);
    let channel = h.channel();

    a.watch(channel.clone());
    connected(&h, &a).await;
    b.watch(channel.clone());
    eventually("b waits", || {
        b.state(&channel) == Some(EventSubConnection::Standby)
    })
    .await;
    assert_eq!(h.sim.ws_sessions().len(), 1);

    a.unwatch(&channel);
    assert_eq!(a.state(&channel), None);
    connected(&h, &b).await;
    let session = single_session(&h).await;
    assert_subscribed_on(&h, &session);
    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    assert_eq!(h.sink.redemptions(), [redemption]);
    h.stop().await;
}

#[tokio::test]
async fn a_channel_without_tokens_needs_reauth_without_connecting() {
    let h = Harness::start(sim_config()).await;
    h.store.delete_tokens(&h.streamer.id).await.unwrap();
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    assert_eq!(supervisor.start().await.unwrap(), 1);
    let channel = h.channel();
    eventually("needs re-authorisation", || {
        supervisor.state(&channel) == Some(EventSubConnection::NeedsReauth)
    })
    .await;
    assert!(h.sim.ws_sessions().is_empty());
    assert!(h.subscriptions().is_empty());
    h.stop().await;
}

#[tokio::test]
async fn a_subscription_held_by_an_older_session_moves_to_the_new_one() {
    use futures_util::StreamExt;
    use server::eventsub::parse::VIP_ADD;
    use server::eventsub::subscriptions::{Delivery, SubscriptionClient};

    // An older socket that Twitch still believes alive (it never answers pings: none are sent).
    let h = Harness::start(twitch_sim::Config {
        ws_ping_interval: None,
        ..sim_config()
    })
    .await;
    let (mut old, _) = tokio_tungstenite::connect_async(h.sim.ws_url())
        .await
        .unwrap();
    let welcome = old.next().await.unwrap().unwrap().into_text().unwrap();
    let welcome: serde_json::Value = serde_json::from_str(&welcome).unwrap();
    let old_session = welcome["payload"]["session"]["id"].as_str().unwrap();
    let client = SubscriptionClient::new(reqwest::Client::new(), &h.sim.helix_url(), &h.client_id);
    let token = h.tokens.get(&h.streamer.id).await.unwrap().access_token;
    let condition = serde_json::json!({"broadcaster_user_id": h.streamer.id});
    let delivery = Delivery::WebSocket {
        session_id: old_session,
    };
    assert!(client
        .create(&token, VIP_ADD, condition, delivery)
        .await
        .unwrap()
        .is_some());

    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    let sessions = h.sim.ws_sessions();
    let new_session = sessions.iter().find(|s| *s != old_session).unwrap();
    assert_subscribed_on(&h, new_session);
    h.sim.twitch_add_vip(&h.streamer.id, &h.viewer.id).unwrap();
    h.sink
        .wait_until("vip added", |e| {
            e.iter().any(|e| matches!(e, TwitchEvent::VipAdded { .. }))
        })
        .await;
    drop(old);
    h.stop().await;
}
