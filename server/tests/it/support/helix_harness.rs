//! A Twitch simulator on port 0 with the demo world, and a `HelixClient` acting as its streamer:
//! tokens issued by the simulator are sealed into a SQLite store in a temp dir and served by a real
//! `TokenManager` whose OAuth client points at the simulator's `/oauth2`. The simulator is served
//! behind a layer that counts the 429s it sends, so tests can tell "waited" from "was refused", and
//! behind its chaos layer, so tests can lose an answer after the request took effect.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::{self, Next};

use app::model::ChannelId;
use chrono::{Duration, Utc};
use secrecy::SecretString;
use server::config::TwitchCredentials;
use server::crypto::TokenCipher;
use server::store::SqliteStore;
use server::twitch::helix::HelixClient;
use server::twitch::oauth::{IssuedTokens, OAuthClient};
use server::twitch::scopes::REQUIRED_SCOPES;
use server::twitch::tokens::TokenManager;
use twitch_sim::chaos::Chaos;
use twitch_sim::{DemoSeed, Simulator};

/// The simulator with its demo world and a `HelixClient` acting as its streamer (see the module).
pub struct HelixHarness {
    pub sim: Simulator,
    pub demo: DemoSeed,
    pub client: Arc<HelixClient>,
    pub tokens: Arc<TokenManager>,
    /// The store holding the sealed tokens (and channels, for tests that need them).
    pub store: Arc<dyn app::ssr::Store>,
    /// The streamer's channel.
    pub channel: ChannelId,
    /// The streamer's current access token as first stored.
    pub access_token: String,
    /// Loses answers on demand ([`Chaos::lose_next_answer`]).
    pub chaos: Chaos,
    too_many: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

impl HelixHarness {
    pub async fn start() -> Self {
        let (sim, too_many, chaos) = serve_counting_429s().await;
        let demo = sim.seed_demo();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/tokens.db", dir.path().display());
        let store: Arc<dyn app::ssr::Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
        let cipher = TokenCipher::from_config(&TokenCipher::generate_key("t")).unwrap();
        let http = reqwest::Client::new();
        let oauth = OAuthClient::new(
            http.clone(),
            &sim.oauth_url(),
            TwitchCredentials {
                client_id: demo.client_id.clone(),
                client_secret: SecretString::from(demo.client_secret.clone()),
            },
            "http://localhost/auth/callback".into(),
        );
        let tokens = Arc::new(TokenManager::new(store.clone(), cipher, oauth));
        let client = Arc::new(HelixClient::new(
            http,
            &sim.helix_url(),
            demo.client_id.clone(),
            tokens.clone(),
        ));
        let channel = ChannelId(demo.streamer.id.clone());
        let mut env = Self {
            sim,
            demo,
            client,
            tokens,
            store,
            channel,
            access_token: String::new(),
            chaos,
            too_many,
            _dir: dir,
        };
        env.access_token = env.log_in("demo_streamer").await;
        env
    }

    /// Issues the app's scopes to `login` in the simulator and stores the tokens; returns the
    /// access token.
    pub async fn log_in(&self, login: &str) -> String {
        let scopes: Vec<&str> = REQUIRED_SCOPES.iter().map(|(s, _)| *s).collect();
        let issued = self
            .sim
            .issue_user_token(&self.demo.client_id, login, &scopes);
        let user_id = self.user_id(login);
        self.save(&user_id, &issued.access_token, &issued.refresh_token)
            .await;
        issued.access_token
    }

    pub async fn save(&self, user_id: &str, access: &str, refresh: &str) {
        let scopes = REQUIRED_SCOPES.iter().map(|(s, _)| s.to_string()).collect();
        self.tokens
            .save(
                user_id,
                &IssuedTokens {
                    access_token: SecretString::from(access.to_owned()),
                    refresh_token: SecretString::from(refresh.to_owned()),
                    scopes,
                    expires_at: Utc::now() + Duration::hours(4),
                },
            )
            .await
            .unwrap();
    }

    /// How many 429s the simulator has answered so far.
    pub fn too_many_requests(&self) -> usize {
        self.too_many.load(Ordering::SeqCst)
    }

    pub fn user_id(&self, login: &str) -> String {
        self.sim
            .with_world(|w| w.resolve_user(login).map(|u| u.id.clone()))
            .expect("known user")
    }

    pub fn viewer(&self, i: usize) -> String {
        self.demo.viewers[i].id.clone()
    }

    pub fn streamer(&self) -> &str {
        &self.demo.streamer.login
    }
}

async fn serve_counting_429s() -> (Simulator, Arc<AtomicUsize>, Chaos) {
    let sim = Simulator::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    sim.set_base_url(&format!("http://{}", listener.local_addr().unwrap()));
    let too_many = Arc::new(AtomicUsize::new(0));
    let counter = too_many.clone();
    let app = sim
        .router()
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let counter = counter.clone();
            async move {
                let response = next.run(req).await;
                if response.status().as_u16() == 429 {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                response
            }
        }));
    let chaos = Chaos::default();
    let app = chaos.wrap(&sim, app);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (sim, too_many, chaos)
}
