//! Server-rendered regions kept current in the browser: on every live event of the signed-in
//! channel (`use_live_updates`), the page is asked for again and each region's content replaced
//! with its new render. The regions are plain HTML, so their code never reaches the browser; this
//! island is the only part of them that runs there. A region holds no island (one swapped in would
//! not hydrate); a region with the keyboard focus in it (a field being typed in) is left as it is
//! until the next event.

use leptos::prelude::*;

use super::use_live_updates;

/// Keeps the elements with the ids in `regions` as the server would render them now. Renders
/// nothing.
#[island(lazy)]
pub fn LiveRefresh(regions: Vec<String>) -> impl IntoView {
    crate::hydrated::island_ready();
    let live = use_live_updates();
    // Events that arrive while a fetch is under way are answered by one more fetch after it.
    let busy = RwSignal::new(false);
    let again = RwSignal::new(false);
    Effect::new(move |first: Option<()>| {
        live.track();
        if first.is_none() {
            return;
        }
        if busy.get_untracked() {
            again.set(true);
            return;
        }
        let regions = regions.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            loop {
                again.set(false);
                if let Err(e) = refresh(&regions).await {
                    leptos::logging::warn!("live refresh of {regions:?} failed: {e:?}");
                }
                if !again.get_untracked() {
                    break;
                }
            }
            busy.set(false);
        });
    });
}

/// Fetches the page's current address and copies the new render of each region into this page.
async fn refresh(regions: &[String]) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let window = window();
    let href = window.location().href()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()).into());
    }
    let html = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let page =
        web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    for region in regions {
        let fresh = page.get_element_by_id(region);
        let Some(shown) = document().get_element_by_id(region) else {
            continue;
        };
        let typing = document()
            .active_element()
            .is_some_and(|focused| shown.contains(Some(&focused)));
        if let (Some(fresh), false) = (fresh, typing) {
            shown.set_inner_html(&fresh.inner_html());
        }
    }
    Ok(())
}
