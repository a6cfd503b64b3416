//! `/account`: the streamer's Twitch account, the scopes the app needs against those granted (with
//! a re-authorise link when any is missing), the token's health and the channel's EventSub state
//! with the status of each of its subscriptions.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{LogOutEverywhere, PageError, CARD};
use crate::i18n::{keys::Account as AccountTexts, use_texts};
use crate::model::{
    AccountOverview, EventSubConnection, EventSubState, ScopeStatus, SubscriptionState,
    SubscriptionStatus,
};
use crate::server_fns::get_account;

/// Rendered on the server only: nothing on it runs in the browser, so its read is awaited in
/// place (a resource and a suspense boundary exist to load and hydrate in a browser).
#[component]
pub fn AccountPage() -> impl IntoView {
    let texts = use_texts();
    view! {
        <Title text=texts.account.title />
        <main class="mx-auto max-w-5xl px-4 py-8">
            {Suspend::new(async move {
                match get_account().await {
                    Ok(a) => view! { <Account account=a /> }.into_any(),
                    Err(error) => {
                        view! { <PageError error what=texts.errors.what_account /> }.into_any()
                    }
                }
            })}
        </main>
    }
    .into_any()
}

fn when(t: &AccountTexts, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = (at - now).num_minutes();
    let stamp = crate::components::local_minute(at);
    match left {
        m if m < 0 => (t.token_expired)(&stamp),
        m if m < 120 => (t.token_in_minutes)(&stamp, m),
        m => (t.token_in_hours)(&stamp, m / 60),
    }
}

/// Whether a URL can go inside `url('…')` as is: https, and nothing that ends the string.
fn safe_css_url(url: &str) -> bool {
    url.starts_with("https://")
        && !url.chars().any(|c| {
            matches!(c, '\'' | '"' | '(' | ')' | '\\') || c.is_whitespace() || c.is_control()
        })
}

#[component]
fn Account(account: AccountOverview) -> AnyView {
    let reauth = account.should_reauthorise();
    let missing = account.missing_scopes().len();
    let scopes = account.scopes.clone();
    let t = &use_texts().account;
    view! {
        <h1 class="text-2xl font-bold">{t.heading}</h1>
        {reauth.then(|| view! { <ReauthBanner missing /> })}
        <div class="mt-6 grid gap-6 lg:grid-cols-[1fr_2fr]">
            <div class="space-y-6">
                <Profile account=account.clone() />
                <Connection account />
                {(!reauth)
                    .then(|| {
                        view! {
                            <a
                                href="/api/auth/login?force=true"
                                rel="external"
                                class="inline-block text-sm text-violet-300 underline hover:text-violet-200"
                            >
                                {t.reauthorise}
                            </a>
                        }
                    })}
                <LogOutEverywhere />
            </div>
            <section class=format!("{CARD} self-start") aria-labelledby="scopes-title">
                <h2 id="scopes-title" class="text-lg font-semibold">
                    {t.permissions}
                </h2>
                <p class="mt-1 text-sm text-zinc-400">{t.permissions_intro}</p>
                <ul id="scope-list" class="mt-3 divide-y divide-zinc-800">
                    {scopes.into_iter().map(|s| view! { <Scope scope=s /> }).collect_view()}
                </ul>
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn ReauthBanner(missing: usize) -> AnyView {
    let t = &use_texts().account;
    let text = if missing > 0 {
        (t.missing_scopes)(missing)
    } else {
        t.authorisation_rejected.into()
    };
    view! {
        <div
            role="alert"
            id="reauth-prompt"
            class="mt-4 flex flex-wrap items-center gap-3 rounded-lg border border-amber-600 bg-amber-950 p-4 text-amber-200"
        >
            // On a phone the text has the width to itself; the button goes below.
            <p class="min-w-0 basis-full sm:flex-1">{text}</p>
            <a
                href="/api/auth/login?force=true"
                rel="external"
                class="rounded-lg bg-amber-500 px-4 py-2 font-medium text-zinc-950 hover:bg-amber-400 focus:outline-none focus:ring-2 focus:ring-amber-200"
            >
                {t.reauthorise}
            </a>
        </div>
    }
    .into_any()
}

#[component]
fn Profile(account: AccountOverview) -> AnyView {
    let initial = account
        .display_name
        .chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string();
    let t = &use_texts().account;
    view! {
        <section class=CARD aria-labelledby="twitch-account-title">
            <h2 id="twitch-account-title" class="text-lg font-semibold">
                {t.twitch_account}
            </h2>
            <div class="mt-3 flex items-center gap-4">
                <div
                    class="relative h-16 w-16 shrink-0 overflow-hidden rounded-full bg-violet-700"
                    aria-hidden="true"
                >
                    <span class="absolute inset-0 flex items-center justify-center text-2xl font-bold">
                        {initial}
                    </span>
                    // A background, not an <img>: a picture that fails to load leaves the initial.
                    {account
                        .profile_image_url
                        .filter(|u| safe_css_url(u))
                        .map(|src| {
                            view! {
                                <span
                                    class="absolute inset-0 bg-cover bg-center"
                                    style=format!("background-image:url('{src}')")
                                ></span>
                            }
                        })}
                </div>
                <dl class="min-w-0 text-sm">
                    <dt class="sr-only">{t.display_name}</dt>
                    <dd class="truncate text-lg font-medium" id="account-display-name">
                        {account.display_name}
                    </dd>
                    <dt class="sr-only">{t.login}</dt>
                    <dd class="truncate text-zinc-400" id="account-login">
                        {format!("@{}", account.login)}
                    </dd>
                    <dt class="sr-only">{t.user_id}</dt>
                    <dd class="text-xs text-zinc-400">{format!("id {}", account.user_id)}</dd>
                </dl>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Connection(account: AccountOverview) -> AnyView {
    let unhealthy = account.token.is_none() || account.needs_reauth;
    let t = &use_texts().account;
    let token = match &account.token {
        Some(token) if !account.needs_reauth => when(t, token.expires_at, account.now),
        _ => t.no_token.into(),
    };
    let authorisation = if account.needs_reauth {
        t.needs_reauth
    } else {
        t.accepted
    };
    view! {
        <section class=CARD aria-labelledby="health-title">
            <h2 id="health-title" class="text-lg font-semibold">
                {t.connection}
            </h2>
            <dl class="mt-3 space-y-3 text-sm">
                <div>
                    <dt class="text-zinc-400">{t.token_valid_until}</dt>
                    <dd id="token-health" class:text-amber-300=unhealthy>
                        {token}
                    </dd>
                </div>
                <div>
                    <dt class="text-zinc-400">{t.authorisation}</dt>
                    <dd id="reauth-state">{authorisation}</dd>
                </div>
                <div>
                    <dt class="text-zinc-400">{t.eventsub}</dt>
                    <dd id="eventsub-state">
                        <EventSub state=account.eventsub />
                    </dd>
                </div>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn Scope(scope: ScopeStatus) -> AnyView {
    let ScopeStatus {
        scope,
        reason,
        granted,
    } = scope;
    let data_scope = scope.clone();
    let t = &use_texts().account;
    // The page's language when it knows the scope; else the server's words.
    let reason = t.scope_reason(&scope).map_or(reason, str::to_owned);
    view! {
        <li
            class="flex flex-wrap items-start gap-x-3 gap-y-1 py-3"
            data-scope=data_scope
            data-granted=granted.to_string()
        >
            <div class="min-w-0 flex-1">
                <p class="font-mono text-sm break-all">{scope}</p>
                <p class="text-sm text-zinc-400">{reason}</p>
            </div>
            <span
                class="rounded-full px-2 py-0.5 text-xs font-medium"
                class=(["bg-emerald-900", "text-emerald-200"], granted)
                class=(["bg-red-950", "text-red-200"], !granted)
            >
                {if granted { t.granted } else { t.missing }}
            </span>
        </li>
    }
    .into_any()
}

#[component]
fn EventSub(state: Option<EventSubState>) -> AnyView {
    let Some(EventSubState {
        connection,
        subscriptions,
    }) = state
    else {
        let t = &use_texts().account;
        return view! { <span class="text-zinc-400">{t.not_watched}</span> }.into_any();
    };
    let t = &use_texts().account;
    let healthy = connection.is_healthy();
    let reason = match &connection {
        EventSubConnection::Failed(reason) => Some(reason.clone()),
        EventSubConnection::Standby => Some(t.standby_reason.to_owned()),
        _ => None,
    };
    view! {
        <span class:text-emerald-300=healthy class:text-amber-300=!healthy class="font-medium">
            {connection_label(t, &connection)}
        </span>
        {reason.map(|r| view! { <span class="block text-zinc-400">{r}</span> })}
        <ul id="eventsub-subscriptions" class="mt-2 space-y-1">
            {subscriptions.into_iter().map(|s| view! { <Subscription status=s /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Subscription(status: SubscriptionStatus) -> AnyView {
    let SubscriptionStatus { kind, id, state } = status;
    let ok = state.name() == "enabled";
    let data_kind = kind.clone();
    let label = subscription_label(&use_texts().account, &state);
    view! {
        <li data-subscription=data_kind data-state=state.name() title=id>
            <span class="font-mono text-xs">
                {break_points(&kind)
                    .into_iter()
                    .map(|part| {
                        view! {
                            {part}
                            <wbr />
                        }
                    })
                    .collect_view()}
            </span>
            " "
            <span class="text-xs" class:text-emerald-300=ok class:text-amber-300=!ok>
                {label}
            </span>
            {state
                .reason()
                .map(|r| view! { <span class="block text-xs text-zinc-400">{r.to_owned()}</span> })}
        </li>
    }
    .into_any()
}

fn connection_label(t: &AccountTexts, connection: &EventSubConnection) -> &'static str {
    match connection {
        EventSubConnection::Connecting => t.conn_connecting,
        EventSubConnection::Connected => t.conn_connected,
        EventSubConnection::Reconnecting => t.conn_reconnecting,
        EventSubConnection::Failed(_) => t.conn_failed,
        EventSubConnection::NeedsReauth => t.needs_reauth,
        EventSubConnection::Standby => t.conn_standby,
    }
}

fn subscription_label(t: &AccountTexts, state: &SubscriptionState) -> &'static str {
    match state {
        SubscriptionState::Enabled => t.sub_enabled,
        SubscriptionState::Pending => t.sub_pending,
        SubscriptionState::Failed(_) => t.sub_failed,
        SubscriptionState::Revoked(_) => t.sub_revoked,
    }
}

/// A subscription type cut after each `.` and `_`, where a narrow screen may wrap it (never inside
/// a word).
fn break_points(kind: &str) -> Vec<String> {
    kind.split_inclusive(['.', '_'])
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{break_points, safe_css_url};

    #[test]
    fn subscription_types_wrap_only_after_dots_and_underscores() {
        assert_eq!(
            break_points("channel.vip_add.x"),
            ["channel.", "vip_", "add.", "x"]
        );
        assert_eq!(break_points("stream"), ["stream"]);
    }

    #[test]
    fn only_plain_https_urls_become_backgrounds() {
        assert!(safe_css_url(
            "https://static-cdn.jtvnw.net/jtv_user_pictures/a-profile_image-300x300.png"
        ));
        assert!(!safe_css_url("http://example.com/a.png"));
        assert!(!safe_css_url("https://example.com/a.png'); color: red; ('"));
        assert!(!safe_css_url("https://example.com/a b.png"));
    }
}
