//! The four chat templates of the settings form, each with a preview. The preview is rendered by
//! [`render_chat`], the function the engine fills real chat messages with; in the browser it
//! follows what is typed (and the default VIP time), without JavaScript it shows the saved text.

use leptos::prelude::*;

use super::fields::INPUT;
use crate::model::{render_chat, ChatTemplates, VipDuration, MAX_CHAT_CHARS};

/// The sample viewer and refund reason the previews use.

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
    let t = &crate::i18n::use_texts().settings;
    let preview = move || {
        text.with(|template| {
            render_chat(
                template,
                t.sample_viewer,
                Some(duration.get().into()),
                Some(t.sample_reason),
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
            <p id=format!("{id}-hint") class="text-xs text-zinc-400">
                {hint}
            </p>
            <p class="rounded-md bg-zinc-950 px-3 py-2 text-zinc-200" id=format!("{id}-preview")>
                <span class="mr-2 text-xs font-semibold uppercase tracking-wide text-violet-400">
                    {t.preview}
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
                duration
            />
            <TemplateField
                name="form[chat_extended]"
                id="chat-extended"
                label=t.tpl_extended
                hint=t.tpl_extended_hint
                initial=extended
                duration
            />
            <TemplateField
                name="form[chat_expired]"
                id="chat-expired"
                label=t.tpl_expired
                hint=t.tpl_expired_hint
                initial=expired
                duration
            />
            <TemplateField
                name="form[chat_refunded]"
                id="chat-refunded"
                label=t.tpl_refunded
                hint=t.tpl_refunded_hint
                initial=refunded
                duration
            />
            <TemplateField
                name="form[chat_warning]"
                id="chat-warning"
                label=t.tpl_warning
                hint=t.tpl_warning_hint
                initial=warning
                duration
            />
        </div>
    }
    .into_any()
}
