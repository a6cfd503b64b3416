use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/sim/fixtures/", $name))
    };
}

fn webhook_event(body: &str) -> Option<TwitchEvent> {
    match parse_webhook("notification", body.as_bytes()).unwrap() {
        WebhookMessage::Notification(n) => notification_event("m", &n).unwrap(),
        other => panic!("not a notification: {other:?}"),
    }
}

fn viewer(id: &str, login: &str, name: &str) -> Viewer {
    Viewer {
        id: id.into(),
        login: login.into(),
        display_name: name.into(),
    }
}

fn redemption_1337() -> TwitchEvent {
    TwitchEvent::Redemption {
        channel: ChannelId::from("1337"),
        redemption_id: "17fa2df1-ad76-4804-bfa5-a40ef63efe63".into(),
        reward_id: "92af127c-7326-4483-a52b-b0da0be61c01".into(),
        viewer: viewer("9001", "cooler_user", "Cooler_User"),
        user_input: "pogchamp".into(),
        redeemed_at: "2020-07-15T17:16:03.17106713Z".parse().unwrap(),
    }
}

#[test]
fn redemption_webhook_bodies() {
    let expected = Some(redemption_1337());
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_redemption_add_notification.webhook_body.json"
        )),
        expected
    );
    let from_twitch_api = webhook_event(fixture!(
        "eventsub_redemption_add_notification.twitch_api_fixture.json"
    ));
    assert!(matches!(
        from_twitch_api,
        Some(TwitchEvent::Redemption { ref reward_id, .. }) if !reward_id.is_empty()
    ));
}

#[test]
fn vip_add_without_cost_is_accepted() {
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_channel_vip_add_notification.webhook_body.json"
        )),
        Some(TwitchEvent::VipAdded {
            channel: ChannelId::from("1337"),
            viewer: viewer("1234", "mod_user", "Mod_User"),
        })
    );
}

#[test]
fn vip_remove_and_moderator_add_and_remove() {
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_channel_vip_remove_notification.CONSTRUCTED.json"
        )),
        Some(TwitchEvent::VipRemoved {
            channel: ChannelId::from("1337"),
            viewer: viewer("1234", "mod_user", "Mod_User"),
        })
    );
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_channel_moderator_add_notification.CONSTRUCTED.json"
        )),
        Some(TwitchEvent::ModeratorAdded {
            channel: ChannelId::from("1337"),
            viewer: viewer("1234", "mod_user", "Mod_User"),
        })
    );
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_channel_moderator_remove_notification.CONSTRUCTED.json"
        )),
        Some(TwitchEvent::ModeratorRemoved {
            channel: ChannelId::from("1337"),
            viewer: viewer("1234", "mod_user", "Mod_User"),
        })
    );
}

#[test]
fn reward_update_and_remove() {
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_reward_update_notification.CONSTRUCTED.json"
        )),
        Some(TwitchEvent::RewardUpdated {
            channel: ChannelId::from("1337"),
            reward_id: "9001".into(),
            enabled: true,
            paused: true,
        })
    );
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_reward_remove_notification.CONSTRUCTED.json"
        )),
        Some(TwitchEvent::RewardRemoved {
            channel: ChannelId::from("1337"),
            reward_id: "9001".into(),
        })
    );
}

#[test]
fn user_authorization_revoke() {
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_user_authorization_revoke_notification.webhook_body.json"
        )),
        Some(TwitchEvent::AuthorizationRevoked {
            user_id: "1337".into()
        })
    );
    let gone = r#"{"subscription":{"id":"s","type":"user.authorization.revoke","version":"1","status":"enabled","condition":{"client_id":"c"}},
        "event":{"client_id":"c","user_id":"42","user_login":null,"user_name":null}}"#;
    assert_eq!(
        webhook_event(gone),
        Some(TwitchEvent::AuthorizationRevoked {
            user_id: "42".into()
        })
    );
}

#[test]
fn types_the_app_ignores() {
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_redemption_update_notification.webhook_body.json"
        )),
        None
    );
    assert_eq!(
        webhook_event(fixture!(
            "eventsub_stream_online_notification.webhook_body.json"
        )),
        None
    );
}

#[test]
fn webhook_challenge_and_revocation() {
    let challenge = parse_webhook(
        "webhook_callback_verification",
        fixture!("webhook_callback_verification.json").as_bytes(),
    )
    .unwrap();
    assert!(matches!(
        challenge,
        WebhookMessage::Challenge { ref challenge, .. } if challenge == "pogchamp-kappa-360noscope-vohiyo"
    ));
    let WebhookMessage::Revocation(sub) =
        parse_webhook("revocation", fixture!("webhook_revocation.json").as_bytes()).unwrap()
    else {
        panic!("not a revocation");
    };
    assert_eq!(
        revocation_event(&sub),
        Some(TwitchEvent::AuthorizationRevoked {
            user_id: "12826".into()
        })
    );
    let removed = Subscription {
        status: "version_removed".into(),
        ..sub.clone()
    };
    assert_eq!(revocation_event(&removed), None);
    // A chat subscription read by another account (the app's chat bot) may be revoked by that
    // account alone: not the streamer's withdrawal. Read by the streamer, it is theirs.
    let mut chat = Subscription {
        kind: "channel.chat.message".into(),
        ..sub
    };
    chat.condition.insert("user_id".into(), "777".into());
    assert_eq!(chat.revoked_broadcaster(), None);
    assert_eq!(revocation_event(&chat), None);
    chat.condition.insert("user_id".into(), "12826".into());
    assert_eq!(chat.revoked_broadcaster(), Some("12826"));
    assert!(revocation_event(&chat).is_some());
}

#[test]
fn malformed_bodies_are_errors() {
    assert!(parse_webhook("notification", b"{not json").is_err());
    assert!(parse_webhook("notification", b"{\"subscription\":{}}").is_err());
    let no_reward = r#"{"subscription":{"id":"s","type":"channel.channel_points_custom_reward_redemption.add"},"event":{"id":"r"}}"#;
    let WebhookMessage::Notification(n) =
        parse_webhook("notification", no_reward.as_bytes()).unwrap()
    else {
        panic!("not a notification");
    };
    assert!(notification_event("m", &n).is_err());
    assert!(parse_ws("[]").is_err());
}

#[test]
fn ws_session_messages() {
    for welcome in [
        fixture!("ws_session_welcome.json"),
        fixture!("twitch_cli_ws_session_welcome.json"),
    ] {
        let m = parse_ws(welcome).unwrap();
        assert!(
            matches!(m.kind, WsKind::Welcome { ref session_id, keepalive: Some(k) }
                if !session_id.is_empty() && k == Duration::from_secs(10)),
            "{m:?}"
        );
    }
    let keepalive = parse_ws(fixture!("ws_session_keepalive.json")).unwrap();
    assert_eq!(keepalive.kind, WsKind::Keepalive);
    assert_eq!(keepalive.id, "84c1e79a-2a4b-4c13-ba0b-4312293e9308");
    assert_eq!(
        parse_ws(fixture!("ws_session_reconnect.json"))
            .unwrap()
            .kind,
        WsKind::Reconnect {
            url: "wss://eventsub.wss.twitch.tv?...".into()
        }
    );
}

#[test]
fn ws_notifications_and_revocation() {
    let m = parse_ws(fixture!("ws_notification_redemption_add.CONSTRUCTED.json")).unwrap();
    let WsKind::Notification(n) = m.kind else {
        panic!("not a notification");
    };
    assert_eq!(
        notification_event("m", &n).unwrap(),
        Some(redemption_1337())
    );

    let m = parse_ws(fixture!("ws_notification_channel_follow.json")).unwrap();
    let WsKind::Notification(n) = m.kind else {
        panic!("not a notification");
    };
    assert_eq!(notification_event("m", &n).unwrap(), None);

    let m = parse_ws(fixture!("ws_revocation.json")).unwrap();
    let WsKind::Revocation(sub) = m.kind else {
        panic!("not a revocation");
    };
    assert_eq!(sub.status, AUTHORIZATION_REVOKED);
    assert!(revocation_event(&sub).is_some());
}

#[test]
fn unknown_ws_message_types_are_kept_apart() {
    let m = parse_ws(
        r#"{"metadata":{"message_id":"x","message_type":"future_thing","message_timestamp":"2024-01-01T00:00:00Z"},"payload":{}}"#,
    )
    .unwrap();
    assert_eq!(m.kind, WsKind::Other("future_thing".into()));
}

fn webhook_event_with_id(message_id: &str, body: &str) -> Option<TwitchEvent> {
    match parse_webhook("notification", body.as_bytes()).unwrap() {
        WebhookMessage::Notification(n) => notification_event(message_id, &n).unwrap(),
        other => panic!("not a notification: {other:?}"),
    }
}

#[test]
fn subscriptions_gifts_and_cheers_carry_the_message_id() {
    assert_eq!(
        webhook_event_with_id(
            "msg-1",
            fixture!("eventsub_channel_subscribe_notification.CONSTRUCTED.json")
        ),
        Some(TwitchEvent::Subscribed {
            channel: ChannelId::from("1337"),
            message_id: "msg-1".into(),
            viewer: viewer("1234", "cool_user", "Cool_User"),
            tier: "1000".into(),
            is_gift: false,
        })
    );
    assert_eq!(
        webhook_event_with_id(
            "msg-2",
            fixture!("eventsub_channel_subscription_gift_notification.CONSTRUCTED.json")
        ),
        Some(TwitchEvent::SubsGifted {
            channel: ChannelId::from("1337"),
            message_id: "msg-2".into(),
            gifter: Some(viewer("1234", "cool_user", "Cool_User")),
            total: 2,
            tier: "1000".into(),
        })
    );
    assert_eq!(
        webhook_event_with_id(
            "msg-3",
            fixture!("eventsub_channel_cheer_notification.CONSTRUCTED.json")
        ),
        Some(TwitchEvent::Cheered {
            channel: ChannelId::from("1337"),
            message_id: "msg-3".into(),
            viewer: Some(viewer("1234", "cool_user", "Cool_User")),
            bits: 1_000,
        })
    );
}

#[test]
fn anonymous_gifts_and_cheers_have_no_supporter() {
    assert_eq!(
        webhook_event_with_id(
            "msg-4",
            fixture!("eventsub_channel_subscription_gift_anonymous_notification.CONSTRUCTED.json")
        ),
        Some(TwitchEvent::SubsGifted {
            channel: ChannelId::from("1337"),
            message_id: "msg-4".into(),
            gifter: None,
            total: 5,
            tier: "1000".into(),
        })
    );
    let m = parse_ws(fixture!("ws_notification_cheer_anonymous.CONSTRUCTED.json")).unwrap();
    let WsKind::Notification(n) = m.kind else {
        panic!("not a notification");
    };
    assert_eq!(
        notification_event(&m.id, &n).unwrap(),
        Some(TwitchEvent::Cheered {
            channel: ChannelId::from("1337"),
            message_id: "befa7b53-d79d-478f-86b9-120f112b044e".into(),
            viewer: None,
            bits: 1_000,
        })
    );
}

#[test]
fn support_events_without_their_counts_are_errors() {
    for body in [
        r#"{"subscription":{"id":"s","type":"channel.cheer"},"event":{"broadcaster_user_id":"1","is_anonymous":true}}"#,
        r#"{"subscription":{"id":"s","type":"channel.subscription.gift"},"event":{"broadcaster_user_id":"1","is_anonymous":true,"total":-1}}"#,
        r#"{"subscription":{"id":"s","type":"channel.subscribe"},"event":{"broadcaster_user_id":"1","user_id":null}}"#,
    ] {
        let WebhookMessage::Notification(n) =
            parse_webhook("notification", body.as_bytes()).unwrap()
        else {
            panic!("not a notification");
        };
        assert!(notification_event("m", &n).is_err(), "{body}");
    }
}

/// Found by fuzzing (`eventsub_ws_message`): a welcome with a huge `keepalive_timeout_seconds`
/// made the silence deadline (`Instant::now() + allowed_silence(keepalive)`) overflow and panic.
#[test]
fn welcome_keepalive_is_clamped_to_twitchs_range() {
    let welcome = |seconds: &str| {
        let text = fixture!("ws_session_welcome.json").replace(
            "\"keepalive_timeout_seconds\":10",
            &format!("\"keepalive_timeout_seconds\":{seconds}"),
        );
        assert_ne!(text, fixture!("ws_session_welcome.json"), "fixture changed");
        match parse_ws(&text).unwrap().kind {
            WsKind::Welcome { keepalive, .. } => keepalive,
            other => panic!("not a welcome: {other:?}"),
        }
    };
    let secs = Duration::from_secs;
    assert_eq!(welcome("30"), Some(secs(30)));
    assert_eq!(welcome("0"), Some(secs(10)));
    assert_eq!(welcome("null"), None);
    for huge in [u64::MAX, u64::MAX / 2, 1 << 40] {
        let keepalive = welcome(&huge.to_string()).unwrap();
        assert_eq!(keepalive, secs(600));
        let silence = crate::eventsub::ws::machine::allowed_silence(keepalive);
        assert!(std::time::Instant::now().checked_add(silence).is_some());
    }
}
