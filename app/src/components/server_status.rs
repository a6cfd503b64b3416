//! Shows what the server says about itself; a button asks again through a server function.

use leptos::prelude::*;

use crate::server_fns::get_server_status;

/// `hh:mm:ss` without chrono's formatting machinery (which would weigh on the WASM bundle).
fn clock(at: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

#[island(lazy)]
pub fn ServerStatusCard() -> impl IntoView {
    crate::hydrated::island_ready();
    let checks = RwSignal::new(1_u32);
    let status = Resource::new(move || checks.get(), |_| get_server_status());
    let texts = crate::i18n::use_texts();
    let t = &texts.home;

    view! {
        // Without JavaScript the button reloads the page, which asks the server again.
        <form
            method="get"
            action="/"
            class="rounded-xl border border-zinc-800 bg-zinc-900 p-5"
            aria-labelledby="status-title"
            on:submit=move |ev| {
                ev.prevent_default();
                checks.update(|n| *n += 1);
            }
        >
            <h2 id="status-title" class="text-lg font-semibold">
                {t.server_title}
            </h2>
            <Transition fallback=|| {
                view! { <p class="mt-2 text-zinc-400">{t.asking_server}</p> }
            }>
                <dl
                    id="server-status"
                    class="mt-2 grid grid-cols-2 gap-1 text-sm"
                    data-checks=move || checks.get()
                >
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(s) => {
                                view! {
                                    <dt class="text-zinc-400">{t.version}</dt>
                                    <dd id="server-version">{s.version}</dd>
                                    <dt class="text-zinc-400">{t.server_time}</dt>
                                    <dd>{clock(&s.server_time)}</dd>
                                    <dt class="text-zinc-400">{t.up_for}</dt>
                                    <dd>{(t.uptime)(s.uptime_secs)}</dd>
                                }
                                    .into_any()
                            }
                            Err(e) => {
                                view! {
                                    <dd class="col-span-2 text-red-400">
                                        {e.in_language(&texts.errors)}
                                    </dd>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </dl>
            </Transition>
            <button
                id="check-server"
                type="submit"
                class="mt-4 rounded-lg bg-violet-600 px-4 py-2 font-medium hover:bg-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-300"
            >
                {t.check_again}
            </button>
        </form>
    }
}
