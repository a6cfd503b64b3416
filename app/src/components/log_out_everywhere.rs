//! The account page's "Log out everywhere": a plain form that ends every login session of the
//! signed-in user, in every browser, this one included (`POST /api/auth/logout-everywhere`).

use leptos::prelude::*;

use super::CARD;

#[component]
pub fn LogOutEverywhere() -> impl IntoView {
    view! {
        <section class=CARD aria-labelledby="sessions-title">
            <h2 id="sessions-title" class="text-lg font-semibold">
                "Sessions"
            </h2>
            <p class="mt-1 text-sm text-zinc-400">
                "Signed in on a computer you no longer use? End every session of your account, in every browser, this one included."
            </p>
            <form method="post" action="/api/auth/logout-everywhere" class="mt-3">
                <button
                    type="submit"
                    id="logout-everywhere"
                    class="rounded-md border border-zinc-700 px-3 py-1 text-sm hover:bg-zinc-800"
                >
                    "Log out everywhere"
                </button>
            </form>
        </section>
    }
}
