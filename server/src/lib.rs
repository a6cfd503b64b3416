//! The VIP manager's server: composition of adapters, routes and background work.
#![forbid(unsafe_code)]

pub mod config;
pub mod crypto;
pub mod demo;
pub mod discord;
pub mod eventsub;
pub mod expiry;
pub mod live;
mod maintenance;
pub mod reconcile;
pub mod routes;
pub mod security;
pub mod shutdown;
pub mod store;
pub mod telemetry;
pub mod twitch;

use std::future::{Future, IntoFuture};
use std::time::Duration;

use app::ssr::ServerContext;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use std::sync::Arc;

use app::ssr::engine::Engine;
use app::ssr::live::LiveBus;

use crate::config::{Config, EventSubTransport};
use crate::demo::Demo;
use crate::eventsub::settings::SupervisorSettings;
use crate::eventsub::supervisor::{EventSubSupervisor, SupervisorDeps};
use crate::eventsub::webhook::WebhookState;
use crate::expiry::{CronEndpoint, ExpiryScheduler, TokioClock};
use crate::live::{LiveHub, LiveRelay, RelaySettings, SseState};

/// How long open connections and background tasks get to finish after shutdown begins.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(7);

/// Serves on `listener` until `shutdown` resolves, then stops background work and open streams,
/// waiting at most [`SHUTDOWN_GRACE`].
///
/// # Errors
/// When the server cannot start or fails while serving.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let tasks = TaskTracker::new();
    let storage = store::open(&config).await?;
    tracing::info!(backend = storage.store.backend(), "store ready");

    let mut twitch_config = config.twitch.clone();
    twitch_config.follow_listen_addr(listener.local_addr()?);
    let demo = twitch_config
        .is_demo()
        .then(|| Demo::prepare(&mut twitch_config));
    let twitch = twitch::connect(
        &twitch_config,
        storage.store.clone(),
        storage.cipher.clone(),
    )?;

    let mut eventsub_settings = SupervisorSettings::from_config(&twitch_config);
    if let Some(id) = &config.recovery.instance_id {
        eventsub_settings.instance_id = id.clone();
    }
    let live = LiveHub::default();
    // With several instances on one store, events published on one reach every instance's dashboards.
    let live_bus: Arc<dyn LiveBus> = if config.live.relay {
        let settings = RelaySettings {
            instance_id: eventsub_settings.instance_id.clone(),
            poll_every: config.live.poll_every,
        };
        tracing::info!(instance = %settings.instance_id, "live events relayed through the store");
        Arc::new(LiveRelay::start(
            live.clone(),
            storage.store.clone(),
            settings,
            &tasks,
            &cancel,
        ))
    } else {
        Arc::new(live.clone())
    };
    let scheduler = ExpiryScheduler::new();
    let engine = Arc::new(
        Engine::new(
            storage.store.clone(),
            twitch.api.clone(),
            live_bus,
            Arc::new(TokioClock),
        )
        .with_deadline_hook(scheduler.hook())
        .with_catch_up_min_age(chrono::Duration::from_std(
            config.recovery.catch_up_min_age,
        )?)
        .with_catch_up_attempts(config.recovery.catch_up_max_attempts)
        .with_notifier(Arc::new(discord::DiscordNotifier::new(tasks.clone()))),
    );
    tasks.spawn(scheduler.run(engine.clone(), cancel.clone()));
    tasks.spawn(expiry::drain_waitlists(engine.clone(), cancel.clone()));

    let eventsub = EventSubSupervisor::new(
        eventsub_settings,
        SupervisorDeps {
            store: storage.store.clone(),
            sink: engine.clone(),
            tokens: twitch.tokens.clone(),
            http: twitch.http.clone(),
        },
        cancel.clone(),
        tasks.clone(),
    );
    tasks.spawn(reconcile::run(
        engine.clone(),
        eventsub.clone(),
        config.recovery.reconcile_every,
        cancel.clone(),
    ));
    let webhook = twitch_config
        .webhook_secret
        .clone()
        .filter(|_| twitch_config.eventsub_transport == EventSubTransport::Webhook)
        .map(|secret| {
            WebhookState::new(secret, storage.store.clone(), engine.clone())
                .with_supervisor(eventsub.clone())
        });

    let ctx = ServerContext::new(env!("CARGO_PKG_VERSION"), engine.clone(), demo.is_some());
    if let Some(demo) = demo.clone() {
        tasks.spawn(demo.audience(ctx.clone(), config.demo_redeem_every, cancel.clone()));
    }
    let app = routes::router(routes::Parts {
        state: routes::AppState {
            leptos: config.leptos.clone(),
            ctx,
            auth: routes::auth::Auth {
                store: storage.store.clone(),
                tokens: twitch.tokens.clone(),
                twitch: twitch.api.clone(),
                eventsub: eventsub.clone(),
                engine: engine.clone(),
            },
            eventsub: eventsub.clone(),
            cron: CronEndpoint::new(engine.clone(), config.cron_secret.clone()),
            live: SseState {
                hub: live.clone(),
                store: storage.store.clone(),
                twitch: twitch.api.clone(),
                cancel: cancel.clone(),
            },
        },
        sessions: storage.sessions.clone(),
        secure_cookies: twitch_config.secure_cookies(),
        demo,
        webhook,
    });
    let app = security::Security::new(&config.security, &twitch_config).protect(app);
    tasks.spawn(maintenance::run(storage, cancel.clone()));

    let trigger = cancel.clone();
    tokio::spawn(async move {
        shutdown.await;
        trigger.cancel();
    });

    // Channels are watched once the server serves (in demo mode the simulated Twitch is part of it).
    tasks.spawn(async move {
        match eventsub.start().await {
            Ok(n) => tracing::info!(channels = n, "EventSub started"),
            Err(e) => tracing::error!(error = %e, "EventSub could not list the channels to watch"),
        }
    });
    tracing::info!(addr = %listener.local_addr()?, "listening");
    // The peer address keys the per-address rate limits.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(cancel.clone().cancelled_owned())
        .into_future();
    let deadline = async {
        cancel.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::warn!("connections still open after the grace period; closing them"),
    }
    tasks.close();
    if tokio::time::timeout(Duration::from_secs(1), tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("background tasks did not stop in time");
    }
    tracing::info!("stopped");
    Ok(())
}
