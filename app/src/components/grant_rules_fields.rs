//! The settings form's VIP rules for subscriptions (and shared resubscriptions), gifted subs and
//! bits (cheers, Power-ups, Combos): each is off unless ticked, with its threshold and VIP time.

use leptos::prelude::*;

use super::fields::{Checkbox, DurationFields, CARD, INPUT};
use crate::model::{GrantLength, GrantRules, VipDuration};

/// The VIP time a rule that is off shows pre-filled.
fn default_time() -> Option<VipDuration> {
    VipDuration::from_secs(24 * 3_600).ok()
}

#[component]
fn Threshold(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    value: Option<u32>,
) -> AnyView {
    view! {
        <label class="flex flex-col gap-1 text-sm">
            <span class="text-zinc-300">{label}</span>
            <input
                id=id
                name=name
                class=format!("{INPUT} w-28")
                inputmode="numeric"
                value=value.unwrap_or(1).to_string()
            />
        </label>
    }
    .into_any()
}

#[component]
pub fn GrantRulesFields(rules: GrantRules, legend: &'static str) -> AnyView {
    let GrantRules {
        subscription,
        gift,
        bits,
    } = rules;
    let row = "flex flex-wrap items-end gap-4 border-t border-zinc-800 pt-4";
    view! {
        <fieldset class=CARD>
            <legend class=legend>"Subscriptions, gifts and bits"</legend>
            <div class="clear-left space-y-4">
                <Checkbox
                    name="form[sub_enabled]"
                    id="sub-enabled"
                    label="VIP for subscribing"
                    checked=subscription.is_some()
                    hint="New subscribers (not gift recipients) and subscribers who share a resub in chat become VIP."
                />
                <DurationFields
                    names=("form[sub_amount]", "form[sub_unit]")
                    id="sub-amount"
                    label="VIP time for a sub"
                    value=subscription.map_or_else(default_time, GrantLength::duration)
                    stream_end=subscription == Some(GrantLength::StreamEnd)
                />
                <div class=row>
                    <Checkbox
                        name="form[gift_enabled]"
                        id="gift-enabled"
                        label="VIP for gifting subs"
                        checked=gift.is_some()
                        hint="The gifter becomes VIP; anonymous gifts grant nobody."
                    />
                    <Threshold
                        name="form[gift_min]"
                        id="gift-min"
                        label="Gifted subs needed"
                        value=gift.map(|g| g.min_gifts)
                    />
                    <DurationFields
                        names=("form[gift_amount]", "form[gift_unit]")
                        id="gift-amount"
                        label="VIP time for gifts"
                        value=gift.map_or_else(default_time, |g| g.duration.duration())
                        stream_end=gift.is_some_and(|g| g.duration == GrantLength::StreamEnd)
                    />
                </div>
                <div class=row>
                    <Checkbox
                        name="form[bits_enabled]"
                        id="bits-enabled"
                        label="VIP for bits"
                        checked=bits.is_some()
                        hint="Counted per cheer, Power-up or Combo, each on its own; anonymous cheers grant nobody."
                    />
                    <Threshold
                        name="form[bits_min]"
                        id="bits-min"
                        label="Bits needed"
                        value=bits.map(|b| b.min_bits)
                    />
                    <DurationFields
                        names=("form[bits_amount]", "form[bits_unit]")
                        id="bits-amount"
                        label="VIP time for bits"
                        value=bits.map_or_else(default_time, |b| b.duration.duration())
                        stream_end=bits.is_some_and(|b| b.duration == GrantLength::StreamEnd)
                    />
                </div>
            </div>
        </fieldset>
    }
    .into_any()
}
