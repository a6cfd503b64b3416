//! The settings page's API tokens: the signed-in user's tokens (name, prefix, when created and last
//! used) with a revoke button each, a form to create one, and the new token in a read-only field,
//! shown once. Both forms are ActionForms, so they work without JavaScript.

use leptos::prelude::*;

use super::fields::{outcome, ActionResult, CARD, INPUT, PRIMARY, SECONDARY};
use super::local_time;
use crate::i18n::use_texts;
use crate::model::{ApiTokenInfo, NewApiToken, MAX_API_TOKENS};
use crate::server_fns::{ApiTokensData, CreateApiToken, RevokeApiToken};

/// The token forms' actions.
#[derive(Clone, Copy)]
pub struct ApiTokenActions {
    pub create: ServerAction<CreateApiToken>,
    pub revoke: ServerAction<RevokeApiToken>,
}

impl ApiTokenActions {
    pub fn new() -> Self {
        Self {
            create: ServerAction::new(),
            revoke: ServerAction::new(),
        }
    }
}

impl Default for ApiTokenActions {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
fn NewToken(new: NewApiToken) -> AnyView {
    let label = (use_texts().rewards.token_new)(&new.info.name);
    view! {
        <div
            id="new-api-token"
            role="status"
            class="mt-4 rounded-xl border border-emerald-700 bg-emerald-950 p-4"
        >
            <label for="new-api-token-value" class="block text-sm font-medium text-emerald-200">
                {label}
            </label>
            <input
                id="new-api-token-value"
                readonly
                value=new.token
                class=format!("{INPUT} mt-2 font-mono text-sm")
                on:focus:target=|ev| ev.target().select()
            />
        </div>
    }
    .into_any()
}

#[component]
fn TokenRow(token: ApiTokenInfo, revoke: ServerAction<RevokeApiToken>) -> AnyView {
    let t = &use_texts().rewards;
    let used = token.last_used_at.map_or_else(
        || t.token_never_used.to_owned(),
        |at| (t.token_last_used)(&local_time(at)),
    );
    let details = (t.token_row)(&token.prefix, &local_time(token.created_at), &used);
    let label = (t.token_revoke_label)(&token.name);
    view! {
        <li
            class="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3"
            data-api-token=token.prefix
        >
            <div class="min-w-0 flex-1">
                <p class="font-medium break-words">{token.name}</p>
                <p class="font-mono text-sm text-zinc-400">{details}</p>
            </div>
            <ActionForm action=revoke>
                <input type="hidden" name="id" value=token.id />
                <button type="submit" class=format!("{SECONDARY} text-red-300") aria-label=label>
                    {t.token_revoke}
                </button>
            </ActionForm>
        </li>
    }
    .into_any()
}

#[component]
pub fn ApiTokensSection(data: ApiTokensData, actions: ApiTokenActions) -> AnyView {
    let ApiTokensData { tokens, created } = data;
    let t = &use_texts().rewards;
    let ids: Vec<String> = tokens.iter().map(|token| token.id.clone()).collect();
    // The new token: the hydrated form's answer or, without JavaScript, the page's; never one
    // that has been revoked since.
    let fresh = move || {
        let answer = actions.create.value().get().and_then(Result::ok);
        answer
            .or_else(|| created.clone())
            .filter(|n| ids.contains(&n.info.id))
            .map(|new| view! { <NewToken new /> })
    };
    let list = if tokens.is_empty() {
        view! {
            <p
                id="no-api-tokens"
                class="rounded-xl border border-dashed border-zinc-700 p-6 text-center text-zinc-400"
            >
                {t.tokens_none}
            </p>
        }
        .into_any()
    } else {
        view! {
            <ul
                id="api-token-list"
                class="divide-y divide-zinc-800 rounded-xl border border-zinc-800 bg-zinc-900"
            >
                {tokens
                    .into_iter()
                    .map(|token| view! { <TokenRow token revoke=actions.revoke /> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="api-tokens-title" class="mt-10">
            <h2 id="api-tokens-title" class="text-xl font-semibold">
                {t.tokens_heading}
            </h2>
            <p class="mt-1 text-sm text-zinc-400">
                {t.tokens_intro_before} <code>"Authorization: Bearer vipm_…"</code>
                {t.tokens_intro_after}
            </p>
            {fresh}
            <div class="mt-4 grid gap-6 lg:grid-cols-[3fr_2fr]">
                <div>
                    {list}
                    <ActionResult
                        outcome=outcome(move || actions.revoke.value().get(), t.token_revoked)
                        id="api-token-revoke-result"
                    />
                </div>
                <section class=CARD aria-labelledby="new-api-token-title">
                    <h3 id="new-api-token-title" class="text-lg font-semibold">
                        {t.token_new_heading}
                    </h3>
                    <ActionForm
                        action=actions.create
                        attr:id="api-token-create"
                        attr:class="mt-3 space-y-3"
                    >
                        <label for="api-token-name" class="block text-sm text-zinc-300">
                            {t.token_name}
                        </label>
                        <input
                            id="api-token-name"
                            name="name"
                            class=INPUT
                            required
                            maxlength="50"
                            autocomplete="off"
                            placeholder="Stream Deck"
                        />
                        <button type="submit" class=PRIMARY>
                            {t.token_create}
                        </button>
                    </ActionForm>
                    <ActionResult
                        outcome=outcome(move || actions.create.value().get(), t.token_created)
                        id="api-token-create-result"
                    />
                    <p class="text-xs text-zinc-400">{(t.tokens_max)(MAX_API_TOKENS)}</p>
                </section>
            </div>
        </section>
    }
    .into_any()
}
