//! The activity log (`/activity`): the signed-in streamer's audit trail, newest first. Filters are a
//! GET form and paging is an "Older" link carrying the cursor, so the page works without
//! JavaScript; in the browser, the entries are fetched again whenever a live event arrives.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{LiveRefresh, PageError};
use crate::i18n::{keys::Activity as ActivityTexts, use_texts};
use crate::model::{
    metadata_summary_in, ActivityParams, Actor, AuditAction, AuditDetails, AuditEntry, AuditPage,
};
use crate::server_fns::get_activity;

/// The region that live events refresh: the entries and the pager, not the filter form.
const ENTRIES: &str = "activity-entries";
const FIELD: &str = "w-full rounded-lg border border-zinc-700 bg-zinc-950 px-3 py-2 sm:w-auto";
const BUTTON: &str = "rounded-lg border border-zinc-700 px-4 py-2 text-sm hover:bg-zinc-800 focus:outline-none focus:ring-2 focus:ring-violet-500";

/// Rendered on the server; in the browser only the list is refreshed on live events.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let params = use_query_map().with_untracked(|q| ActivityParams {
        action: q.get("action"),
        viewer: q.get("viewer"),
        before_at: q.get("before_at"),
        before_id: q.get("before_id"),
        cursor: None,
        limit: None,
    });
    let params = Signal::stored(params);
    let data = Resource::new(
        move || params.get(),
        |p| get_activity(p.action, p.viewer, p.before_at, p.before_id),
    );
    let texts = use_texts();
    view! {
        <Title text=texts.activity.title />
        <main class="mx-auto max-w-5xl px-4 py-8">
            <Transition fallback=|| {
                view! { <p class="text-zinc-400">{texts.common.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    let result = data.await;
                    let params = params.get_untracked();
                    match result {
                        Ok(page) => view! { <Activity page params /> }.into_any(),
                        Err(error) => {
                            let pitch = texts.activity.pitch;
                            view! {
                                <PageError error what=texts.errors.what_activity pitch>
                                    <h1 class="text-2xl font-bold">{texts.activity.heading}</h1>
                                    <FilterForm params />
                                </PageError>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Activity(page: AuditPage, params: ActivityParams) -> impl IntoView {
    let t = &use_texts().activity;
    let filters = params.filter_query();
    let filtered = !filters.is_empty();
    let newest = params.is_paged().then(|| {
        let href = format!("/activity?{filters}");
        view! {
            <a href=href class=BUTTON>
                {t.newest}
            </a>
        }
    });
    let older = page.next.as_ref().map(|next| {
        let href = format!("/activity?{}", params.older_query(next));
        view! {
            <a href=href class=BUTTON rel="next" id="activity-older">
                {t.older}
            </a>
        }
    });
    let pager = (newest.is_some() || older.is_some()).then(|| {
        view! {
            <nav aria-label=t.pages class="mt-4 flex justify-between gap-2">
                <span>{newest}</span>
                <span>{older}</span>
            </nav>
        }
    });
    let list = if page.entries.is_empty() {
        let text = if filtered { t.no_match } else { t.nothing_yet };
        view! {
            <p
                id="no-activity"
                class="mt-4 rounded-xl border border-dashed border-zinc-700 p-6 text-center text-zinc-400"
            >
                {text}
            </p>
        }
        .into_any()
    } else {
        view! {
            <ol
                id="activity-list"
                aria-label=t.list_label
                class="mt-4 divide-y divide-zinc-800 rounded-xl border border-zinc-800 bg-zinc-900"
            >
                {page.entries.into_iter().map(|e| view! { <EntryRow entry=e /> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <div class="flex flex-wrap items-baseline justify-between gap-2">
            <h1 class="text-2xl font-bold">{t.heading}</h1>
            <a
                href=format!(
                    "/api/audit-log.csv{}",
                    if filtered { format!("?{filters}") } else { String::new() },
                )
                rel="external"
                download
                class="text-sm text-violet-300 underline hover:text-violet-200"
            >
                {t.download_csv}
            </a>
        </div>
        <FilterForm params />
        <div id=ENTRIES>{list} {pager}</div>
        <LiveRefresh regions=vec![ENTRIES.to_owned()] />
    }
}

#[component]
fn FilterForm(params: ActivityParams) -> impl IntoView {
    let current = params.action.clone().unwrap_or_default();
    let viewer = params.viewer.clone().unwrap_or_default();
    let filtered = !params.filter_query().is_empty();
    let t = &use_texts().activity;
    view! {
        <form method="get" action="/activity" aria-label=t.filter_label class="mt-4">
            <div class="flex flex-wrap items-end gap-2">
                <label class="flex w-full flex-col gap-1 text-sm sm:w-auto">
                    {t.action}
                    // `selected` and `value` render on the server; the properties keep a hydrated form in
                    // step when a link (e.g. "Clear") changes the query.
                    <select
                        name="action"
                        id="activity-action"
                        class=FIELD
                        prop:value=current.clone()
                    >
                        <option value="" selected=current.is_empty()>
                            {t.all_actions}
                        </option>
                        {AuditAction::ALL
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <option value=a.as_str() selected=current == a.as_str()>
                                        {(t.action_label)(a)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="flex w-full flex-col gap-1 text-sm sm:w-auto">
                    {t.viewer}
                    <input
                        type="search"
                        name="viewer"
                        id="activity-viewer"
                        class=FIELD
                        value=viewer.clone()
                        prop:value=viewer
                        placeholder=t.viewer_placeholder
                        autocomplete="off"
                    />
                </label>
                <button
                    type="submit"
                    class="rounded-lg bg-violet-600 px-4 py-2 text-sm font-medium hover:bg-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-300"
                >
                    {t.filter}
                </button>
                {filtered
                    .then(|| {
                        view! {
                            <a href="/activity" class=BUTTON>
                                {t.clear}
                            </a>
                        }
                    })}
            </div>
        </form>
    }
}

#[component]
fn EntryRow(entry: AuditEntry) -> impl IntoView {
    let t = &use_texts().activity;
    let target = entry.target.map(|v| {
        let name = if v.display_name.eq_ignore_ascii_case(&v.login) {
            v.display_name
        } else {
            format!("{} ({})", v.display_name, v.login)
        };
        view! {
            <span class="font-medium text-zinc-100" data-target=v.login>
                {name}
            </span>
        }
    });
    let details = metadata_summary_in(&AuditDetails::read(&entry.metadata), &use_texts().summary);
    view! {
        <li
            class="grid gap-1 px-4 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4"
            data-action=entry.action.as_str()
        >
            <time
                datetime=crate::model::rfc3339(entry.at, false)
                class="font-mono text-xs tabular-nums text-zinc-400 sm:pt-1"
            >
                {crate::components::local_time(entry.at)}
            </time>
            <div class="min-w-0">
                <p class="flex flex-wrap items-baseline gap-x-2">
                    <span class="font-semibold text-violet-200">
                        {(t.action_label)(entry.action)}
                    </span>
                    {target}
                </p>
                <p class="text-sm text-zinc-400">
                    {format!("{}{}", t.by, actor_label(t, &entry.actor))}
                    {(!details.is_empty())
                        .then(|| view! { <span class="break-words">" · " {details}</span> })}
                </p>
            </div>
        </li>
    }
}

/// Who did it, with their role, in the served language (the CSV keeps the model's English).
fn actor_label(t: &ActivityTexts, actor: &Actor) -> String {
    match actor {
        Actor::Streamer { login, .. } => login.clone(),
        Actor::Moderator { login, .. } => (t.moderator)(login),
        Actor::Viewer { login, .. } => (t.viewer_actor)(login),
        Actor::System => t.the_app.into(),
    }
}
