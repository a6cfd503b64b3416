//! The conduit transport against the built server binary and the Twitch simulator: a redemption
//! delivered through a conduit shard is granted, a shard whose socket drops is registered again
//! with the new session, and three servers sharing the Firestore emulator keep every redemption
//! granted exactly once (and a due VIP removed) while one of them is killed with SIGKILL, its
//! shard taken over by another and the shards brought back to one per live server. A new conduit's
//! subscriptions wait for the server's shard ([`start_up`]).

mod client;
mod listing;
mod revocation;
mod start_up;

use std::collections::HashSet;
use std::time::Duration;

use app::model::{
    Actor, AuditAction, AuditQuery, ChannelId, SessionState, Viewer, VipSession, VipSource,
};
use serde_json::Value;
use twitch_sim::RedemptionStatus;

use crate::intake::world::{eventually, Transport, World};

const ADD_VIP: &str = "/helix/channels/vips";

/// The shards of the app's one conduit, as Get Conduit Shards lists them.
fn shards(w: &World) -> Vec<Value> {
    let conduits = w.sim.conduits(w.client_id());
    assert!(conduits.len() <= 1, "one conduit for the app: {conduits:?}");
    conduits
        .into_iter()
        .next()
        .map(|(_, s)| s)
        .unwrap_or_default()
}

/// The session ids of the enabled shards.
fn enabled_sessions(w: &World) -> Vec<String> {
    shards(w)
        .iter()
        .filter(|s| s["status"] == "enabled")
        .filter_map(|s| s["transport"]["session_id"].as_str().map(str::to_owned))
        .collect()
}

/// Whether the channel's redemptions come through the conduit.
fn redemptions_on_the_conduit(w: &World) -> bool {
    w.channel_subscriptions().iter().any(|s| {
        s["type"] == "channel.channel_points_custom_reward_redemption.add"
            && s["status"] == "enabled"
            && s["transport"]["method"] == "conduit"
    })
}

async fn granted(w: &World, viewer: &twitch_sim::User, redemption: &str) {
    eventually(&format!("{} granted", viewer.login), || async {
        let vip = w.sim.vips(&w.streamer.id).contains(&viewer.id);
        let fulfilled = w
            .sim
            .redemptions(&w.streamer.id)
            .iter()
            .any(|(id, s)| id == redemption && *s == RedemptionStatus::Fulfilled);
        (vip && fulfilled).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redemption_via_the_conduit_is_granted_and_a_dropped_shard_registers_again() {
    let w = World::new(2).await;
    let _server = w.start(Transport::Conduit).await;
    eventually(
        "the shard registered and the channel subscribed",
        || async {
            (enabled_sessions(&w).len() == 1 && redemptions_on_the_conduit(&w)).then_some(())
        },
    )
    .await;
    assert!(
        w.channel_subscriptions()
            .iter()
            .all(|s| s["transport"]["method"] == "conduit"),
        "{:?}",
        w.channel_subscriptions()
    );
    let first = &w.viewers[0];
    let redemption = w.redeem(first);
    granted(&w, first, &redemption).await;

    // Twitch drops the shard's socket: the shard is disabled, then registered with a new session.
    let old = enabled_sessions(&w).remove(0);
    assert!(w.sim.ws_close(&old, 4006));
    eventually("the shard registered again", || async {
        let now = enabled_sessions(&w);
        (now.len() == 1 && now[0] != old).then_some(())
    })
    .await;
    let second = &w.viewers[1];
    let redemption = w.redeem(second);
    granted(&w, second, &redemption).await;
    assert_eq!(w.sim.conduit_notifications_lost(), 0);
}

/// Three servers, one conduit; one of them dies with SIGKILL while viewers keep redeeming.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_on_firestore_survive_a_sigkill_with_every_redemption_granted_once() {
    const REDEMPTIONS: usize = 18;
    let w = World::new_firestore(REDEMPTIONS + 1).await;
    // A VIP due shortly, known to every server from the start.
    let due_viewer = w.viewers[REDEMPTIONS].clone();
    let expires_at = chrono::Utc::now() + chrono::Duration::seconds(40);
    let store = w.store().await;
    w.sim
        .twitch_add_vip(&w.streamer.id, &due_viewer.id)
        .unwrap();
    let session = VipSession {
        id: "due-on-the-dead-instance".into(),
        channel_id: ChannelId(w.streamer.id.clone()),
        viewer: Viewer {
            id: due_viewer.id.clone(),
            login: due_viewer.login.clone(),
            display_name: due_viewer.display_name.clone(),
        },
        source: VipSource::Manual,
        granted_by: Actor::System,
        granted_at: chrono::Utc::now(),
        expires_at: Some(expires_at),
        state: SessionState::Active,
        ended_at: None,
        redemption_id: None,
        metadata: serde_json::json!({}),
    };
    store.insert_session(&session).await.unwrap();

    // Catch-up takes up what a dying server had been sent but not stored.
    let vars = [
        ("CATCH_UP_MIN_AGE_SECS", "3"),
        ("RECONCILE_EVERY_SECS", "5"),
    ];
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(
            w.start_with(Transport::Conduit, crate::intake::world::free_addr(), &vars)
                .await,
        );
    }
    eventually(
        "three shards registered and the channel subscribed",
        || async {
            (enabled_sessions(&w).len() == 3 && redemptions_on_the_conduit(&w)).then_some(())
        },
    )
    .await;
    w.sim.recorder().start();

    let mut ids = Vec::new();
    for (i, viewer) in w.viewers.iter().take(REDEMPTIONS).enumerate() {
        ids.push(w.redeem(viewer));
        if i == REDEMPTIONS / 3 {
            let sessions = enabled_sessions(&w);
            servers.remove(1).kill9();
            // Its socket is gone: Twitch disables its shard at once.
            eventually("the dead server's shard disabled", || async {
                (enabled_sessions(&w).len() < sessions.len()).then_some(())
            })
            .await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    eventually("every redemption granted", || async {
        let vips: HashSet<String> = w.sim.vips(&w.streamer.id).into_iter().collect();
        let redemptions = w.sim.redemptions(&w.streamer.id);
        let all_vip = w
            .viewers
            .iter()
            .take(REDEMPTIONS)
            .all(|v| vips.contains(&v.id));
        let all_fulfilled = ids.iter().all(|id| {
            redemptions
                .iter()
                .any(|(r, s)| r == id && *s == RedemptionStatus::Fulfilled)
        });
        (all_vip && all_fulfilled).then_some(())
    })
    .await;
    // Exactly once: one VIP session and one grant in the activity log per viewer, whichever
    // server handled the redemption (a server killed mid-grant may leave its Add VIP to be sent
    // again, which Twitch answers "already a VIP": that is not a second grant). The activity
    // line is written just after Twitch hears of the fulfilment, so it is waited for; a second
    // session or grant fails at once.
    let channel = ChannelId(w.streamer.id.clone());
    let query = AuditQuery {
        action: Some(AuditAction::Grant),
        viewer_id: None,
        before: None,
        limit: 200,
    };
    eventually("one session and one grant per viewer", || async {
        let sessions = store.active_sessions(&channel).await.unwrap();
        let grants = store.audit_page(&channel, &query).await.unwrap().entries;
        let mut all_once = true;
        for viewer in w.viewers.iter().take(REDEMPTIONS) {
            let of = |v: Option<&Viewer>| v.is_some_and(|v| v.id == viewer.id);
            let held = sessions.iter().filter(|s| of(Some(&s.viewer))).count();
            let granted = grants.iter().filter(|g| of(g.target.as_ref())).count();
            assert!(
                held <= 1 && granted <= 1,
                "{}: sessions {held}, grants {granted}",
                viewer.login
            );
            all_once &= (held, granted) == (1, 1);
        }
        all_once.then_some(())
    })
    .await;
    assert!(
        w.sim
            .recorder()
            .take()
            .into_iter()
            .filter(|e| {
                matches!(&e.event, twitch_sim::record::Event::Request { method, path, .. }
                if method == "POST" && path == ADD_VIP)
            })
            .count()
            >= REDEMPTIONS
    );

    // The dead server's shard is taken over by the server above it, which then drops or hands
    // over its higher shard: one shard per live server, each served.
    eventually("one shard per live server, each served", || async {
        (shards(&w).len() == 2 && enabled_sessions(&w).len() == 2).then_some(())
    })
    .await;
    assert_eq!(w.sim.conduit_notifications_lost(), 0);
    let ended = eventually("the due VIP removed by a live server", || async {
        let s = store.session(&session.id).await.ok()??;
        (s.state == SessionState::Expired).then_some(s)
    })
    .await;
    assert!(
        ended.ended_at.is_some_and(|at| at >= expires_at),
        "{ended:?}"
    );
    assert!(!w.sim.vips(&w.streamer.id).contains(&due_viewer.id));
}

/// The second of two servers dies: the first takes its (highest) shard over, then drops it, so the
/// conduit has one shard again, served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shard_of_a_dead_server_is_taken_over_and_the_count_follows_the_servers() {
    let w = World::new(1).await;
    let _first = w.start(Transport::Conduit).await;
    eventually("the first shard registered", || async {
        (enabled_sessions(&w).len() == 1).then_some(())
    })
    .await;
    let second = w.start(Transport::Conduit).await;
    eventually("a second shard added and registered", || async {
        (shards(&w).len() == 2 && enabled_sessions(&w).len() == 2).then_some(())
    })
    .await;
    second.kill9();
    eventually("one shard again, served", || async {
        (shards(&w).len() == 1 && enabled_sessions(&w).len() == 1).then_some(())
    })
    .await;
    let viewer = &w.viewers[0];
    let redemption = w.redeem(viewer);
    granted(&w, viewer, &redemption).await;
}
