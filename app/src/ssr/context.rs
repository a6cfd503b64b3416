use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;

use super::account::AccountStatus;
use super::engine::Engine;
use super::live::LiveBus;
use super::twitch::TwitchApi;
use super::Store;
use crate::error::AppError;
use crate::model::ServerStatus;

/// The map of the ports: everything a server function, a page render, a REST handler, the login
/// routes and the live stream reach the store, Twitch, the engine and the server's own state
/// through. Cheap to clone.
#[derive(Clone)]
pub struct ServerContext {
    inner: Arc<Inner>,
}

struct Inner {
    version: String,
    started: Instant,
    store: Arc<dyn Store>,
    twitch: Arc<dyn TwitchApi>,
    engine: Arc<Engine>,
    account: Option<Arc<dyn AccountStatus>>,
    demo: bool,
    public_pages: super::public_pages::PublicPages,
}

impl ServerContext {
    /// `account`: the account page's view of the server (`None` where nothing reads it, as in
    /// use-case tests). `demo`: the server runs against its simulated Twitch (pages say so).
    pub fn new(
        version: impl Into<String>,
        engine: Arc<Engine>,
        account: Option<Arc<dyn AccountStatus>>,
        demo: bool,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                version: version.into(),
                started: Instant::now(),
                store: engine.store().clone(),
                twitch: engine.twitch().clone(),
                engine,
                account,
                demo,
                public_pages: super::public_pages::PublicPages::default(),
            }),
        }
    }

    pub fn version(&self) -> &str {
        &self.inner.version
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    pub fn is_demo(&self) -> bool {
        self.inner.demo
    }

    pub fn live(&self) -> &Arc<dyn LiveBus> {
        self.inner.engine.live()
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.inner.engine
    }

    /// What the public channel pages last read (see [`super::public_pages`]).
    pub fn public_pages(&self) -> &super::public_pages::PublicPages {
        &self.inner.public_pages
    }

    /// The server's view of a streamer's authorisation, for the account page and the scopes.
    ///
    /// # Errors
    /// [`AppError::Internal`] when the server was built without one (a wiring bug).
    pub fn account(&self) -> Result<&dyn AccountStatus, AppError> {
        self.inner.account.as_deref().ok_or_else(|| {
            tracing::error!("account status missing from the server context");
            AppError::Internal {
                reference: "no-account-status".into(),
            }
        })
    }

    pub fn twitch(&self) -> &Arc<dyn TwitchApi> {
        &self.inner.twitch
    }

    pub fn status(&self) -> ServerStatus {
        ServerStatus {
            version: self.inner.version.clone(),
            server_time: Utc::now(),
            uptime_secs: self.inner.started.elapsed().as_secs(),
            demo: self.inner.demo,
        }
    }
}
