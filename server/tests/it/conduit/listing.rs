//! The steady-state check of many channels' conduit subscriptions costs pages of the app-wide
//! listing, not one Get EventSub Subscriptions per channel: the channels of an instance share one
//! listing, fetched once by the first channel that finds it too old.

use std::time::{Duration, Instant};

use app::model::{ChannelId, EventSubConnection, SubscriptionStatus};
use futures_util::future::join_all;
use server::eventsub::conduit::{channel, SharedListing};
use server::eventsub::report::Reporter;
use server::eventsub::subscriptions::subscribe::ChannelTypes;
use server::twitch::scopes::REQUIRED_SCOPES;
use twitch_sim::record::Event;

use super::client::client;
use crate::support::helix_harness::HelixHarness;

const LIST: &str = "/helix/eventsub/subscriptions";
const CHANNELS: usize = 30;

struct Quiet;

impl Reporter for Quiet {
    fn state(&self, _: EventSubConnection) {}
    fn subscription(&self, _: SubscriptionStatus) {}
    fn subscriptions_lost(&self, _: &str) {}
}

/// The requests the simulator has seen since the recorder started: `(method, path)`.
fn requests(env: &HelixHarness) -> Vec<(String, String)> {
    env.sim
        .recorder()
        .take()
        .into_iter()
        .filter_map(|e| match e.event {
            Event::Request { method, path, .. } => Some((method, path)),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_of_many_channels_costs_pages_not_channels() {
    let env = HelixHarness::start().await;
    let client = client(&env);
    let conduit = client.create_conduit(1).await.unwrap().id;
    let scopes: Vec<&str> = REQUIRED_SCOPES.iter().map(|(s, _)| *s).collect();
    let channels: Vec<ChannelId> = (0..CHANNELS)
        .map(|i| {
            let login = format!("caster{i}");
            let user = env.sim.add_user(&login);
            env.sim
                .issue_user_token(&env.demo.client_id, &login, &scopes);
            ChannelId(user.id)
        })
        .collect();
    let shared = SharedListing::default();
    let max_age = Duration::from_secs(300);
    let check = |channel: ChannelId, after: Option<Instant>| {
        let (client, shared, conduit) = (client.clone(), shared.clone(), conduit.clone());
        async move {
            let all = channel::listing(&client, &shared, max_age, after)
                .await
                .unwrap();
            channel::reconcile(
                &client,
                &all,
                &conduit,
                &ChannelTypes::default(),
                &channel,
                &Quiet,
            )
            .await
            .unwrap()
        }
    };

    // Start-up: every channel's subscriptions made, against one listing of the empty app.
    env.sim.recorder().start();
    let made = join_all(channels.iter().map(|c| check(c.clone(), None))).await;
    assert!(made.iter().all(|r| r.changed && r.created > 0), "{made:?}");
    let lists = requests(&env)
        .iter()
        .filter(|(m, p)| m == "GET" && p == LIST)
        .count();
    assert_eq!(lists, 1, "one listing shared by the channels at start-up");
    let changed_at = Some(Instant::now());

    // Steady state: every channel checked again, after its change.
    let total = client.all_subscriptions().await.unwrap().len();
    let pages = total.div_ceil(100);
    assert!(pages > 1 && pages < CHANNELS, "{total} subscriptions");
    env.sim.recorder().take();
    let checked = join_all(channels.iter().map(|c| check(c.clone(), changed_at))).await;
    assert!(checked.iter().all(|r| !r.changed), "{checked:?}");
    let seen = requests(&env);
    assert!(
        seen.iter().all(|(m, p)| m == "GET" && p == LIST),
        "only listing: {seen:?}"
    );
    assert_eq!(
        seen.len(),
        pages,
        "{CHANNELS} channels checked with {pages} pages"
    );
}
