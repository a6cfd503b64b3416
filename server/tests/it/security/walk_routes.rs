//! The routes the ownership walk takes: every state-changing REST route, and every server
//! function of the app with what it may do, each with valid arguments aimed at the demo
//! streamer's channel and the things in it.

use app::server_fns::{
    CreateApiToken, CreateReward, DeleteReward, ExcludeViewer, ExtendVip, GetAccount, GetActivity,
    GetAnalytics, GetChatStatus, GetDashboard, GetFirstSteps, GetMe, GetOverlayLink,
    GetPublicChannel, GetRoster, GetServerStatus, GetSettings, GiveVipDeadline, GrantVip,
    ListApiTokens, ListRewards, MakeOverlayUrl, ProtectVip, ReadmitViewer, RevokeApiToken,
    RevokeOverlayUrl, RevokeVip, SaveSettings, SetRewardEnabled, UpdateReward,
};
use leptos::server_fn::ServerFn;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestServer;
use crate::security::support::{send, Reply};

/// A request aimed at the demo streamer's channel.
pub struct Aimed {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
}

fn aimed(method: Method, path: String, body: Option<Value>) -> Aimed {
    Aimed { method, path, body }
}

/// The REST routes that change something, aimed at `channel`'s VIP `viewer` and reward `reward`:
/// once with `?channel=` naming it, once acting on the caller's own channel with its ids.
pub fn rest_routes(channel: &str, viewer: &str, reward: &str) -> Vec<Aimed> {
    let grant = json!({ "user_login": "viewer_alice", "duration_secs": 3600 });
    let extend = json!({ "user_id": viewer, "duration_secs": 60 });
    let reward_body = json!({ "title": "Taken over", "cost": 1, "duration_secs": 60 });
    let mut routes = Vec::new();
    for query in [format!("?channel={channel}"), String::new()] {
        routes.extend([
            aimed(
                Method::POST,
                format!("/api/vip/extend{query}"),
                Some(extend.clone()),
            ),
            aimed(Method::DELETE, format!("/api/vip/{viewer}{query}"), None),
            aimed(
                Method::PUT,
                format!("/api/vip/{viewer}/protected{query}"),
                None,
            ),
            aimed(
                Method::DELETE,
                format!("/api/vip/{viewer}/protected{query}"),
                None,
            ),
            aimed(
                Method::POST,
                format!("/api/vip/{viewer}/deadline{query}"),
                Some(json!({ "duration_secs": 60 })),
            ),
            aimed(
                Method::DELETE,
                format!("/api/exclusions/{viewer}{query}"),
                None,
            ),
            aimed(
                Method::PATCH,
                format!("/api/channel-points/{reward}{query}"),
                Some(reward_body.clone()),
            ),
            aimed(
                Method::DELETE,
                format!("/api/channel-points/{reward}{query}"),
                None,
            ),
        ]);
    }
    let named = format!("?channel={channel}");
    routes.extend([
        aimed(Method::POST, format!("/api/vip{named}"), Some(grant)),
        aimed(
            Method::POST,
            format!("/api/exclusions{named}"),
            Some(json!({ "user_login": "viewer_dave" })),
        ),
        aimed(
            Method::PUT,
            format!("/api/settings{named}"),
            Some(json!({})),
        ),
        aimed(
            Method::POST,
            format!("/api/channel-points{named}"),
            Some(reward_body),
        ),
    ]);
    routes
}

pub async fn call(server: &TestServer, client: &reqwest::Client, route: &Aimed) -> Reply {
    let mut request = client.request(route.method.clone(), server.url(&route.path));
    if let Some(body) = &route.body {
        request = request.json(body);
    }
    send(request).await
}

/// How a server function may treat a stranger and another streamer.
pub enum Kind {
    /// Needs no login.
    Public,
    /// Needs a login; reads only.
    Read,
    /// Changes the caller's own channel, whatever it is sent.
    OwnChannel,
    /// Changes something named by id: another channel's id is not found there.
    ById,
}

/// The demo streamer's things the walk aims at.
pub struct Targets {
    pub viewer: String,
    pub reward: String,
    pub api_token_id: String,
}

/// A server function's path, what it may do, and its form arguments.
pub type ServerFnCall = (&'static str, Kind, Vec<(String, String)>);

/// Every server function of the app, with valid arguments aimed at the demo streamer's things.
pub fn server_fns(targets: &Targets) -> Vec<ServerFnCall> {
    let (viewer, reward) = (targets.viewer.as_str(), targets.reward.as_str());
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let reward_form = [
        ("form[title]", "Taken over"),
        ("form[cost]", "1"),
        ("form[amount]", "1"),
        ("form[unit]", "hours"),
    ];
    let mut update = pairs(&reward_form);
    update.push(("reward_id".into(), reward.to_owned()));
    let settings = [
        ("form[default_amount]", "5"),
        ("form[default_unit]", "minutes"),
        ("form[stacking]", "reset"),
        ("form[slots_full]", "refund"),
        ("form[max_wait_amount]", "1"),
        ("form[max_wait_unit]", "hours"),
        ("form[chat_granted]", "{viewer} is VIP for {duration}"),
        ("form[chat_extended]", "{viewer} +{duration}"),
        ("form[chat_expired]", "bye {viewer}"),
        ("form[chat_refunded]", "sorry {viewer}: {reason}"),
        ("form[moderators_can_manage]", "on"),
    ];
    let grant = [
        ("login", "viewer_carol"),
        ("amount", "1"),
        ("unit", "hours"),
    ];
    vec![
        (GetMe::PATH, Kind::Public, vec![]),
        (GetServerStatus::PATH, Kind::Public, vec![]),
        (
            GetPublicChannel::PATH,
            Kind::Public,
            pairs(&[("login", "demo_streamer")]),
        ),
        (GetAccount::PATH, Kind::Read, vec![]),
        (GetDashboard::PATH, Kind::Read, vec![]),
        (GetRoster::PATH, Kind::Read, vec![]),
        (GetFirstSteps::PATH, Kind::Read, vec![]),
        (
            ExcludeViewer::PATH,
            Kind::OwnChannel,
            pairs(&[("login", "viewer_dave")]),
        ),
        (
            ReadmitViewer::PATH,
            Kind::ById,
            pairs(&[("viewer_id", viewer)]),
        ),
        (
            ProtectVip::PATH,
            Kind::ById,
            pairs(&[("viewer_id", viewer), ("protect", "true")]),
        ),
        (
            GiveVipDeadline::PATH,
            Kind::ById,
            pairs(&[("viewer_id", viewer), ("amount", "1"), ("unit", "hours")]),
        ),
        (GetActivity::PATH, Kind::Read, vec![]),
        (GetSettings::PATH, Kind::Read, vec![]),
        (GetChatStatus::PATH, Kind::Read, vec![]),
        (ListRewards::PATH, Kind::Read, vec![]),
        (GetAnalytics::PATH, Kind::Read, vec![]),
        (ListApiTokens::PATH, Kind::Read, vec![]),
        (GetOverlayLink::PATH, Kind::Read, vec![]),
        (MakeOverlayUrl::PATH, Kind::OwnChannel, vec![]),
        (RevokeOverlayUrl::PATH, Kind::OwnChannel, vec![]),
        (
            CreateApiToken::PATH,
            Kind::OwnChannel,
            pairs(&[("name", "walk")]),
        ),
        (
            RevokeApiToken::PATH,
            Kind::ById,
            pairs(&[("id", targets.api_token_id.as_str())]),
        ),
        (SaveSettings::PATH, Kind::OwnChannel, pairs(&settings)),
        (CreateReward::PATH, Kind::OwnChannel, pairs(&reward_form)),
        (GrantVip::PATH, Kind::OwnChannel, pairs(&grant)),
        (UpdateReward::PATH, Kind::ById, update),
        (
            SetRewardEnabled::PATH,
            Kind::ById,
            pairs(&[("reward_id", reward), ("enabled", "false")]),
        ),
        (
            DeleteReward::PATH,
            Kind::ById,
            pairs(&[("reward_id", reward)]),
        ),
        (
            ExtendVip::PATH,
            Kind::ById,
            pairs(&[("viewer_id", viewer), ("amount", "1"), ("unit", "hours")]),
        ),
        (RevokeVip::PATH, Kind::ById, pairs(&[("viewer_id", viewer)])),
    ]
}
