//! Twitch's WebSocket limits: with three connections of the streamer's token already holding
//! subscriptions (another program, or sessions Twitch still believes alive), Twitch refuses the
//! app's subscriptions with 429. The channel is failed with a clear reason and left alone instead
//! of being retried at the usual backoff; once a connection is free, a new watch connects.

use futures_util::StreamExt;
use server::eventsub::subscriptions::{Delivery, SubscriptionClient};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use super::*;

type RawSocket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a socket as another program would and subscribes it to `kind` with the streamer's token.
async fn foreign_connection(h: &Harness, kind: &str) -> RawSocket {
    let (mut socket, _) = connect_async(h.sim.ws_url()).await.unwrap();
    let welcome = socket.next().await.unwrap().unwrap().into_text().unwrap();
    let welcome: serde_json::Value = serde_json::from_str(&welcome).unwrap();
    let session_id = welcome["payload"]["session"]["id"].as_str().unwrap();
    let client = SubscriptionClient::new(reqwest::Client::new(), &h.sim.helix_url(), &h.client_id);
    let token = h.tokens.get(&h.streamer.id).await.unwrap().access_token;
    let condition = serde_json::json!({"broadcaster_user_id": h.streamer.id});
    let created = client
        .create(&token, kind, condition, Delivery::WebSocket { session_id })
        .await
        .unwrap();
    assert!(created.is_some(), "{kind} created");
    socket
}

fn limit_failure(state: Option<EventSubConnection>) -> bool {
    matches!(state, Some(EventSubConnection::Failed(reason))
        if reason.contains("3 EventSub WebSocket connections per token"))
}

#[tokio::test]
async fn three_connections_in_use_fail_the_channel_without_hammering_twitch() {
    // Nobody pings: the foreign sockets, never read, stay open.
    let h = Harness::start(twitch_sim::Config {
        ws_ping_interval: None,
        ..sim_config()
    })
    .await;
    // Types the app does not use, so no 409 moves them to the app's session.
    let mut foreign = Vec::new();
    for kind in [
        "channel.moderator.remove",
        "channel.channel_points_custom_reward_redemption.update",
        "channel.channel_points_custom_reward.add",
    ] {
        foreign.push(foreign_connection(&h, kind).await);
    }
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    let channel = h.channel();
    supervisor.watch(channel.clone());
    eventually("failed for the connection limit", || {
        limit_failure(supervisor.state(&channel))
    })
    .await;
    let refused = supervisor.subscriptions(&channel);
    assert!(
        refused.iter().any(|s| matches!(&s.state,
            SubscriptionState::Failed(r) if r.contains("transports limit exceeded"))),
        "{refused:?}"
    );
    eventually("the app's socket closed", || h.sim.ws_sessions().len() == 3).await;
    // The usual backoff here is 20–200 ms; after a limit the channel waits far longer.
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(limit_failure(supervisor.state(&channel)));
        assert_eq!(h.sim.ws_sessions().len(), 3, "no new connection");
    }
    assert!(h.enabled_subscriptions().len() == 3, "nothing of the app's");

    // A connection frees up; the streamer logs in again.
    foreign.pop().unwrap().close(None).await.unwrap();
    eventually("the freed connection is gone", || {
        h.sim.ws_sessions().len() == 2
    })
    .await;
    supervisor.rewatch(channel.clone());
    connected(&h, &supervisor).await;
    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    h.stop().await;
}
