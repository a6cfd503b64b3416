//! The settings page's rewards: the channel-point rewards the app made, each with enable/disable,
//! delete and an edit form, and a form to create one. Every change is an ActionForm over the reward
//! use cases, so it works without JavaScript.

use leptos::prelude::*;

use super::fields::{outcome, ActionResult, CARD, PRIMARY, SECONDARY};
use super::reward_fields::RewardFields;
use crate::error::AppError;
use crate::i18n::keys::Rewards;
use crate::model::Reward;
use crate::server_fns::{CreateReward, DeleteReward, SetRewardEnabled, UpdateReward};

/// The reward forms' actions.
#[derive(Clone, Copy)]
pub struct RewardActions {
    pub create: ServerAction<CreateReward>,
    pub update: ServerAction<UpdateReward>,
    pub toggle: ServerAction<SetRewardEnabled>,
    pub delete: ServerAction<DeleteReward>,
}

impl RewardActions {
    pub fn new() -> Self {
        Self {
            create: ServerAction::new(),
            update: ServerAction::new(),
            toggle: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }
}

impl Default for RewardActions {
    fn default() -> Self {
        Self::new()
    }
}

type Outcome = Option<Result<String, String>>;

fn text<T>(value: Option<Result<T, AppError>>, ok: &str) -> Outcome {
    let t = &crate::i18n::use_texts().errors;
    value.map(|r| r.map(|_| ok.to_owned()).map_err(|e| e.in_language(t)))
}

/// `1234567` → `1,234,567`.
fn points(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn limits(t: &Rewards, r: &Reward) -> String {
    let mut parts = Vec::new();
    if let Some(s) = r.global_cooldown_secs {
        parts.push((t.cooldown_min)(s.div_ceil(60).into()));
    }
    if let Some(n) = r.max_per_stream {
        parts.push((t.per_stream)(n.into()));
    }
    if let Some(n) = r.max_per_user_per_stream {
        parts.push((t.per_viewer)(n.into()));
    }
    if parts.is_empty() {
        t.no_limits.into()
    } else {
        parts.join(" · ")
    }
}

#[component]
fn RewardRow(reward: Reward, actions: RewardActions) -> AnyView {
    let (toggle_id, delete_id, edit_id) = (reward.id.clone(), reward.id.clone(), reward.id.clone());
    let prefix = format!("edit-{}", reward.id);
    let title = reward.title.clone();
    let data_title = title.clone();
    let t = &crate::i18n::use_texts().rewards;
    let delete_label = (t.delete_label)(&title);
    let summary = (t.summary)(
        &points(reward.cost),
        &reward.duration.to_string(),
        &limits(t, &reward),
    );
    let enabled = reward.enabled;
    view! {
        <li class="space-y-2 px-4 py-3" data-reward=data_title>
            <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
                <p class="min-w-0 flex-1 font-medium break-words">{title}</p>
                <span
                    class="rounded-full px-2 py-0.5 text-xs font-medium"
                    class=(["bg-emerald-900", "text-emerald-200"], enabled)
                    class=(["bg-zinc-800", "text-zinc-300"], !enabled)
                >
                    {if enabled { t.enabled } else { t.disabled }}
                </span>
            </div>
            <p class="text-sm text-zinc-400">{summary}</p>
            <div class="flex flex-wrap items-start gap-2">
                <ActionForm action=actions.toggle>
                    <input type="hidden" name="reward_id" value=toggle_id />
                    <input type="hidden" name="enabled" value=(!enabled).to_string() />
                    <button type="submit" class=SECONDARY>
                        {if enabled { t.disable } else { t.enable }}
                    </button>
                </ActionForm>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="reward_id" value=delete_id />
                    <button
                        type="submit"
                        class=format!("{SECONDARY} text-red-300")
                        aria-label=delete_label
                    >
                        {t.delete}
                    </button>
                </ActionForm>
                <details class="w-full">
                    <summary class=format!(
                        "{SECONDARY} inline-block cursor-pointer list-none",
                    )>{t.edit}</summary>
                    <ActionForm action=actions.update attr:class="mt-3 space-y-3">
                        <input type="hidden" name="reward_id" value=edit_id />
                        <RewardFields reward=Some(reward) prefix />
                        <button type="submit" class=PRIMARY>
                            {t.save}
                        </button>
                    </ActionForm>
                </details>
            </div>
        </li>
    }
    .into_any()
}

#[component]
pub fn RewardsSection(rewards: Vec<Reward>, actions: RewardActions) -> AnyView {
    let t = &crate::i18n::use_texts().rewards;
    // The outcome of the last edit, toggle or delete. Without JavaScript only a failed one comes
    // back (in the URL the server redirected to); in the browser each completion replaces it.
    let last = RwSignal::new(
        text(actions.update.value().get_untracked(), "")
            .or_else(|| text(actions.toggle.value().get_untracked(), ""))
            .or_else(|| text(actions.delete.value().get_untracked(), "")),
    );
    Effect::watch(
        move || actions.update.value().get(),
        move |v, _, _| last.set(text(v.clone(), t.saved)),
        false,
    );
    Effect::watch(
        move || actions.toggle.value().get(),
        move |v, _, _| last.set(text(v.clone(), t.switched)),
        false,
    );
    Effect::watch(
        move || actions.delete.value().get(),
        move |v, _, _| last.set(text(v.clone(), t.deleted)),
        false,
    );
    let empty = rewards.is_empty();
    view! {
        <section aria-labelledby="rewards-title" class="mt-10">
            <h2 id="rewards-title" class="text-xl font-semibold">
                {t.heading}
            </h2>
            <p class="mt-1 text-sm text-zinc-400">{t.intro}</p>
            <div class="mt-4 grid gap-6 lg:grid-cols-[3fr_2fr]">
                <div>
                    {if empty {
                        view! {
                            <p
                                id="no-rewards"
                                class="rounded-xl border border-dashed border-zinc-700 p-6 text-center text-zinc-400"
                            >
                                {t.none_yet}
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ul
                                id="reward-list"
                                class="divide-y divide-zinc-800 rounded-xl border border-zinc-800 bg-zinc-900"
                            >
                                {rewards
                                    .into_iter()
                                    .map(|reward| view! { <RewardRow reward actions /> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }} <ActionResult outcome=last id="reward-result" />
                </div>
                <section class=CARD aria-labelledby="new-reward-title">
                    <h3 id="new-reward-title" class="text-lg font-semibold">
                        {t.new_reward}
                    </h3>
                    <ActionForm
                        action=actions.create
                        attr:id="reward-create"
                        attr:class="mt-3 space-y-3"
                    >
                        <RewardFields reward=None prefix="new".to_owned() />
                        <button type="submit" class=PRIMARY>
                            {t.create}
                        </button>
                    </ActionForm>
                    <ActionResult
                        outcome=outcome(move || actions.create.value().get(), t.created)
                        id="reward-create-result"
                    />
                </section>
            </div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::points;

    #[test]
    fn points_are_grouped_by_thousands() {
        assert_eq!(points(5), "5");
        assert_eq!(points(5_000), "5,000");
        assert_eq!(points(1_234_567), "1,234,567");
    }
}
