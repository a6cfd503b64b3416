//! The countdowns of a server-rendered page: every element with `data-expires-at` (a Unix time in
//! seconds) shows the time left until then, ticked once a second in the browser on the server's
//! clock. The elements are plain HTML (a live refresh may replace them); this island finds them
//! anew on every tick.

use leptos::prelude::*;

use crate::model::format_remaining;

/// The attribute a countdown's element carries.
pub const EXPIRES_AT: &str = "data-expires-at";

/// Ticks the page's countdowns. `now_ms` is the server's clock when it rendered the page: the
/// offset to the browser's clock is fixed at load. Renders nothing.
#[island(lazy)]
pub fn Countdowns(now_ms: i64) -> impl IntoView {
    crate::hydrated::island_ready();
    Effect::new(move |_| {
        let offset = now_ms - chrono::Utc::now().timestamp_millis();
        let handle = set_interval_with_handle(
            move || tick(chrono::Utc::now().timestamp_millis() + offset),
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
}

fn tick(now_ms: i64) {
    use wasm_bindgen::JsCast;
    let Ok(list) = document().query_selector_all(&format!("[{EXPIRES_AT}]")) else {
        return;
    };
    for i in 0..list.length() {
        let Some(element) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(at) = element
            .get_attribute(EXPIRES_AT)
            .and_then(|a| a.parse::<i64>().ok())
        else {
            continue;
        };
        let left = (at * 1000 - now_ms).max(0) / 1000;
        element.set_text_content(Some(&format_remaining(left.unsigned_abs())));
    }
}
