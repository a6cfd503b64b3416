use app::ssr::ServerContext;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct Health<'a> {
    status: &'static str,
    version: &'a str,
}

/// `GET /api/health`: the process is up and serving.
pub async fn health(State(ctx): State<ServerContext>) -> Json<serde_json::Value> {
    Json(serde_json::json!(Health {
        status: "ok",
        version: ctx.version(),
    }))
}
