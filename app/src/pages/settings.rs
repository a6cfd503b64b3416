//! `/settings`: the channel's settings (one form), its channel-point rewards and the user's API
//! tokens.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    use_live_updates, ApiTokenActions, ApiTokensSection, PageError, RewardActions, RewardsSection,
    SettingsEditor,
};
use crate::server_fns::{get_settings, list_api_tokens, list_rewards, SaveSettings};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    let rewards = RewardActions::new();
    let live = use_live_updates();
    // The settings form reloads only after a save here, so a live event never wipes what is typed.
    let settings = Resource::new(move || save.version().get(), |_| get_settings());
    let reward_list = Resource::new(move || (rewards.version(), live.get()), |_| list_rewards());
    let tokens = ApiTokenActions::new();
    let token_list = Resource::new(move || tokens.version(), |_| list_api_tokens());
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
                                <SettingsEditor data action=save />
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <PageError error what=texts.errors.what_settings /> }.into_any()
                        }
                    }
                })}
            </Transition>
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
