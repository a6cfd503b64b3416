//! Whether the browser has finished hydrating the page: `data-hydrated` on `#app`.
//!
//! The page is rendered on the server; only its islands (`#[island]`, each a `<leptos-island>`
//! element) hydrate, each when its lazily loaded WASM chunk has arrived. Every island reports
//! itself with [`island_ready`], and the flag turns `true` when all the page's islands have (at
//! once on a page without islands: the browser entry calls [`page_ready_without_islands`]).

use leptos::prelude::*;

/// The attribute the browser sets on `#app`.
const ATTRIBUTE: &str = "data-hydrated";

/// Call first in every island: once the island has hydrated, it counts towards the page's flag.
pub fn island_ready() {
    Effect::new(|_| {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static READY: AtomicUsize = AtomicUsize::new(0);
        let ready = READY.fetch_add(1, Ordering::Relaxed) + 1;
        if ready >= islands_on_page() {
            set_flag();
        }
    });
}

/// Called by the browser entry after it has started hydration: a page without islands is
/// complete as the server rendered it.
pub fn page_ready_without_islands() {
    if islands_on_page() == 0 {
        set_flag();
    }
}

fn islands_on_page() -> usize {
    document()
        .query_selector_all("leptos-island")
        .map(|list| list.length() as usize)
        .unwrap_or_default()
}

fn set_flag() {
    if let Some(app) = document().get_element_by_id("app") {
        let _ = app.set_attribute(ATTRIBUTE, "true");
    }
}
