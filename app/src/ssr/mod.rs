//! Server-only code: the context server functions run in, the ports (traits the server implements)
//! and the use cases that server functions, REST handlers and background tasks share.
//!
//! The ports, one module each, all reached through [`ServerContext`]:
//!
//! | port | module | implemented in the server by |
//! |---|---|---|
//! | [`Store`] (one trait per area: [`store::prelude`]) | [`store`] | SQLite and Firestore adapters |
//! | [`twitch::TwitchApi`] | [`twitch`] | the Helix client |
//! | [`events::EventSink`] | [`events`] | the engine itself, fed by EventSub |
//! | [`live::LiveBus`] | [`live`] | the live hub (one instance) or relay (several) |
//! | [`notify::Notifier`] | [`notify`] | Discord |
//! | [`account::AccountStatus`] | [`account`] | the EventSub supervisor |
//! | [`engine::Clock`] | [`engine`] | tokio's clock; tests drive their own |

pub mod account;
pub mod acting;
pub mod activity;
pub mod analytics;
pub mod api_tokens;
pub mod auth;
pub mod authorisation;
pub mod chat_status;
mod context;
pub mod cookies;
pub mod dashboard;
pub mod engine;
mod errors;
pub mod events;
pub mod first_steps;
mod http;
pub mod live;
pub mod moderators;
pub mod notify;
pub mod overlay;
pub mod page_reads;
pub mod public_pages;
pub mod refund_words;
pub mod reward_forms;
pub mod rewards;
pub mod roster;
pub mod settings;
pub mod store;
mod tokens;
pub mod twitch;
pub mod vip_forms;
pub mod vips;
pub mod zone;

pub use context::ServerContext;
pub use errors::{internal, OrInternal};
pub use store::{ActiveWith, ApiTokenRecord, SealedTokens, Store, StoreError, StoreResult};
pub use tokens::TwitchTokens;

use crate::error::AppError;

/// Provided while the app is rendered once at start, outside any request, to list its routes: the
/// server functions its pages call then find no server context, and that is no fault.
#[derive(Clone, Copy, Debug)]
pub struct ListingRoutes;

/// The server context provided to every server function and SSR render.
///
/// # Errors
/// [`AppError::Internal`] when it is missing: logged as an error (a wiring bug), except while the
/// routes are listed ([`ListingRoutes`]).
pub fn context() -> Result<ServerContext, AppError> {
    use leptos::prelude::use_context;
    use_context::<ServerContext>().ok_or_else(|| {
        if use_context::<ListingRoutes>().is_some() {
            tracing::debug!("no server context while the routes are listed");
        } else {
            tracing::error!("server context missing from the request");
        }
        AppError::Internal {
            reference: "no-context".into(),
        }
    })
}

/// A new unique, time-ordered id (UUID v7) for sessions and audit entries.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
