//! Everything that talks to Twitch: OAuth and tokens, Helix, EventSub.

pub mod bot;
pub mod bot_validation;
pub mod helix;
pub mod oauth;
pub mod scopes;
pub mod tokens;
pub mod validation;

use std::sync::Arc;
use std::time::Duration;

use app::ssr::twitch::TwitchApi;
use app::ssr::Store;

use crate::config::TwitchConfig;
use crate::crypto::TokenCipher;

use self::helix::HelixClient;
use self::oauth::OAuthClient;
use self::tokens::TokenManager;

/// How long one request to Twitch may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept open to each Twitch host. Start-up subscribes every channel at once and
/// opens a connection per concurrent request; without a cap all of them stayed open (with their
/// buffers) for as long as any traffic kept the pool busy.
const IDLE_CONNECTIONS: usize = 32;

/// The Twitch clients the server runs with.
#[derive(Clone)]
pub struct Twitch {
    pub tokens: Arc<TokenManager>,
    pub api: Arc<dyn TwitchApi>,
    /// The HTTP client for Twitch (no redirects, a timeout), shared with EventSub.
    pub http: reqwest::Client,
}

/// Builds the OAuth client, token manager and Helix client from configuration.
///
/// # Errors
/// When no credentials are configured (demo mode fills them in first) or the HTTP client cannot
/// be built.
pub fn connect(
    config: &TwitchConfig,
    store: Arc<dyn Store>,
    cipher: TokenCipher,
) -> anyhow::Result<Twitch> {
    let credentials = config
        .credentials
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no Twitch credentials configured"))?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(IDLE_CONNECTIONS)
        .build()?;
    let client_id = credentials.client_id.clone();
    let oauth = OAuthClient::new(
        http.clone(),
        &config.auth_url,
        credentials,
        config.redirect_uri(),
    );
    let tokens = Arc::new(TokenManager::new(store, cipher, oauth));
    let api = Arc::new(HelixClient::new(
        http.clone(),
        &config.api_url,
        client_id,
        tokens.clone(),
    ));
    Ok(Twitch { tokens, api, http })
}
