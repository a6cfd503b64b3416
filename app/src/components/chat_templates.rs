//! The chat templates of the settings form, each with a preview. The preview is rendered by
//! [`render_chat`], the function the engine fills real chat messages with: on the server from the
//! saved text, and in the browser again whenever a template or the default VIP time is typed in
//! ([`ChatPreviews`], the form's only island).

use leptos::prelude::*;

use super::fields::INPUT;
use crate::model::{render_chat, ChatTemplates, VipDuration, MAX_CHAT_CHARS};

/// The templates' fields (their ids), as the previews name them (`data-preview`).
const FIELDS: [&str; 5] = [
    "chat-granted",
    "chat-extended",
    "chat-expired",
    "chat-refunded",
    "chat-warning",
];
/// The default VIP time's amount and unit fields.
const DURATION_FIELDS: (&str, &str) = ("default-amount", "default-amount-unit");

/// A template with the sample viewer and refund reason, in the served language.
fn preview(template: &str, duration: VipDuration) -> String {
    let t = &crate::i18n::use_texts().settings;
    render_chat(
        template,
        t.sample_viewer,
        Some(duration.into()),
        Some(t.sample_reason),
    )
}

#[component]
fn TemplateField(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    initial: String,
    duration: VipDuration,
) -> AnyView {
    let t = &crate::i18n::use_texts().settings;
    let shown = preview(&initial, duration);
    view! {
        <div class="flex flex-col gap-1 text-sm">
            <label for=id class="text-zinc-300">
                {label}
            </label>
            <textarea
                id=id
                name=name
                rows="2"
                maxlength=MAX_CHAT_CHARS.to_string()
                class=format!("{INPUT} resize-y")
                aria-describedby=format!("{id}-hint {id}-preview")
            >
                {initial}
            </textarea>
            <p id=format!("{id}-hint") class="text-xs text-zinc-400">
                {hint}
            </p>
            <p class="rounded-md bg-zinc-950 px-3 py-2 text-zinc-200" id=format!("{id}-preview")>
                <span class="mr-2 text-xs font-semibold uppercase tracking-wide text-violet-400">
                    {t.preview}
                </span>
                <span data-preview=id>{shown}</span>
            </p>
        </div>
    }
    .into_any()
}

/// Previews use the default VIP time: as saved, then as typed while it parses.
#[component]
pub fn ChatTemplateFields(templates: ChatTemplates, default_duration: VipDuration) -> AnyView {
    let ChatTemplates {
        granted,
        extended,
        expired,
        refunded,
        warning,
    } = templates;
    let t = &crate::i18n::use_texts().settings;
    view! {
        <p class="text-sm text-zinc-400">
            {t.placeholders} <code class="text-violet-300">"{viewer}"</code> ", "
            <code class="text-violet-300">"{duration}"</code> ", "
            <code class="text-violet-300">"{reason}"</code> {t.refunds_only}
        </p>
        <div class="grid gap-4 md:grid-cols-2">
            <TemplateField
                name="form[chat_granted]"
                id="chat-granted"
                label=t.tpl_granted
                hint=t.tpl_granted_hint
                initial=granted
                duration=default_duration
            />
            <TemplateField
                name="form[chat_extended]"
                id="chat-extended"
                label=t.tpl_extended
                hint=t.tpl_extended_hint
                initial=extended
                duration=default_duration
            />
            <TemplateField
                name="form[chat_expired]"
                id="chat-expired"
                label=t.tpl_expired
                hint=t.tpl_expired_hint
                initial=expired
                duration=default_duration
            />
            <TemplateField
                name="form[chat_refunded]"
                id="chat-refunded"
                label=t.tpl_refunded
                hint=t.tpl_refunded_hint
                initial=refunded
                duration=default_duration
            />
            <TemplateField
                name="form[chat_warning]"
                id="chat-warning"
                label=t.tpl_warning
                hint=t.tpl_warning_hint
                initial=warning
                duration=default_duration
            />
        </div>
        <ChatPreviews default_secs=default_duration.as_secs() />
    }
    .into_any()
}

/// Renders the previews again on every input in the form: the templates and the default VIP time
/// as typed (the saved time, `default_secs`, while the typed one does not parse). Renders nothing.
#[island(lazy)]
fn ChatPreviews(default_secs: u64) -> impl IntoView {
    crate::hydrated::island_ready();
    Effect::new(move |_| {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let on_input = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            refresh(default_secs)
        });
        for kind in ["input", "change"] {
            let _ = document()
                .add_event_listener_with_callback(kind, on_input.as_ref().unchecked_ref());
        }
        on_input.forget();
    });
}

/// The value of a form field by its id (empty when there is none).
fn field_value(id: &str) -> String {
    document()
        .get_element_by_id(id)
        .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn refresh(default_secs: u64) {
    let saved = VipDuration::from_secs(default_secs).ok();
    let typed = VipDuration::from_form(
        &field_value(DURATION_FIELDS.0),
        &field_value(DURATION_FIELDS.1),
    )
    .ok();
    let Some(duration) = typed.or(saved) else {
        return;
    };
    for id in FIELDS {
        let text = preview(&field_value(id), duration);
        if let Ok(Some(shown)) = document().query_selector(&format!("[data-preview=\"{id}\"]")) {
            shown.set_text_content(Some(&text));
        }
    }
}
