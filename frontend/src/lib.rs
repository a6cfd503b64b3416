//! The browser entry point: hydrates the page the server rendered.
#![forbid(unsafe_code)]

use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        // Lazy routes: hydration waits for the page's chunk, then the app reports it is live.
        let hydrated = app::hydrated::Hydrated(RwSignal::new(false));
        let root = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), move || {
            provide_context(hydrated);
            app::App()
        })
        .await;
        hydrated.0.set(true);
        root.forget();
    });
}
