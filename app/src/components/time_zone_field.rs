//! The settings form's time zone: an IANA name (checked by the server), which decides where the
//! analytics page's days begin and end. Until the streamer saves one, the field offers the
//! browser's zone (the zone this page is shown in) and UTC is in effect. Beside it, the channel's
//! language: what the app writes in the streamer's name (refund reasons in chat, Discord notices).

use leptos::prelude::*;

use super::fields::{CARD, INPUT};
use super::use_zone;

#[component]
pub fn TimeZoneField(
    zone: Option<String>,
    language: Option<crate::i18n::Lang>,
    legend: &'static str,
) -> AnyView {
    let text = &crate::i18n::use_texts().time_zone;
    let language = language.unwrap_or_default();
    let options = crate::i18n::Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <option value=lang.tag() selected=lang == language>
                    {lang.name()}
                </option>
            }
        })
        .collect_view();
    let saved = zone.is_some();
    let value = zone.unwrap_or_else(|| use_zone().name);
    view! {
        <fieldset class=CARD>
            <legend class=legend>{text.legend}</legend>
            <div class="clear-left space-y-2">
                <label class="flex flex-col gap-1 text-sm">
                    <span class="text-zinc-300">{text.label}</span>
                    <input
                        name="form[time_zone]"
                        id="time-zone"
                        class=INPUT
                        autocomplete="off"
                        spellcheck="false"
                        maxlength="64"
                        value=value
                        aria-describedby="time-zone-hint"
                    />
                </label>
                <p id="time-zone-hint" class="text-sm text-zinc-400">
                    {text.hint}
                    {(!saved)
                        .then(|| {
                            view! {
                                " "
                                {text.unset}
                            }
                        })}
                </p>
                <label class="flex flex-col gap-1 text-sm">
                    <span class="text-zinc-300">{text.language_label}</span>
                    <select
                        name="form[language]"
                        id="channel-language"
                        class=INPUT
                        aria-describedby="channel-language-hint"
                    >
                        {options}
                    </select>
                </label>
                <p id="channel-language-hint" class="text-sm text-zinc-400">
                    {text.language_hint}
                </p>
            </div>
        </fieldset>
    }
    .into_any()
}
