//! The four chat templates of the settings form, each with a preview. The preview is rendered by
//! [`render_chat`], the function the engine fills real chat messages with; in the browser it
//! follows what is typed (and the default VIP time), without JavaScript it shows the saved text.

use leptos::prelude::*;

use super::fields::INPUT;
use crate::model::{render_chat, ChatTemplates, VipDuration, MAX_CHAT_CHARS};

/// The sample viewer and refund reason the previews use.
const SAMPLE_VIEWER: &str = "CoolViewer42";
const SAMPLE_REASON: &str = "all VIP slots are taken";

#[component]
fn TemplateField(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    initial: String,
    duration: Signal<VipDuration>,
) -> AnyView {
    let text = RwSignal::new(initial.clone());
    let preview = move || {
        text.with(|t| {
            render_chat(
                t,
                SAMPLE_VIEWER,
                Some(duration.get().into()),
                Some(SAMPLE_REASON),
            )
        })
    };
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
                on:input:target=move |ev| text.set(ev.target().value())
            >
                {initial}
            </textarea>
            <p id=format!("{id}-hint") class="text-xs text-zinc-500">
                {hint}
            </p>
            <p class="rounded-md bg-zinc-950 px-3 py-2 text-zinc-200" id=format!("{id}-preview")>
                <span class="mr-2 text-xs font-semibold uppercase tracking-wide text-violet-400">
                    "Preview"
                </span>
                <span data-preview=id>{preview}</span>
            </p>
        </div>
    }
    .into_any()
}

/// `typed_duration` is the default VIP time as typed (amount, unit); until it is typed in, or while
/// it does not parse, previews use `default_duration`.
#[component]
pub fn ChatTemplateFields(
    templates: ChatTemplates,
    default_duration: VipDuration,
    typed_duration: ReadSignal<(String, String)>,
) -> AnyView {
    let duration = Signal::derive(move || {
        typed_duration
            .with(|(amount, unit)| VipDuration::from_form(amount, unit).unwrap_or(default_duration))
    });
    let ChatTemplates {
        granted,
        extended,
        expired,
        refunded,
        warning,
    } = templates;
    view! {
        <p class="text-sm text-zinc-400">
            "Placeholders: " <code class="text-violet-300">"{viewer}"</code> ", "
            <code class="text-violet-300">"{duration}"</code> ", "
            <code class="text-violet-300">"{reason}"</code> " (refunds only)."
        </p>
        <div class="grid gap-4 md:grid-cols-2">
            <TemplateField
                name="form[chat_granted]"
                id="chat-granted"
                label="VIP granted"
                hint="When a viewer becomes VIP."
                initial=granted
                duration
            />
            <TemplateField
                name="form[chat_extended]"
                id="chat-extended"
                label="VIP extended"
                hint="When a VIP gets more time."
                initial=extended
                duration
            />
            <TemplateField
                name="form[chat_expired]"
                id="chat-expired"
                label="VIP time is up"
                hint="When the app removes VIP."
                initial=expired
                duration
            />
            <TemplateField
                name="form[chat_refunded]"
                id="chat-refunded"
                label="Refunded"
                hint="When a redemption could not be granted."
                initial=refunded
                duration
            />
            <TemplateField
                name="form[chat_warning]"
                id="chat-warning"
                label="VIP ends soon"
                hint="An expiry warning, at each lead time below; {duration} is the time left."
                initial=warning
                duration
            />
        </div>
    }
    .into_any()
}
