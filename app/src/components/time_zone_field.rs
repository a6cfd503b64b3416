//! The settings form's time zone: an IANA name (checked by the server), which decides where the
//! analytics page's days begin and end. Until the streamer saves one, the field offers the
//! browser's zone (the zone this page is shown in) and UTC is in effect.

use leptos::prelude::*;

use super::fields::{CARD, INPUT};
use super::use_zone;

struct Text {
    legend: &'static str,
    label: &'static str,
    hint: &'static str,
    unset: &'static str,
}

const TEXT: Text = Text {
    legend: "Time zone",
    label: "Your time zone (IANA name, e.g. Europe/Berlin)",
    hint: "Analytics days run from midnight to midnight in this zone. Pages show times in each viewer's own zone.",
    unset: "Not saved yet: analytics days are UTC days until you save. Offered: the zone of this browser.",
};

#[component]
pub fn TimeZoneField(zone: Option<String>, legend: &'static str) -> AnyView {
    let saved = zone.is_some();
    let value = zone.unwrap_or_else(|| use_zone().name);
    view! {
        <fieldset class=CARD>
            <legend class=legend>{TEXT.legend}</legend>
            <div class="clear-left space-y-2">
                <label class="flex flex-col gap-1 text-sm">
                    <span class="text-zinc-300">{TEXT.label}</span>
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
                    {TEXT.hint}
                    {(!saved)
                        .then(|| {
                            view! {
                                " "
                                {TEXT.unset}
                            }
                        })}
                </p>
            </div>
        </fieldset>
    }
    .into_any()
}
