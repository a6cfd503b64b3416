//! Subscriptions for the grant rules: `channel.subscribe`, `channel.subscription.message`,
//! `channel.subscription.gift`, `channel.cheer` and `channel.bits.use` are subscribed only while
//! their rule is on and the broadcaster granted the scope; turning a rule on is picked up without
//! a restart; the events reach the sink with the EventSub message id.

use app::model::{BitsRule, GiftRule, GrantRules, Settings, VipDuration};
use app::ssr::events::BitsUse;
use chrono::Utc;
use server::eventsub::parse::{BITS_USE, CHEER, RESUBSCRIPTION, SUBSCRIBE, SUBSCRIPTION_GIFT};
use server::twitch::oauth::IssuedTokens;

use super::*;

fn hour() -> VipDuration {
    VipDuration::from_secs(3_600).unwrap()
}

async fn set_rules(h: &Harness, rules: GrantRules) {
    let settings = Settings {
        grant_rules: rules,
        ..Settings::default()
    };
    assert!(h
        .store
        .update_settings(&h.channel(), &settings)
        .await
        .unwrap());
}

/// The streamer logs in again granting `extra` scopes too.
async fn grant_scopes(h: &Harness, extra: &[&str]) {
    let scopes: Vec<&str> = harness::SCOPES.iter().chain(extra).copied().collect();
    let issued = h
        .sim
        .issue_user_token(&h.client_id, &h.streamer.id, &scopes);
    h.tokens
        .save(
            &h.streamer.id,
            &IssuedTokens {
                access_token: issued.access_token.into(),
                refresh_token: issued.refresh_token.into(),
                scopes: issued.scopes,
                expires_at: Utc::now() + chrono::Duration::hours(4),
            },
        )
        .await
        .unwrap();
}

fn enabled_kinds(h: &Harness) -> Vec<String> {
    let mut kinds: Vec<String> = h
        .enabled_subscriptions()
        .iter()
        .map(|s| s["type"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort_unstable();
    kinds
}

fn expected_kinds(extra: &[&str]) -> Vec<String> {
    let mut kinds: Vec<String> = base_types()
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect();
    kinds.sort_unstable();
    kinds
}

#[tokio::test]
async fn rule_types_follow_the_rules_and_scopes_and_events_carry_the_message_id() {
    let h = Harness::start(sim_config()).await;
    // Bits on and granted; gifts on but `channel:read:subscriptions` not granted.
    set_rules(
        &h,
        GrantRules {
            gift: Some(GiftRule {
                min_gifts: 1,
                duration: hour().into(),
            }),
            bits: Some(BitsRule {
                min_bits: 1,
                duration: hour().into(),
            }),
            ..GrantRules::default()
        },
    )
    .await;
    grant_scopes(&h, &["bits:read"]).await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    assert_eq!(enabled_kinds(&h), expected_kinds(&[CHEER, BITS_USE]));

    h.sim
        .cheer(&h.streamer.id, Some(&h.viewer.id), 250)
        .unwrap();
    h.sink
        .wait_until("cheer", |e| {
            e.iter().any(|e| matches!(e, TwitchEvent::Cheered { .. }))
        })
        .await;
    let cheer = h
        .sink
        .events()
        .into_iter()
        .find(|e| matches!(e, TwitchEvent::Cheered { .. }))
        .unwrap();
    let TwitchEvent::Cheered {
        channel,
        message_id,
        viewer,
        bits,
    } = cheer
    else {
        unreachable!()
    };
    assert_eq!(channel, h.channel());
    assert!(!message_id.is_empty());
    assert_eq!(viewer.unwrap().id, h.viewer.id);
    assert_eq!(bits, 250);
    // The same cheer as a use of bits, and a Power-up, which only that type reports.
    h.sim
        .use_power_up(&h.streamer.id, &h.viewer.id, "celebration", 100, "")
        .unwrap();
    h.sink
        .wait_until("cheer and Power-up as uses of bits", |e| {
            let used = |want: &BitsUse| {
                e.iter().any(|e| {
                    matches!(e, TwitchEvent::BitsUsed { kind, viewer: Some(v), message_id, .. }
                        if kind == want && v.id == h.viewer.id && !message_id.is_empty())
                })
            };
            used(&BitsUse::Cheer) && used(&BitsUse::PowerUp("celebration".into()))
        })
        .await;

    // Nothing changed yet: no resubscription.
    assert_eq!(supervisor.refresh_rules().await, 0);

    // The streamer logs in again with the subs scope and turns subscriptions on too.
    grant_scopes(&h, &["bits:read", "channel:read:subscriptions"]).await;
    set_rules(
        &h,
        GrantRules {
            subscription: Some(hour().into()),
            gift: Some(GiftRule {
                min_gifts: 1,
                duration: hour().into(),
            }),
            bits: Some(BitsRule {
                min_bits: 1,
                duration: hour().into(),
            }),
        },
    )
    .await;
    assert_eq!(supervisor.refresh_rules().await, 1);
    eventually("subscribed anew", || {
        enabled_kinds(&h)
            == expected_kinds(&[
                SUBSCRIBE,
                SUBSCRIPTION_GIFT,
                RESUBSCRIPTION,
                CHEER,
                BITS_USE,
            ])
    })
    .await;
    connected(&h, &supervisor).await;
    h.sim
        .subscribe(&h.streamer.id, &h.viewer.id, "1000")
        .unwrap();
    h.sink
        .wait_until("subscribed", |e| {
            e.iter().any(|e| {
                matches!(e, TwitchEvent::Subscribed { viewer, is_gift: false, .. } if viewer.id == h.viewer.id)
            })
        })
        .await;
    let resub = twitch_sim::support::Resub {
        cumulative_months: 3,
        streak_months: None,
        duration_months: 1,
        text: "three months".into(),
    };
    h.sim
        .resubscribe(&h.streamer.id, &h.viewer.id, &resub)
        .unwrap();
    h.sink
        .wait_until("resubscribed", |e| {
            e.iter().any(|e| {
                matches!(e, TwitchEvent::Resubscribed { viewer, cumulative_months: 3, tier, message, .. }
                    if viewer.id == h.viewer.id && tier == "1000" && message == "three months")
            })
        })
        .await;
    h.stop().await;
}

#[tokio::test]
async fn a_rule_without_its_scope_never_stops_the_channel() {
    let h = Harness::start(sim_config()).await;
    set_rules(
        &h,
        GrantRules {
            subscription: Some(hour().into()),
            ..GrantRules::default()
        },
    )
    .await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    assert_eq!(enabled_kinds(&h), expected_kinds(&[]));
    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    h.stop().await;
}

#[tokio::test]
async fn what_a_channel_lacks_is_known_from_its_rules_scopes_and_chat_setting() {
    use server::eventsub::subscriptions::subscribe::channel_rule_types;
    let h = Harness::start(sim_config()).await;
    let channel = h.channel();
    let types = || channel_rule_types(&*h.store, &h.tokens, &channel, false);
    let lacks = |t: &server::eventsub::subscriptions::subscribe::ChannelTypes| {
        (t.rule_scope_missing, t.chat_unread)
    };
    // Chat commands are on by default, and the streamer has not granted `user:read:chat`.
    assert_eq!(lacks(&types().await), (false, true));
    let mut settings = Settings::default();
    settings.chat_commands.enabled = false;
    assert!(h.store.update_settings(&channel, &settings).await.unwrap());
    assert_eq!(
        lacks(&types().await),
        (false, false),
        "nothing on, nothing lacking"
    );
    // A subscription rule without `channel:read:subscriptions`, and chat commands without
    // `user:read:chat`.
    let mut settings = Settings {
        grant_rules: GrantRules {
            subscription: Some(hour().into()),
            ..GrantRules::default()
        },
        ..Settings::default()
    };
    settings.chat_commands.enabled = true;
    assert!(h.store.update_settings(&channel, &settings).await.unwrap());
    assert_eq!(lacks(&types().await), (true, true));
    // Both granted: nothing lacks, and the flags are part of what a change of rules compares.
    grant_scopes(&h, &["channel:read:subscriptions", "user:read:chat"]).await;
    let granted = types().await;
    assert_eq!(lacks(&granted), (false, false), "{granted:?}");
    assert!(granted.types.contains(&SUBSCRIBE));
    h.stop().await;
}
