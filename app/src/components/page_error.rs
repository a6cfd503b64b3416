//! The one error path of pages: [`PageError`] is what a page shows when it cannot show itself, and
//! [`set_http_status`] is how any page sets the HTTP status of its server render.

use leptos::prelude::*;

use crate::error::AppError;

/// Sets the HTTP status of the page being rendered on the server. In the browser there is no
/// response to set, and it does nothing.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = code.try_into() {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// What a page shows instead of itself, with the error's HTTP status: a login prompt (401), or
/// the page's heading and controls (`children`, when given) above the error.
#[component]
pub fn PageError(
    error: AppError,
    /// What the page shows once logged in, in the served language: "Log in to see {what}".
    what: &'static str,
    /// What the login prompt says the page is for.
    #[prop(optional)]
    pitch: Option<&'static str>,
    /// The page's heading and controls, shown above the error.
    #[prop(optional)]
    children: Option<Children>,
) -> AnyView {
    set_http_status(error.status());
    let t = &crate::i18n::use_texts().errors;
    match (error, children) {
        (AppError::Unauthorized, _) => {
            let pitch = pitch.unwrap_or(t.streamer_only);
            view! {
                <section class="mx-auto max-w-md py-16 text-center">
                    <h1 class="text-2xl font-bold">{(t.log_in_to_see)(what)}</h1>
                    <p class="mt-3 text-zinc-400">{pitch}</p>
                    <super::LoginButton class="mt-6" />
                </section>
            }
            .into_any()
        }
        (e, Some(children)) => view! {
            {children()}
            <p class="mt-4 text-red-400" role="alert">
                {e.in_language(t)}
            </p>
        }
        .into_any(),
        (e, None) => view! {
            <p class="text-red-400" role="alert">
                {e.in_language(t)}
            </p>
        }
        .into_any(),
    }
}
