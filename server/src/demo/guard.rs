//! What keeps demo mode from hurting anyone who can reach it: the simulator's control API
//! (`/sim/…`: add users, make moderators, redeem, revoke) answers loopback callers only, and the
//! demo refuses a database that holds channels the simulated Twitch does not know (real ones).

use std::net::{IpAddr, SocketAddr};

use app::ssr::Store;
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use twitch_sim::Simulator;

/// Whether a request for `path` (inside the simulator's mount) from `peer` may be served.
pub fn allowed(path: &str, peer: Option<IpAddr>) -> bool {
    let control = path == "/sim" || path.starts_with("/sim/");
    !control || peer.is_some_and(|ip| ip.is_loopback())
}

/// Middleware on the mounted simulator: the control API is 404 to anyone but this machine.
pub async fn control_from_loopback(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if allowed(request.uri().path(), peer) {
        next.run(request).await
    } else {
        tracing::warn!(
            ?peer,
            "demo control API refused to a caller not on this machine"
        );
        StatusCode::NOT_FOUND.into_response()
    }
}

/// Refuses a store with a channel the fresh simulator does not know by that id and login.
///
/// # Errors
/// Naming the first such channel, or when the store cannot list channels.
pub async fn only_demo_channels(sim: &Simulator, store: &dyn Store) -> anyhow::Result<()> {
    for channel in store.channels().await? {
        let known = sim.with_world(|w| {
            w.resolve_user(channel.id.as_str())
                .is_some_and(|u| u.id == channel.id.as_str() && u.login == channel.login)
        });
        if !known {
            anyhow::bail!(
                "demo mode refuses this database: it holds the channel `{}`, which is not one of \
                 the demo's; point DATABASE_URL at a database of its own for the demo",
                channel.login
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn the_control_api_answers_loopback_callers_only() {
        let here = Some("127.0.0.1".parse().unwrap());
        let v6 = Some("::1".parse().unwrap());
        let there = Some("203.0.113.9".parse().unwrap());
        assert!(allowed("/sim/users", here) && allowed("/sim/users", v6));
        assert!(!allowed("/sim/users", there));
        assert!(!allowed("/sim", there));
        assert!(!allowed("/sim/channels/x/redeem", None));
        // What the browser needs in the demo (login) stays reachable.
        assert!(allowed("/oauth2/authorize", there));
        assert!(allowed("/simulated", there));
    }
}
