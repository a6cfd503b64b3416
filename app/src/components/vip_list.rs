//! The channel's VIPs: timed ones with a live countdown, external ones marked as such.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{PermanentVipActions, VipRowActions};
use crate::i18n::keys::Dashboard;
use crate::model::{format_remaining, Actor, VipSession, VipSource};

fn source_label(t: &Dashboard, source: VipSource) -> &'static str {
    match source {
        VipSource::ChannelPoints => t.source_channel_points,
        VipSource::Manual => t.source_manual,
        VipSource::Subscription => t.source_subscription,
        VipSource::Bits => t.source_bits,
        VipSource::External => t.source_external,
    }
}

fn granted_by(t: &Dashboard, actor: &Actor) -> String {
    match actor {
        Actor::Streamer { login, .. } => login.clone(),
        Actor::Moderator { login, .. } => (t.by_moderator)(login),
        Actor::Viewer { login, .. } => (t.by_viewer)(login),
        Actor::System => t.by_app.into(),
    }
}

/// Rendered at the server's clock (`now`); in the browser, `Countdowns` ticks the times left. A
/// row's markup is repeated once a VIP, so its classes are short names defined in `style/main.css`.
#[component]
pub fn VipList(vips: Vec<VipSession>, now: DateTime<Utc>) -> impl IntoView {
    let t = &crate::i18n::use_texts().dashboard;
    if vips.is_empty() {
        return view! {
            <p
                class="rounded-xl border border-dashed border-zinc-700 p-6 text-center text-zinc-400"
                id="no-vips"
            >
                {t.no_vips}
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
                .map(move |vip| {
                    let expires_at = vip.expires_at;
                    let viewer_id = vip.viewer.id.clone();
                    let stream_end = vip.ends_with_stream();
                    let remaining: String = match expires_at {
                        Some(at) => {
                            format_remaining(u64::try_from((at - now).num_seconds()).unwrap_or(0))
                        }
                        None if stream_end => t.until_stream_ends.into(),
                        None => t.permanent.into(),
                    };
                    view! {
                        <li class="vip-row" data-viewer=vip.viewer.login.clone()>
                            // On a phone the name has the row to itself; time and actions go below.
                            <div class="vip-who">
                                <p class="truncate font-medium">
                                    {vip.viewer.display_name.clone()}
                                </p>
                                <p class="vip-by">
                                    {(t
                                        .granted_by)(
                                        source_label(t, vip.source),
                                        &granted_by(t, &vip.granted_by),
                                    )}
                                </p>
                            </div>
                            <span
                                class="vip-left"
                                class:text-zinc-400=expires_at.is_none()
                                aria-label=t.time_left
                                data-expires-at=expires_at.map(|at| at.timestamp().to_string())
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
                                view! { <VipRowActions viewer_id /> }.into_any()
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
