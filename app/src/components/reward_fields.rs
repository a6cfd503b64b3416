//! The fields of a reward form (`form[title]`, `form[cost]`, …), empty for a new reward or filled
//! with a stored one. Create and edit post the same fields.

use leptos::prelude::*;

use super::fields::{Checkbox, DurationFields, INPUT};
use crate::model::{GrantLength, Reward, VipDuration};

#[component]
fn NumberField(
    name: &'static str,
    id: String,
    label: &'static str,
    value: String,
    #[prop(optional)] placeholder: &'static str,
) -> AnyView {
    view! {
        <div class="flex flex-col justify-end gap-1 text-sm">
            <label for=id.clone() class="text-zinc-300">
                {label}
            </label>
            <input
                id=id
                name=name
                class=INPUT
                inputmode="numeric"
                value=value
                placeholder=placeholder
            />
        </div>
    }
    .into_any()
}

/// `prefix` makes the ids unique on the page (`new`, `edit-{reward id}`).
#[component]
pub fn RewardFields(reward: Option<Reward>, prefix: String) -> AnyView {
    let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let (title, cost, prompt, duration, cooldown, per_stream, per_user, enabled) = match reward {
        Some(r) => (
            r.title,
            r.cost.to_string(),
            r.prompt,
            r.duration,
            opt(r.global_cooldown_secs.map(|s| s.div_ceil(60))),
            opt(r.max_per_stream),
            opt(r.max_per_user_per_stream),
            r.enabled,
        ),
        None => (
            String::new(),
            String::new(),
            String::new(),
            VipDuration::from_secs(86_400)
                .expect("one day is valid")
                .into(),
            String::new(),
            String::new(),
            String::new(),
            true,
        ),
    };
    let id = |field: &str| format!("{prefix}-{field}");
    let t = &crate::i18n::use_texts().rewards;
    view! {
        <div class="flex flex-col gap-1 text-sm">
            <label for=id("title") class="text-zinc-300">
                {t.title}
            </label>
            <input
                id=id("title")
                name="form[title]"
                class=INPUT
                maxlength="45"
                required
                value=title
                placeholder=t.title_placeholder
            />
        </div>
        <div class="grid grid-cols-2 gap-3">
            <NumberField
                name="form[cost]"
                id=id("cost")
                label=t.cost
                value=cost
                placeholder="5000"
            />
            <NumberField
                name="form[cooldown_minutes]"
                id=id("cooldown")
                label=t.cooldown
                value=cooldown
                placeholder=t.none
            />
        </div>
        <DurationFields
            names=("form[amount]", "form[unit]")
            id=id("duration")
            label=t.vip_time
            value=duration.duration()
            stream_end=duration == GrantLength::StreamEnd
        />
        <div class="flex flex-col gap-1 text-sm">
            <label for=id("prompt") class="text-zinc-300">
                {t.prompt}
            </label>
            <textarea id=id("prompt") name="form[prompt]" rows="2" maxlength="200" class=INPUT>
                {prompt}
            </textarea>
        </div>
        <div class="grid grid-cols-2 gap-3">
            <NumberField
                name="form[max_per_stream]"
                id=id("per-stream")
                label=t.max_per_stream
                value=per_stream
                placeholder=t.no_limit
            />
            <NumberField
                name="form[max_per_user_per_stream]"
                id=id("per-user")
                label=t.max_per_viewer
                value=per_user
                placeholder=t.no_limit
            />
        </div>
        <Checkbox name="form[enabled]" id=id("enabled") label=t.reward_enabled checked=enabled />
    }
    .into_any()
}
