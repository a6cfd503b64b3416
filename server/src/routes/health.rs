use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct Health<'a> {
    /// `ok`, or `degraded` when a dependency does not answer.
    status: &'static str,
    version: &'a str,
    store: StoreHealth,
    /// How many channels' EventSub are in each state (`connected`, `reconnecting`, `failed`, …).
    eventsub: BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct StoreHealth {
    backend: &'static str,
    ok: bool,
}

/// `GET /api/health`: 200 when the process serves and its store answered the last probe (at most
/// [`super::health_probe::PROBE_EVERY`] old), else 503.
pub async fn health(State(state): State<super::AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let ctx = &state.ctx;
    let store_ok = state
        .health
        .store_ok(|| async {
            match ctx.store().ping().await {
                Ok(()) => true,
                Err(e) => {
                    tracing::error!(error = %e, "health check: store does not answer");
                    false
                }
            }
        })
        .await;
    let (code, status) = if store_ok {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "degraded")
    };
    let mut eventsub = BTreeMap::new();
    for (_, channel_state) in state.eventsub.states() {
        *eventsub.entry(channel_state.name()).or_default() += 1;
    }
    let body = Health {
        eventsub,
        status,
        version: ctx.version(),
        store: StoreHealth {
            backend: ctx.store().backend(),
            ok: store_ok,
        },
    };
    (code, Json(serde_json::json!(body)))
}
