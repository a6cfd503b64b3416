//! The account page's "Log out everywhere": a plain form that ends every login session of the
//! signed-in user, in every browser, this one included (`POST /api/auth/logout-everywhere`).

use leptos::prelude::*;

use super::CARD;

#[component]
pub fn LogOutEverywhere() -> impl IntoView {
    let t = &crate::i18n::use_texts().account;
    view! {
        <section class=CARD aria-labelledby="sessions-title">
            <h2 id="sessions-title" class="text-lg font-semibold">
                {t.sessions}
            </h2>
            <p class="mt-1 text-sm text-zinc-400">{t.sessions_text}</p>
            <form method="post" action="/api/auth/logout-everywhere" class="mt-3">
                <button
                    type="submit"
                    id="logout-everywhere"
                    class="rounded-md border border-zinc-700 px-3 py-1 text-sm hover:bg-zinc-800"
                >
                    {t.log_out_everywhere}
                </button>
            </form>
        </section>
    }
}
