//! The channel's VIPs: timed ones with a live countdown, external ones marked as such.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{PermanentVipActions, VipRowActions};
use crate::model::{format_remaining, Actor, VipSession, VipSource};
use crate::server_fns::{ExtendVip, RevokeVip};

fn source_label(source: VipSource) -> &'static str {
    match source {
        VipSource::ChannelPoints => "channel points",
        VipSource::Manual => "manual",
        VipSource::Subscription => "subscription",
        VipSource::Bits => "bits",
        VipSource::External => "added on Twitch",
    }
}

fn granted_by(actor: &Actor) -> String {
    match actor {
        Actor::Streamer { login, .. } => login.clone(),
        Actor::Moderator { login, .. } => format!("{login} (mod)"),
        Actor::Viewer { login, .. } => format!("{login} (redeemed)"),
        Actor::System => "the app".into(),
    }
}

/// `now` ticks every second in the browser; the server renders the list at its own clock.
#[component]
pub fn VipList(
    vips: Vec<VipSession>,
    now: Signal<DateTime<Utc>>,
    extend: ServerAction<ExtendVip>,
    revoke: ServerAction<RevokeVip>,
) -> impl IntoView {
    if vips.is_empty() {
        return view! {
            <p
                class="rounded-xl border border-dashed border-zinc-700 p-6 text-center text-zinc-400"
                id="no-vips"
            >
                "No VIPs right now. When a viewer redeems the VIP reward, they appear here with a countdown."
            </p>
        }
        .into_any();
    }
    view! {
        <ul
            class="divide-y divide-zinc-800 rounded-xl border border-zinc-800 bg-zinc-900"
            id="vip-list"
        >
            {vips
                .into_iter()
                .map(|vip| {
                    let expires_at = vip.expires_at;
                    let viewer_id = vip.viewer.id.clone();
                    let stream_end = vip.ends_with_stream();
                    let remaining = move || match expires_at {
                        Some(at) => {
                            format_remaining(
                                u64::try_from((at - now.get()).num_seconds()).unwrap_or(0),
                            )
                        }
                        None if stream_end => "until stream ends".into(),
                        None => "permanent".into(),
                    };
                    view! {
                        <li
                            class="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3"
                            data-viewer=vip.viewer.login.clone()
                        >
                            // On a phone the name has the row to itself; time and actions go below.
                            <div class="min-w-0 basis-full sm:flex-1">
                                <p class="truncate font-medium">
                                    {vip.viewer.display_name.clone()}
                                </p>
                                <p class="text-xs text-zinc-400">
                                    {source_label(vip.source)} " · by "
                                    {granted_by(&vip.granted_by)}
                                </p>
                            </div>
                            <span
                                class="font-mono text-lg tabular-nums"
                                class:text-zinc-400=expires_at.is_none()
                                aria-label="time left"
                            >
                                {remaining}
                            </span>
                            {if vip.is_untimed() {
                                let (name, protected) = (
                                    vip.viewer.display_name.clone(),
                                    vip.is_protected(),
                                );
                                view! { <PermanentVipActions viewer_id name protected /> }
                                    .into_any()
                            } else {
                                view! { <VipRowActions viewer_id extend revoke /> }.into_any()
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
