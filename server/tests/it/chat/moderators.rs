//! `!vips add|remove|extend|setexpire|list` and the aliases, by a moderator (where the channel
//! lets moderators manage VIPs), a lead moderator and the broadcaster: each goes through the
//! dashboard's use cases, so it shows in `/api/vip` and the activity log with the chatter as actor.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::chat::world::Chat;

fn expires(vip: &Value) -> DateTime<Utc> {
    vip["expires_at"].as_str().unwrap().parse().unwrap()
}

fn near(at: DateTime<Utc>, secs: i64) -> bool {
    let want = Utc::now() + chrono::Duration::seconds(secs);
    (at - want).num_seconds().abs() < 120
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_manages_vips_from_chat() {
    let chat = Chat::start().await;
    chat.settings(json!({"moderators_can_manage": true})).await;

    let reply = chat.ask("demo_mod", "!vips add @viewer_alice 2h").await;
    assert_eq!(reply, "@Demo_mod Viewer_alice is VIP for 2 h");
    let vip = chat.vip("viewer_alice").await.expect("alice is VIP");
    assert!(near(expires(&vip), 7_200), "{vip}");
    let grant = chat
        .audit()
        .await
        .into_iter()
        .find(|e| e["action"] == "grant")
        .unwrap();
    assert_eq!(grant["actor"]["kind"], "moderator");
    assert_eq!(grant["actor"]["login"], "demo_mod");
    assert_eq!(grant["target"]["login"], "viewer_alice");

    let reply = chat.ask("demo_mod", "!vips extend @viewer_alice 30m").await;
    assert!(
        reply == "@Demo_mod Viewer_alice's VIP now ends in 2 h 30 min"
            || reply == "@Demo_mod Viewer_alice's VIP now ends in 2 h 29 min",
        "{reply}"
    );
    assert!(near(
        expires(&chat.vip("viewer_alice").await.unwrap()),
        9_000
    ));

    chat.ask("demo_mod", "!vips setexpire @viewer_alice 1d")
        .await;
    assert!(near(
        expires(&chat.vip("viewer_alice").await.unwrap()),
        86_400
    ));
    let set = chat.audit().await.into_iter().next().unwrap();
    assert_eq!(set["action"], "extend");
    assert_eq!(set["metadata"]["set_expiry"], true);

    // The alias, with the channel's default duration (one day by default).
    assert_eq!(
        chat.ask("demo_mod", "!addvip viewer_bob").await,
        "@Demo_mod Viewer_bob is VIP for 1 d"
    );
    let list = chat.ask("demo_mod", "!vips list").await;
    assert!(list.starts_with("@Demo_mod VIPs (2): "), "{list}");
    assert!(
        list.contains("Viewer_alice") && list.contains("Viewer_bob"),
        "{list}"
    );

    assert_eq!(
        chat.ask("demo_mod", "!removevip @viewer_bob").await,
        "@Demo_mod Viewer_bob is no longer VIP"
    );
    assert_eq!(
        chat.ask("demo_mod", "!vips remove viewer_alice").await,
        "@Demo_mod Viewer_alice is no longer VIP"
    );
    assert!(chat.vips().await.is_empty());
    let revoke = chat.audit().await.into_iter().next().unwrap();
    assert_eq!(revoke["action"], "revoke");
    assert_eq!(revoke["actor"]["login"], "demo_mod");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_need_the_channel_s_permission_and_the_broadcaster_never_does() {
    let chat = Chat::start().await;
    // Off by default: a moderator is refused and nothing changes.
    let reply = chat.ask("demo_mod", "!vips add @viewer_alice 2h").await;
    assert_eq!(
        reply,
        "@Demo_mod only the broadcaster and the moderators it allows can manage VIPs"
    );
    assert!(chat.vips().await.is_empty());
    // A viewer is refused too, even with the channel's permission on.
    chat.settings(json!({"moderators_can_manage": true})).await;
    let reply = chat.ask("viewer_carol", "!vips add @viewer_alice 2h").await;
    assert!(reply.contains("only the broadcaster"), "{reply}");
    assert!(chat.vips().await.is_empty());
    // A lead moderator (badge lead_moderator) may.
    let id = chat
        .say_with(json!({"user": "viewer_dave", "text": "!vips add @viewer_alice 1h", "badges": ["lead_moderator"]}))
        .await;
    assert_eq!(
        chat.reply_to(&id).await,
        "@Viewer_dave Viewer_alice is VIP for 1 h"
    );
    // The broadcaster may whatever the setting.
    chat.settings(json!({"moderators_can_manage": false})).await;
    let reply = chat.ask("demo_streamer", "!vips add @viewer_bob 45m").await;
    assert_eq!(reply, "@Demo_streamer Viewer_bob is VIP for 45 min");
    let grant = chat.audit().await.into_iter().next().unwrap();
    assert_eq!(grant["actor"]["kind"], "streamer");
    assert_eq!(chat.vips().await.len(), 2);
}

/// `!vips add @user stream_end`: a VIP until the stream ends, listed as such, and a reply naming it;
/// it has no time to extend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_grants_until_the_stream_ends() {
    let chat = Chat::start().await;
    chat.settings(json!({"moderators_can_manage": true})).await;

    let reply = chat
        .ask("demo_mod", "!vips add @viewer_bob stream_end")
        .await;
    assert_eq!(reply, "@Demo_mod Viewer_bob is VIP until the stream ends");
    let vip = chat.vip("viewer_bob").await.expect("bob is VIP");
    assert_eq!(vip["until"], "stream_end", "{vip}");
    assert!(vip["expires_at"].is_null(), "{vip}");

    let reply = chat.ask("demo_mod", "!vips extend @viewer_bob 30m").await;
    assert_eq!(
        reply,
        "@Demo_mod Viewer_bob's VIP lasts until the stream ends; there is no time to change"
    );
}
