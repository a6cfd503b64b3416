use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::set_http_status(404);
    view! {
        <Title text="Not found · VIP Manager" />
        <main class="mx-auto max-w-xl px-4 py-16 text-center">
            <h1 class="text-3xl font-bold">"Page not found"</h1>
            <p class="mt-4 text-zinc-400">"There is nothing at this address."</p>
            <a class="mt-8 inline-block text-violet-400 underline" href="/">
                "Back to the start page"
            </a>
        </main>
    }
}
