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
    let t = &crate::i18n::use_texts().rewards;
    let row = "flex flex-wrap items-end gap-4 border-t border-zinc-800 pt-4";
    view! {
        <fieldset class=CARD>
            <legend class=legend>{t.rules_legend}</legend>
            <div class="clear-left space-y-4">
                <Checkbox
                    name="form[sub_enabled]"
                    id="sub-enabled"
                    label=t.rule_sub
                    checked=subscription.is_some()
                    hint=t.rule_sub_hint
                />
                <DurationFields
                    names=("form[sub_amount]", "form[sub_unit]")
                    id="sub-amount"
                    label=t.rule_sub_time
                    value=subscription.map_or_else(default_time, GrantLength::duration)
                    stream_end=subscription == Some(GrantLength::StreamEnd)
                />
                <div class=row>
                    <Checkbox
                        name="form[gift_enabled]"
                        id="gift-enabled"
                        label=t.rule_gift
                        checked=gift.is_some()
                        hint=t.rule_gift_hint
                    />
                    <Threshold
                        name="form[gift_min]"
                        id="gift-min"
                        label=t.rule_gift_count
                        value=gift.map(|g| g.min_gifts)
                    />
                    <DurationFields
                        names=("form[gift_amount]", "form[gift_unit]")
                        id="gift-amount"
                        label=t.rule_gift_time
                        value=gift.map_or_else(default_time, |g| g.duration.duration())
                        stream_end=gift.is_some_and(|g| g.duration == GrantLength::StreamEnd)
                    />
                </div>
                <div class=row>
                    <Checkbox
                        name="form[bits_enabled]"
                        id="bits-enabled"
                        label=t.rule_bits
                        checked=bits.is_some()
                        hint=t.rule_bits_hint
                    />
                    <Threshold
                        name="form[bits_min]"
                        id="bits-min"
                        label=t.rule_bits_count
                        value=bits.map(|b| b.min_bits)
                    />
                    <DurationFields
                        names=("form[bits_amount]", "form[bits_unit]")
                        id="bits-amount"
                        label=t.rule_bits_time
                        value=bits.map_or_else(default_time, |b| b.duration.duration())
                        stream_end=bits.is_some_and(|b| b.duration == GrantLength::StreamEnd)
                    />
                </div>
            </div>
        </fieldset>
    }
    .into_any()
}
