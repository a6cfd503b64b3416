//! Channels, sealed tokens and rewards: plain records keyed by id.

use app::model::{
    Channel, ChannelId, Reward, Settings, SlotsFullPolicy, StackingRule, VipDuration,
};
use app::ssr::SealedTokens;

use super::channel_id;
use crate::store_contract::Backend;

fn channel(id: &str, login: &str) -> Channel {
    Channel {
        id: channel_id(id),
        login: login.to_owned(),
        display_name: login.to_uppercase(),
        profile_image_url: Some(format!("https://example.test/{id}.png")),
        settings: Settings::default(),
        needs_reauth: false,
    }
}

fn custom_settings() -> Settings {
    Settings {
        default_duration: VipDuration::from_secs(3_600).unwrap(),
        stacking: StackingRule::Reset,
        auto_remove: false,
        slots_full: SlotsFullPolicy::Waitlist,
        waitlist_max_wait: VipDuration::from_secs(600).unwrap(),
        chat_enabled: false,
        moderators_can_manage: true,
        moderators_read_log: true,
        public_page: true,
        discord_webhook_url: Some("https://discord.test/hook".into()),
        ..Settings::default()
    }
}

fn reward(id: &str, channel: &str, title: &str) -> Reward {
    Reward {
        id: id.to_owned(),
        channel_id: channel_id(channel),
        title: title.to_owned(),
        cost: 50_000,
        prompt: format!("VIP via {title}"),
        duration: VipDuration::from_secs(7_200).unwrap().into(),
        enabled: true,
        global_cooldown_secs: Some(30),
        max_per_stream: None,
        max_per_user_per_stream: Some(1),
    }
}

pub async fn channels_round_trip(b: Backend) {
    let mut c = channel("100", "streamer");
    b.store.save_channel(&c).await.unwrap();
    assert_eq!(b.store.channel(&c.id).await.unwrap(), Some(c.clone()));
    assert_eq!(b.store.channel(&channel_id("999")).await.unwrap(), None);

    // Saving again replaces every field.
    c.login = "renamed".into();
    c.display_name = "Renamed".into();
    c.profile_image_url = None;
    c.settings = custom_settings();
    c.needs_reauth = true;
    b.store.save_channel(&c).await.unwrap();
    assert_eq!(b.store.channel(&c.id).await.unwrap(), Some(c.clone()));
    assert_eq!(b.store.channels().await.unwrap(), vec![c]);
}

pub async fn a_renamed_users_old_channel_gives_its_login_to_the_new_owner(b: Backend) {
    let old = channel("100", "famous");
    b.store.save_channel(&old).await.unwrap();
    // Twitch passed the name on: another user signs in with it.
    let new = channel("200", "Famous");
    b.store.save_channel(&new).await.unwrap();
    let found = b.store.channel_by_login("famous").await.unwrap();
    assert_eq!(found.map(|c| c.id), Some(new.id.clone()));
    let stale = b.store.channel(&old.id).await.unwrap().unwrap();
    assert_eq!(stale.login, app::ssr::store::released_login(&old.id));
    assert_eq!(stale.settings, old.settings, "only the login changed");
    // The old user signs in again under their new name.
    let renamed = channel("100", "famous_too");
    b.store.save_channel(&renamed).await.unwrap();
    let found = b.store.channel_by_login("FAMOUS_TOO").await.unwrap();
    assert_eq!(found.map(|c| c.id), Some(old.id));
    assert_eq!(b.store.channels().await.unwrap().len(), 2);
}

pub async fn channel_by_login_ignores_case(b: Backend) {
    let c = channel("100", "StreamerOne");
    b.store.save_channel(&c).await.unwrap();
    b.store
        .save_channel(&channel("200", "other"))
        .await
        .unwrap();
    for login in ["StreamerOne", "streamerone", "STREAMERONE"] {
        assert_eq!(
            b.store.channel_by_login(login).await.unwrap(),
            Some(c.clone())
        );
    }
    assert_eq!(b.store.channel_by_login("streamer").await.unwrap(), None);
}

pub async fn channels_lists_every_channel(b: Backend) {
    assert!(b.store.channels().await.unwrap().is_empty());
    let saved = vec![
        channel("1", "one"),
        channel("2", "two"),
        channel("3", "three"),
    ];
    for c in saved.iter().rev() {
        b.store.save_channel(c).await.unwrap();
    }
    let mut listed = b.store.channels().await.unwrap();
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(listed, saved);
}

pub async fn update_settings_changes_only_settings(b: Backend) {
    let mut c = channel("100", "streamer");
    c.needs_reauth = true;
    b.store.save_channel(&c).await.unwrap();
    assert!(b
        .store
        .update_settings(&c.id, &custom_settings())
        .await
        .unwrap());
    c.settings = custom_settings();
    assert_eq!(b.store.channel(&c.id).await.unwrap(), Some(c));

    let unknown = ChannelId::from("999");
    assert!(!b
        .store
        .update_settings(&unknown, &custom_settings())
        .await
        .unwrap());
    assert_eq!(b.store.channel(&unknown).await.unwrap(), None);
}

pub async fn set_needs_reauth_changes_only_the_flag(b: Backend) {
    let mut c = channel("100", "streamer");
    c.settings = custom_settings();
    b.store.save_channel(&c).await.unwrap();
    assert!(b.store.set_needs_reauth(&c.id, true).await.unwrap());
    c.needs_reauth = true;
    assert_eq!(b.store.channel(&c.id).await.unwrap(), Some(c.clone()));
    assert!(b.store.set_needs_reauth(&c.id, false).await.unwrap());
    c.needs_reauth = false;
    assert_eq!(b.store.channel(&c.id).await.unwrap(), Some(c));

    let unknown = ChannelId::from("999");
    assert!(!b.store.set_needs_reauth(&unknown, true).await.unwrap());
    assert_eq!(b.store.channel(&unknown).await.unwrap(), None);
}

pub async fn tokens_round_trip_exact_bytes(b: Backend) {
    let first = SealedTokens {
        key_id: "key-1".into(),
        nonce: vec![0, 1, 2, 0xff, 0xfe, 0x80, 0, 11, 12, 13, 14, 15],
        // Not valid UTF-8, with NUL bytes and a lone continuation byte.
        ciphertext: vec![0xc3, 0x28, 0x00, 0xa0, 0xa1, 0xe2, 0x82, 0xff, 0x00, 0x9f],
    };
    assert_eq!(b.store.tokens("42").await.unwrap(), None);
    b.store.put_tokens("42", &first).await.unwrap();
    assert_eq!(b.store.tokens("42").await.unwrap(), Some(first.clone()));
    assert_eq!(b.store.tokens("43").await.unwrap(), None);

    let second = SealedTokens {
        key_id: "key-2".into(),
        nonce: (0..=255).collect(),
        ciphertext: (0..=255).rev().collect(),
    };
    b.store.put_tokens("42", &second).await.unwrap();
    assert_eq!(b.store.tokens("42").await.unwrap(), Some(second));

    b.store.delete_tokens("42").await.unwrap();
    assert_eq!(b.store.tokens("42").await.unwrap(), None);
    // Deleting what is not there is fine.
    b.store.delete_tokens("42").await.unwrap();
}

pub async fn rewards_round_trip(b: Backend) {
    let mut r = reward("r1", "100", "VIP for a day");
    assert_eq!(b.store.reward("r1").await.unwrap(), None);
    b.store.save_reward(&r).await.unwrap();
    assert_eq!(b.store.reward("r1").await.unwrap(), Some(r.clone()));

    r.title = "VIP for a week".into();
    r.cost = 1;
    r.prompt = String::new();
    r.duration = VipDuration::from_secs(VipDuration::MAX_SECS)
        .unwrap()
        .into();
    r.enabled = false;
    r.global_cooldown_secs = None;
    r.max_per_stream = Some(u32::MAX);
    r.max_per_user_per_stream = None;
    b.store.save_reward(&r).await.unwrap();
    assert_eq!(b.store.reward("r1").await.unwrap(), Some(r.clone()));

    // A reward whose VIP lasts until the stream ends.
    r.duration = app::model::GrantLength::StreamEnd;
    b.store.save_reward(&r).await.unwrap();
    assert_eq!(b.store.reward("r1").await.unwrap(), Some(r));
}

pub async fn rewards_are_per_channel_and_ordered_by_title(b: Backend) {
    let mine = [
        reward("r3", "100", "Charlie"),
        reward("r1", "100", "Alpha"),
        reward("r2", "100", "Bravo"),
    ];
    for r in &mine {
        b.store.save_reward(r).await.unwrap();
    }
    b.store
        .save_reward(&reward("x1", "200", "Aardvark"))
        .await
        .unwrap();

    let titles: Vec<String> = b
        .store
        .rewards(&channel_id("100"))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect();
    assert_eq!(titles, ["Alpha", "Bravo", "Charlie"]);
    assert_eq!(b.store.rewards(&channel_id("200")).await.unwrap().len(), 1);
    assert!(b
        .store
        .rewards(&channel_id("300"))
        .await
        .unwrap()
        .is_empty());
}

pub async fn delete_reward_reports_whether_it_existed(b: Backend) {
    b.store
        .save_reward(&reward("r1", "100", "A"))
        .await
        .unwrap();
    b.store
        .save_reward(&reward("r2", "100", "B"))
        .await
        .unwrap();
    assert!(b.store.delete_reward("r1").await.unwrap());
    assert!(!b.store.delete_reward("r1").await.unwrap());
    assert_eq!(b.store.reward("r1").await.unwrap(), None);
    assert!(b.store.reward("r2").await.unwrap().is_some());
}
