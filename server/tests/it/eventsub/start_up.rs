//! Start-up with the webhook and the conduit transports: every stored channel starts at once, but
//! only [`ROUNDS_AT_ONCE`] of them create (and verify) their subscriptions at a time, so that a
//! thousand channels' requests do not crowd out a VIP removal due meanwhile.

use std::collections::HashSet;
use std::time::Duration;

use app::model::{Channel, ChannelId, Settings};
use chrono::Utc;
use server::config::EventSubTransport;
use server::eventsub::subscriptions::subscribe::base_types;
use server::eventsub::supervisor::ROUNDS_AT_ONCE;
use server::eventsub::EventSubSupervisor;
use server::twitch::oauth::IssuedTokens;
use twitch_sim::record::Event;

use super::harness::{guard, Harness, SCOPES};
use super::sim_config;
use super::webhook::webhook_supervisor;

/// Channels besides the harness's own streamer.
const MORE_CHANNELS: usize = 3 * ROUNDS_AT_ONCE;

/// Stores a logged-in streamer as the harness does its own.
async fn add_channel(h: &Harness, n: usize) {
    let user = h.sim.add_streamer(&format!("streamer_{n}"));
    let issued = h.sim.issue_user_token(&h.client_id, &user.id, SCOPES);
    let tokens = IssuedTokens {
        access_token: issued.access_token.into(),
        refresh_token: issued.refresh_token.into(),
        scopes: issued.scopes,
        expires_at: Utc::now() + chrono::Duration::hours(4),
    };
    h.tokens.save(&user.id, &tokens).await.unwrap();
    h.store
        .save_channel(&Channel {
            id: ChannelId(user.id.clone()),
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            profile_image_url: None,
            settings: Settings::default(),
            needs_reauth: false,
        })
        .await
        .unwrap();
}

/// Channels whose round has begun: on webhooks their subscriptions were listed at Twitch by
/// channel; on the conduit (listed app-wide) their first subscription exists.
fn begun(h: &Harness) -> HashSet<String> {
    let mut begun: HashSet<String> = h
        .sim
        .recorder()
        .take()
        .into_iter()
        .filter_map(|e| match e.event {
            Event::Request {
                method,
                path,
                query,
            } if method == "GET" && path == "/helix/eventsub/subscriptions" => query
                .split('&')
                .find_map(|kv| kv.strip_prefix("user_id="))
                .map(str::to_owned),
            _ => None,
        })
        .collect();
    begun.extend(h.subscriptions().iter().filter_map(|sub| {
        (sub["transport"]["method"] == "conduit")
            .then(|| {
                sub["condition"]["broadcaster_user_id"]
                    .as_str()
                    .map(str::to_owned)
            })
            .flatten()
    }));
    begun
}

/// Channels whose every subscription is enabled: their round is over.
fn finished(h: &Harness) -> usize {
    let mut enabled = std::collections::HashMap::<String, usize>::new();
    for sub in h.enabled_subscriptions() {
        if let Some(b) = sub["condition"]["broadcaster_user_id"].as_str() {
            *enabled.entry(b.to_owned()).or_default() += 1;
        }
    }
    enabled
        .values()
        .filter(|n| **n >= base_types().len())
        .count()
}

#[tokio::test]
async fn channels_start_their_webhook_subscriptions_a_few_at_a_time() {
    let h = Harness::start(sim_config()).await;
    // Twitch answering its subscription lists slowly keeps each round open long enough to see
    // how many run side by side.
    h.sim.set_delay(
        "GET /helix/eventsub/subscriptions",
        Duration::from_millis(300),
    );
    let (supervisor, _) = webhook_supervisor(&h, Duration::from_secs(60)).await;
    a_few_at_a_time(h, supervisor).await;
}

#[tokio::test]
async fn channels_start_their_conduit_subscriptions_a_few_at_a_time() {
    let h = Harness::start(sim_config()).await;
    // Each subscription made slowly: a channel's round (one creation per type) stays open.
    h.sim.set_delay(
        "POST /helix/eventsub/subscriptions",
        Duration::from_millis(100),
    );
    let mut settings = h.settings(Duration::from_secs(10));
    settings.transport = EventSubTransport::Conduit;
    settings.status_poll = Duration::from_secs(60);
    let supervisor = h.supervisor(settings);
    a_few_at_a_time(h, supervisor).await;
}

/// Starts `supervisor` on the harness's channel and [`MORE_CHANNELS`] more, and checks that at
/// most [`ROUNDS_AT_ONCE`] channels are in their start-up round at any time, and that many are.
async fn a_few_at_a_time(h: Harness, supervisor: EventSubSupervisor) {
    for n in 0..MORE_CHANNELS {
        add_channel(&h, n).await;
    }
    let channels = MORE_CHANNELS + 1;
    h.sim.recorder().start();
    assert_eq!(supervisor.start().await.unwrap(), channels);

    let mut seen = HashSet::new();
    let mut most = 0;
    guard("every channel's subscriptions enabled", async {
        loop {
            // Begun first, finished after: a round that ends in between only adds to the margin.
            seen.extend(begun(&h));
            let done = finished(&h);
            let open = seen.len().saturating_sub(done);
            most = most.max(open);
            assert!(
                open <= ROUNDS_AT_ONCE,
                "{open} channels in their start-up round at once ({} begun, {done} done)",
                seen.len()
            );
            if done == channels {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    // The bound was reached: the channels did run side by side, up to it.
    assert_eq!(most, ROUNDS_AT_ONCE);
    h.stop().await;
}
