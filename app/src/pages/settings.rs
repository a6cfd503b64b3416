//! `/settings`: the channel's settings (one form), its channel-point rewards and the user's API
//! tokens.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    ApiTokenActions, ApiTokensSection, LiveRefresh, PageError, RewardActions, RewardsSection,
    SettingsEditor,
};
use crate::server_fns::{get_settings, list_api_tokens, list_rewards};

/// What live events refresh: the reward list (its forms are plain forms).
const REWARDS: &str = "settings-rewards";

/// Rendered on the server; in the browser, the settings form is an island and live events
/// refresh the reward list (`LiveRefresh`). The rewards, tokens and overlay forms post as plain
/// forms.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let rewards = RewardActions::new();
    let settings = Resource::new(|| (), |_| get_settings());
    let reward_list = Resource::new(|| (), |_| list_rewards());
    let tokens = ApiTokenActions::new();
    let token_list = Resource::new(|| (), |_| list_api_tokens());
    let texts = crate::i18n::use_texts();
    view! {
        <Title text=texts.settings.title />
        <main class="mx-auto max-w-5xl px-4 py-8">
            <Transition fallback=|| {
                view! { <p class="text-zinc-400">{texts.common.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(data) => {
                            view! {
                                <h1 class="mb-6 text-2xl font-bold">{texts.settings.heading}</h1>
                                <SettingsEditor data />
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <PageError error what=texts.errors.what_settings /> }.into_any()
                        }
                    }
                })}
            </Transition>
            <div id=REWARDS>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        reward_list
                            .await
                            .ok()
                            .map(|list| {
                                // Without a login the settings part already says so.
                                view! { <RewardsSection rewards=list actions=rewards /> }
                            })
                    })}
                </Transition>
            </div>
            <LiveRefresh regions=vec![REWARDS.to_owned()] />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    token_list
                        .await
                        .ok()
                        .map(|data| view! { <ApiTokensSection data actions=tokens /> })
                })}
            </Transition>
            <crate::components::OverlaySection />
        </main>
    }
}
