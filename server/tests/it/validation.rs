//! Hourly token validation against the simulator: live tokens pass, dead ones are refreshed, and a
//! channel whose token and refresh token are both dead is flagged "needs re-authorisation" once,
//! with an audit entry.

use crate::support::helix_harness;

use app::model::{AuditAction, AuditQuery, Channel, Settings};
use helix_harness::HelixHarness;
use server::twitch::validation::validate_all;

async fn with_channel(env: &HelixHarness) {
    env.store
        .save_channel(&Channel {
            id: env.channel.clone(),
            login: "demo_streamer".into(),
            display_name: "Demo_streamer".into(),
            profile_image_url: None,
            settings: Settings::default(),
            needs_reauth: false,
        })
        .await
        .unwrap();
}

async fn reauth_entries(env: &HelixHarness) -> usize {
    env.store
        .audit_page(
            &env.channel,
            &AuditQuery {
                action: Some(AuditAction::ReauthNeeded),
                viewer_id: None,
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap()
        .entries
        .len()
}

#[tokio::test]
async fn valid_and_refreshable_tokens_pass() {
    let env = HelixHarness::start().await;
    with_channel(&env).await;
    assert!(validate_all(env.store.as_ref(), &env.tokens)
        .await
        .is_empty());
    // An expired access token is refreshed, not reported.
    env.sim.expire_token(&env.access_token);
    assert!(validate_all(env.store.as_ref(), &env.tokens)
        .await
        .is_empty());
    let channel = env.store.channel(&env.channel).await.unwrap().unwrap();
    assert!(!channel.needs_reauth);
}

#[tokio::test]
async fn a_revoked_authorisation_flags_the_channel_once() {
    let env = HelixHarness::start().await;
    with_channel(&env).await;
    env.sim
        .revoke_authorization(&env.demo.client_id, "demo_streamer")
        .unwrap();
    let flagged = validate_all(env.store.as_ref(), &env.tokens).await;
    assert_eq!(flagged, vec![env.channel.clone()]);
    let channel = env.store.channel(&env.channel).await.unwrap().unwrap();
    assert!(channel.needs_reauth);
    assert_eq!(reauth_entries(&env).await, 1);
    // Flagged channels are not validated (nor flagged) again.
    assert!(validate_all(env.store.as_ref(), &env.tokens)
        .await
        .is_empty());
    assert_eq!(reauth_entries(&env).await, 1);
}

#[tokio::test]
async fn the_chat_bots_token_is_validated_and_refreshed_in_the_same_pass() {
    use server::twitch::bot::{BOT_SCOPES, BOT_TOKENS_KEY};
    use server::twitch::bot_validation::{validate_bot, BotToken};
    let env = HelixHarness::start().await;
    with_channel(&env).await;
    assert_eq!(validate_bot(&env.tokens).await, BotToken::NotConnected);
    let issued = env
        .sim
        .issue_user_token(&env.demo.client_id, "viewer_alice", &BOT_SCOPES);
    env.save(BOT_TOKENS_KEY, &issued.access_token, &issued.refresh_token)
        .await;
    // An expired bot token is refreshed by the hourly pass, like a channel's.
    env.sim.expire_token(&issued.access_token);
    assert!(validate_all(env.store.as_ref(), &env.tokens)
        .await
        .is_empty());
    let stored = env.tokens.get(BOT_TOKENS_KEY).await.unwrap();
    assert_ne!(
        secrecy::ExposeSecret::expose_secret(&stored.access_token),
        issued.access_token.as_str()
    );
    // A bot whose authorisation is gone is reported dead; the channel is not flagged for it.
    env.sim
        .revoke_authorization(&env.demo.client_id, "viewer_alice")
        .unwrap();
    assert!(matches!(validate_bot(&env.tokens).await, BotToken::Dead(_)));
    assert!(validate_all(env.store.as_ref(), &env.tokens)
        .await
        .is_empty());
}
