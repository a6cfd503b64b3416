//! Bad input gets a short reply naming the problem, and nothing changes: an unknown user, a bad or
//! over-long duration, a moderator or a permanent VIP as target, full slots, `stream_end`.

use serde_json::json;

use crate::chat::world::Chat;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_commands_are_answered_and_change_nothing() {
    let chat = Chat::start().await;
    chat.settings(json!({"moderators_can_manage": true})).await;
    let cases = [
        (
            "!vips add @nobody_here 1h",
            "@Demo_mod there is no Twitch user “nobody_here”",
        ),
        (
            "!vips add @viewer_alice 2x",
            "@Demo_mod “2x” is not a duration: write it like 90s, 45m, 1h30m, 2d or 1w",
        ),
        (
            "!vips add @viewer_alice 400d",
            "@Demo_mod a VIP duration can be at most 365 days",
        ),
        (
            "!vips extend @viewer_alice",
            "@Demo_mod give a duration such as 30m, 2h or 1d",
        ),
        (
            "!vips add @demo_mod 1h",
            "@Demo_mod Demo_mod is a moderator; moderators cannot be VIPs",
        ),
        (
            "!vips setexpire @viewer_alice stream_end",
            "@Demo_mod setexpire takes a time such as 1d; to make a VIP last until the stream ends, remove it and add it with stream_end",
        ),
        (
            "!vips extend @viewer_alice 1h",
            "@Demo_mod Viewer_alice is not a timed VIP",
        ),
        (
            "!vips remove @viewer_alice",
            "@Demo_mod Viewer_alice is not a timed VIP",
        ),
    ];
    let mut replies = Vec::new();
    for (command, want) in cases {
        let reply = chat.ask("demo_mod", command).await;
        // Twitch drops a message identical to one sent within 30 s: the second "not a timed VIP"
        // carries an invisible tag space.
        assert_eq!(
            reply.trim_end_matches([' ', '\u{E0000}']),
            want,
            "{command}"
        );
        replies.push(reply);
    }
    assert_ne!(replies[6], replies[7]);
    let reply = chat.ask("demo_mod", "!vips grant @viewer_alice").await;
    assert!(
        reply.starts_with("@Demo_mod unknown sub-command “grant”; usage: !vips add"),
        "{reply}"
    );
    assert!(chat.vips().await.is_empty());

    // A VIP made on Twitch by hand is permanent: never changed from chat.
    chat.twitch("vips/add", json!({"user": "viewer_carol"}))
        .await;
    for command in [
        "!vips add @viewer_carol 1h",
        "!vips remove @viewer_carol",
        "!vips setexpire @viewer_carol 1h",
    ] {
        let reply = chat.ask("demo_mod", command).await;
        assert!(reply.contains("permanent VIP"), "{command}: {reply}");
    }

    // Full slots (the channel refunds rather than waitlists by default).
    chat.twitch("settings", json!({"vip_slots": 1})).await;
    let reply = chat.ask("demo_mod", "!vips add @viewer_bob 1h").await;
    assert_eq!(
        reply,
        "@Demo_mod all VIP slots are taken; Viewer_bob was not added"
    );
    assert!(chat.vip("viewer_bob").await.is_none());
}
