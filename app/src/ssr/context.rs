use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;

use super::engine::Engine;
use super::live::LiveBus;
use super::twitch::TwitchApi;
use super::Store;
use crate::model::ServerStatus;

/// Everything a server function needs, cheap to clone.
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
    demo: bool,
    public_pages: super::public_pages::PublicPages,
}

impl ServerContext {
    /// `demo`: the server runs against its simulated Twitch (pages say so).
    pub fn new(version: impl Into<String>, engine: Arc<Engine>, demo: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                version: version.into(),
                started: Instant::now(),
                store: engine.store().clone(),
                twitch: engine.twitch().clone(),
                engine,
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
