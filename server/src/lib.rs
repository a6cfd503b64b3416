//! The VIP manager's server: composition of adapters, routes and background work.

pub mod config;
mod connections;
pub mod crypto;
pub(crate) mod demo;
pub mod discord;
pub mod eventsub;
pub mod expiry;
pub(crate) mod live;
mod maintenance;
pub mod overlay;
pub mod reconcile;
mod revocation;
pub(crate) mod routes;
pub(crate) mod security;

/// The HTTP protections, for tests that put them in front of one route.
pub use security::Security;
pub mod shutdown;
pub mod store;
pub mod telemetry;
pub mod twitch;

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use app::ssr::engine::Engine;
use app::ssr::live::LiveBus;
use app::ssr::ServerContext;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{Config, EventSubTransport, TwitchConfig};
use crate::demo::Demo;
use crate::eventsub::inbox::{self, InboxProcessor, InboxSettings, Targets};
use crate::eventsub::supervisor::settings::SupervisorSettings;
use crate::eventsub::supervisor::{EventSubSupervisor, SupervisorDeps};
use crate::eventsub::webhook::WebhookState;
use crate::expiry::{CronEndpoint, ExpiryScheduler, TokioClock};
use crate::live::{LiveHub, LiveRelay, RelaySettings, StreamState};
use crate::store::Storage;
use crate::twitch::Twitch;

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
    tracing::info!(
        backend = storage.store.backend(),
        instance = storage.instance.id(),
        "store ready"
    );
    let (twitch_config, demo) = twitch_config(&config, &listener)?;
    if let Some(demo) = &demo {
        demo::only_demo_channels(&demo.sim, storage.store.as_ref()).await?;
    }
    let twitch = twitch::connect(
        &twitch_config,
        storage.store.clone(),
        storage.cipher.clone(),
    )?;
    let live = LiveHub::default();
    let live_bus = live_bus(&config, &storage, &live, &tasks, &cancel);
    let scheduler = ExpiryScheduler::new();
    let engine = engine(&config, &storage, &twitch, live_bus, &scheduler, &tasks)?;
    let sink: Arc<dyn app::ssr::events::EventSink> = Arc::new(revocation::EndSessionsOnRevoke {
        engine: engine.clone(),
        sessions: storage.sessions.clone(),
    });
    let (intake, inbox) = inbox::inbox(
        storage.store.clone(),
        InboxSettings::new(storage.instance.id()),
    );
    let mut eventsub_settings = SupervisorSettings::from_config(&twitch_config);
    eventsub_settings.instance_id = storage.instance.id().to_owned();
    let eventsub = EventSubSupervisor::new(
        eventsub_settings,
        SupervisorDeps {
            store: storage.store.clone(),
            sink: sink.clone(),
            intake: intake.clone(),
            tokens: twitch.tokens.clone(),
            http: twitch.http.clone(),
        },
        cancel.clone(),
        tasks.clone(),
    );
    let webhook = (twitch_config.eventsub_transport == EventSubTransport::Webhook)
        .then(|| twitch_config.webhook_secret.clone())
        .flatten()
        .map(|secret| {
            WebhookState::new(secret, storage.store.clone(), sink.clone(), intake)
                .with_supervisor(eventsub.clone())
        });
    let account =
        routes::account::SupervisorAccountStatus::new(twitch.tokens.clone(), eventsub.clone());
    let ctx = ServerContext::new(
        env!("CARGO_PKG_VERSION"),
        engine.clone(),
        Some(Arc::new(account)),
        demo.is_some(),
    );
    let app = routes::router(routes::Parts {
        state: routes::AppState::new(routes::Shared {
            leptos: config.leptos.clone(),
            ctx: ctx.clone(),
            auth: routes::auth::Auth {
                ctx: ctx.clone(),
                tokens: twitch.tokens.clone(),
                eventsub: eventsub.clone(),
                tasks: tasks.clone(),
                bot_secret: config.bot_connect_secret.clone(),
                sessions: storage.sessions.clone(),
            },
            eventsub: eventsub.clone(),
            cron: CronEndpoint::new(engine.clone(), config.cron_secret.clone()),
            live: StreamState {
                hub: live.clone(),
                ctx: ctx.clone(),
                cancel: cancel.clone(),
                sessions: storage.sessions.clone(),
                caps: crate::live::StreamCaps::new(config.live.streams),
                recheck_every: config.live.streams.recheck_every,
                trusted_proxy_hops: config.security.trusted_proxy_hops,
            },
            health: routes::HealthProbe::default(),
        }),
        sessions: storage.sessions.clone(),
        secure_cookies: twitch_config.secure_cookies(),
        request_timeout: config.request_timeout,
        demo: demo.clone(),
        webhook,
    });
    let app = security::Security::new(&config.security, &twitch_config).protect(app);
    let background = Background {
        engine,
        sink,
        scheduler,
        inbox,
        eventsub,
        settings_changes: live.settings_changes(),
        twitch,
        demo: demo.map(|demo| (demo, ctx)),
    };
    spawn_background(background, &config, storage, &tasks, &cancel);

    let trigger = cancel.clone();
    tokio::spawn(async move {
        shutdown.await;
        trigger.cancel();
    });
    serve(listener, app, &cancel).await?;
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

/// What the background tasks run on.
struct Background {
    engine: Arc<Engine>,
    /// The engine, ending login sessions on revoked authorisations ([`revocation`]).
    sink: Arc<dyn app::ssr::events::EventSink>,
    scheduler: ExpiryScheduler,
    inbox: InboxProcessor,
    eventsub: EventSubSupervisor,
    /// Every channel whose settings change (here or on another instance).
    settings_changes: tokio::sync::mpsc::UnboundedReceiver<app::model::ChannelId>,
    twitch: Twitch,
    demo: Option<(Demo, ServerContext)>,
}

/// Every background task of the server, one line each, all under one token and one tracker
/// (the live relay's, when it is on, start with the relay in [`live_bus`]; EventSub's per-channel
/// tasks start from the supervisor's; the SQLite store's writer and checkpoint threads start and
/// stop with the store itself, see `store::sqlite`).
fn spawn_background(
    b: Background,
    config: &Config,
    storage: Storage,
    tasks: &TaskTracker,
    cancel: &CancellationToken,
) {
    let (engine, store) = (&b.engine, &storage.store);
    let targets = Targets {
        sink: b.sink.clone(),
        supervisor: b.eventsub.clone(),
    };
    tasks.spawn(b.inbox.run(targets, cancel.clone()));
    tasks.spawn(b.scheduler.clone().run(engine.clone(), cancel.clone()));
    tasks.spawn(b.scheduler.run_warnings(engine.clone(), cancel.clone()));
    tasks.spawn(expiry::drain_waitlists(engine.clone(), cancel.clone()));
    tasks.spawn(reconcile::run(
        engine.clone(),
        b.eventsub.clone(),
        config.recovery.reconcile_every,
        cancel.clone(),
    ));
    tasks.spawn(twitch::validation::run(
        store.clone(),
        b.twitch.tokens.clone(),
        b.eventsub.clone(),
        config.recovery.validate_every,
        cancel.clone(),
    ));
    if let Some((demo, ctx)) = b.demo {
        tasks.spawn(demo.audience(ctx, config.demo_redeem_every, cancel.clone()));
    }
    tasks.spawn(maintenance::run(storage, cancel.clone()));
    tasks.spawn(b.eventsub.clone().follow_rules(
        b.settings_changes,
        config.recovery.rules_check_every,
        cancel.clone(),
    ));
    // Channels are watched once the server serves (in demo mode the simulated Twitch is part of it).
    tasks.spawn(start_eventsub(b.eventsub));
}

async fn start_eventsub(eventsub: EventSubSupervisor) {
    match eventsub.start().await {
        Ok(n) => tracing::info!(channels = n, "EventSub started"),
        Err(e) => tracing::error!(error = %e, "EventSub could not list the channels to watch"),
    }
}

/// The Twitch configuration as served: its URLs follow the listening address, and in demo mode
/// the bundled simulator fills in the credentials.
fn twitch_config(
    config: &Config,
    listener: &TcpListener,
) -> anyhow::Result<(TwitchConfig, Option<Demo>)> {
    let mut twitch_config = config.twitch.clone();
    twitch_config.follow_listen_addr(listener.local_addr()?);
    let demo = twitch_config
        .is_demo()
        .then(|| Demo::prepare(&mut twitch_config));
    Ok((twitch_config, demo))
}

/// Where live events go: this instance's dashboards, and with several instances on one store
/// every instance's (the relay, with its own tasks).
fn live_bus(
    config: &Config,
    storage: &Storage,
    live: &LiveHub,
    tasks: &TaskTracker,
    cancel: &CancellationToken,
) -> Arc<dyn LiveBus> {
    if !config.live.relay {
        return Arc::new(live.clone());
    }
    let settings = RelaySettings {
        instance_id: storage.instance.id().to_owned(),
        poll_every: config.live.poll_every,
    };
    tracing::info!(instance = %settings.instance_id, "live events relayed through the store");
    Arc::new(LiveRelay::start(
        live.clone(),
        storage.store.clone(),
        settings,
        tasks,
        cancel,
    ))
}

fn engine(
    config: &Config,
    storage: &Storage,
    twitch: &Twitch,
    live: Arc<dyn LiveBus>,
    scheduler: &ExpiryScheduler,
    tasks: &TaskTracker,
) -> anyhow::Result<Arc<Engine>> {
    let catch_up_min_age = chrono::Duration::from_std(config.recovery.catch_up_min_age)?;
    Ok(Arc::new(
        Engine::new(
            storage.store.clone(),
            twitch.api.clone(),
            live,
            Arc::new(TokioClock),
        )
        .with_deadline_hook(scheduler.hook())
        .with_catch_up_min_age(catch_up_min_age)
        .with_catch_up_attempts(config.recovery.catch_up_max_attempts)
        .with_notifier(Arc::new(discord::DiscordNotifier::new(tasks.clone()))),
    ))
}

/// Serves until `cancel` fires, then gives open connections [`SHUTDOWN_GRACE`].
async fn serve(
    listener: TcpListener,
    app: axum::Router,
    cancel: &CancellationToken,
) -> anyhow::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "listening");
    // The peer address keys the per-address rate limits.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(connections::accepting(listener), app)
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
    Ok(())
}
