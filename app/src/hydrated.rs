//! Whether the browser has finished hydrating the page: `data-hydrated` on `#app`.
//!
//! With lazily loaded routes, hydration waits for the page's WASM chunk while the rest of the app
//! is already live, so an effect in [`crate::App`] would report too early. The browser entry point
//! provides this flag and sets it once hydration, including the page, has finished.

use leptos::prelude::*;

/// `true` once the whole page has hydrated; never set on the server.
#[derive(Clone, Copy)]
pub struct Hydrated(pub RwSignal<bool>);

impl Hydrated {
    /// The flag given by the browser entry point, or one that stays `false` (on the server).
    pub fn from_context() -> RwSignal<bool> {
        use_context::<Self>().map_or_else(|| RwSignal::new(false), |h| h.0)
    }
}
