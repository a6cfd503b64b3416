//! Live updates in the browser: a WebSocket on `/api/ws`. Every event bumps a counter, on which
//! `LiveRefresh` fetches the page's live regions again. The socket is opened again when it drops
//! (after 1 s, doubling up to 30 s, each wait varied by half so that the dashboards of a restarted
//! server do not all come back at once), and the `ready` of every socket after the first counts
//! as an event, as changes may have been missed meanwhile. A close with `1008` (the caller may no
//! longer watch the channel) is final.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// The first wait before opening the socket again, in milliseconds.
const FIRST_RETRY_MS: f64 = 1_000.0;
/// The longest wait.
const LAST_RETRY_MS: f64 = 30_000.0;
/// The server's close code for a caller who lost the right to watch.
const POLICY: u16 = 1008;

/// A counter that grows with every live event of the signed-in channel. On the server it never
/// changes; in the browser the socket opens once the page is hydrated, and closes with the page.
pub fn use_live_updates() -> ReadSignal<u32> {
    let (ticks, set_ticks) = signal(0_u32);
    Effect::new(move |_| {
        let live = Rc::new(Live {
            ticks: set_ticks,
            state: RefCell::new(State {
                socket: None,
                handlers: None,
                reconnected: false,
                retry_ms: FIRST_RETRY_MS,
                stopped: false,
            }),
        });
        Live::connect(&live);
        let live = send_wrapper::SendWrapper::new(live);
        on_cleanup(move || live.stop());
    });
    ticks
}

/// One message: `{"event": name, "data": …}`; only the name matters here.
#[derive(Deserialize)]
struct Message<'a> {
    event: &'a str,
}

struct Live {
    ticks: WriteSignal<u32>,
    state: RefCell<State>,
}

struct State {
    socket: Option<WebSocket>,
    /// The open socket's handlers, dropped with it.
    handlers: Option<Handlers>,
    /// The open socket is not the page's first: its `ready` may follow missed changes.
    reconnected: bool,
    retry_ms: f64,
    /// The page is gone: no more reconnects.
    stopped: bool,
}

type Handlers = (
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(CloseEvent)>,
);

impl Live {
    fn connect(live: &Rc<Self>) {
        let Some(url) = socket_url() else {
            return;
        };
        let Ok(socket) = WebSocket::new(&url) else {
            return;
        };
        let on_message = {
            let live = Rc::clone(live);
            Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                if let Some(text) = ev.data().as_string() {
                    live.heard(&text);
                }
            })
        };
        let on_close = {
            let live = Rc::clone(live);
            Closure::<dyn FnMut(CloseEvent)>::new(move |ev: CloseEvent| live.closed(ev.code()))
        };
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut state = live.state.borrow_mut();
        state.socket = Some(socket);
        state.handlers = Some((on_message, on_close));
    }

    fn heard(&self, text: &str) {
        let Ok(message) = serde_json::from_str::<Message<'_>>(text) else {
            return;
        };
        if message.event == "ready" {
            let mut state = self.state.borrow_mut();
            state.retry_ms = FIRST_RETRY_MS;
            // The first socket's `ready` only confirms what the page already shows.
            if !state.reconnected {
                return;
            }
        }
        self.ticks.update(|n| *n += 1);
    }

    fn closed(self: &Rc<Self>, code: u16) {
        let wait = {
            let mut state = self.state.borrow_mut();
            state.socket = None;
            if state.stopped || code == POLICY {
                return;
            }
            state.reconnected = true;
            let wait = state.retry_ms * (0.5 + js_sys::Math::random());
            state.retry_ms = (state.retry_ms * 2.0).min(LAST_RETRY_MS);
            wait
        };
        // The handlers of the closed socket are still running: they are dropped on the next
        // connect, from the timer.
        let live = Rc::clone(self);
        let again = Closure::once_into_js(move || {
            if !live.state.borrow().stopped {
                Live::connect(&live);
            }
        });
        if let Some(window) = web_sys::window() {
            #[allow(clippy::cast_possible_truncation)] // at most 45,000
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                wait as i32,
            );
        }
    }

    /// The page is going: close the socket for good.
    fn stop(&self) {
        let mut state = self.state.borrow_mut();
        state.stopped = true;
        if let Some(socket) = state.socket.take() {
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
        state.handlers = None;
    }
}

/// `ws://` or `wss://`, this page's host, `/api/ws`.
fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss:",
        _ => "ws:",
    };
    Some(format!("{scheme}//{}/api/ws", location.host().ok()?))
}
