use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::set_http_status(404);
    let t = &crate::i18n::use_texts().home;
    view! {
        <Title text=t.not_found_title />
        <main class="mx-auto max-w-xl px-4 py-16 text-center">
            <h1 class="text-3xl font-bold">{t.not_found_heading}</h1>
            <p class="mt-4 text-zinc-400">{t.not_found_text}</p>
            <a class="mt-8 inline-block text-violet-400 underline" href="/">
                {t.not_found_back}
            </a>
        </main>
    }
}
