//! The browser entry point: hydrates the islands of the page the server rendered.
#![forbid(unsafe_code)]

// The islands (`#[island]` in `app`) are exported from here: linking `app` is what brings them in.
pub use app::hydrated;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::hydrated::page_ready_without_islands();
}
