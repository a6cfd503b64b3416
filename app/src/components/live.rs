//! Live updates in the browser: an `EventSource` on `/api/ws` (the browser reconnects on its own);
//! every event bumps a counter, on which `LiveRefresh` fetches the page's live regions again.

use leptos::prelude::*;

use crate::model::LiveKind;

/// A counter that grows with every live event of the signed-in channel. On the server it never
/// changes; in the browser the stream opens once the page is hydrated.
pub fn use_live_updates() -> ReadSignal<u32> {
    let (ticks, set_ticks) = signal(0_u32);
    Effect::new(move |_| {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let Ok(source) = web_sys::EventSource::new("/api/ws") else {
            return;
        };
        // The first `ready` only confirms what the page already shows.
        let mut first_ready = true;
        let on_event =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                if ev.type_() == "ready" && std::mem::take(&mut first_ready) {
                    return;
                }
                set_ticks.update(|n| *n += 1);
            });
        let names = ["ready", "resync"]
            .into_iter()
            .chain(LiveKind::ALL.into_iter().map(LiveKind::as_str));
        for kind in names {
            let _ =
                source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        on_event.forget();
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    });
    ticks
}
