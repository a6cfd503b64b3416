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
