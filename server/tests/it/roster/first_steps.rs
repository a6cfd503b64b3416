//! The first-steps checklist: each step's live state (the server function the dashboard reads),
//! the checklist gone once every step is done, and the demo's "Simulate a redemption", which goes
//! through the simulated Twitch and EventSub, and exists only in demo mode.

use app::model::{CommunityState, FirstStep, FirstSteps};
use app::server_fns::GetFirstSteps;
use leptos::server_fn::ServerFn;
use serde_json::json;
use twitch_sim::Simulator;

use super::{send, WAIT};
use crate::common::{
    create_reward, eventually, location, log_in, redemptions_subscribed, try_get_json, TestServer,
};

async fn steps(server: &TestServer, browser: &reqwest::Client) -> FirstSteps {
    let res = browser
        .post(server.url(GetFirstSteps::PATH))
        .form(&[("", "")][..0])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn step<'a>(list: &'a FirstSteps, name: &str) -> &'a FirstStep {
    list.steps
        .iter()
        .find(|s| serde_json::to_value(s).unwrap()["step"] == name)
        .unwrap()
}

async fn build_a_community(server: &TestServer, done: bool) {
    let (status, body) = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/channels/demo_streamer/settings"))
            .json(&json!({ "build_a_community": done })),
    )
    .await;
    assert!(status < 300, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checklist_follows_each_step_until_all_are_done() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    redemptions_subscribed(&server).await;

    let list = steps(&server, &browser).await;
    assert!(list.demo);
    assert_eq!(step(&list, "login").done(), Some(true), "{list:?}");
    assert_eq!(
        step(&list, "reward"),
        &FirstStep::Reward {
            rewards: 0,
            enabled: 0
        }
    );
    assert_eq!(step(&list, "chat").done(), Some(true), "{list:?}");
    assert_eq!(
        step(&list, "build_a_community"),
        &FirstStep::BuildACommunity {
            state: CommunityState::Unknown
        }
    );
    let html = browser
        .get(server.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"id="first-steps""#),
        "shown while steps are left"
    );
    assert!(
        !html.contains(r#"id="simulate-redemption""#),
        "no reward to redeem yet"
    );

    let list = eventually("EventSub connected", WAIT, || async {
        let list = steps(&server, &browser).await;
        (step(&list, "event_sub").done() == Some(true)).then_some(list)
    })
    .await;
    let FirstStep::EventSub { transport, .. } = step(&list, "event_sub") else {
        unreachable!()
    };
    assert_eq!(transport, "websocket");

    create_reward(&server, &browser, "VIP for an hour", 100, 3_600).await;
    assert_eq!(
        step(&steps(&server, &browser).await, "reward").done(),
        Some(true)
    );

    // Twitch answers 425: Build a Community is required, until a VIP is added after it.
    build_a_community(&server, false).await;
    let grant = json!({ "user_login": "viewer_bob", "duration_secs": 60 });
    let (status, _) = send(browser.post(server.url("/api/vip")).json(&grant)).await;
    assert_eq!(status, 425);
    let list = steps(&server, &browser).await;
    assert!(
        matches!(
            step(&list, "build_a_community"),
            FirstStep::BuildACommunity {
                state: CommunityState::Required(_)
            }
        ),
        "{list:?}"
    );
    build_a_community(&server, true).await;
    let (status, _) = send(browser.post(server.url("/api/vip")).json(&grant)).await;
    assert_eq!(status, 201);
    let list = steps(&server, &browser).await;
    assert!(list.all_done(), "{list:?}");
    let html = browser
        .get(server.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains(r#"id="first-steps""#),
        "hidden once all is done"
    );
    assert!(
        html.contains(r#"id="simulate-redemption""#),
        "the demo's button stays"
    );

    // Turning chat off puts the step back.
    let (status, _) = send(
        browser
            .put(server.url("/api/settings"))
            .json(&json!({ "chat_enabled": false })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        step(&steps(&server, &browser).await, "chat").done(),
        Some(false)
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_a_redemption_drives_the_real_pipeline() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    let stranger = TestServer::browser();
    assert_eq!(
        send(stranger.post(server.url("/api/demo/redeem"))).await.0,
        401
    );
    log_in(&server, &browser).await;
    redemptions_subscribed(&server).await;
    let (status, err) = send(browser.post(server.url("/api/demo/redeem"))).await;
    assert_eq!(
        (status, err["error"].clone()),
        (400, json!("invalid_request")),
        "no reward yet"
    );
    create_reward(&server, &browser, "VIP for an hour", 100, 3_600).await;

    let res = browser
        .post(server.url("/api/demo/redeem"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/dashboard");
    let granted = eventually("the simulated viewer is VIP", WAIT, || async {
        let vips = try_get_json(&browser, &server.url("/api/vip")).await?;
        let vip = vips["vips"].as_array()?.first()?.clone();
        Some(vip)
    })
    .await;
    assert_eq!(granted["source"], "channel_points", "{granted}");
    assert!(granted["user_login"]
        .as_str()
        .unwrap()
        .starts_with("viewer_"));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn there_is_no_simulate_button_outside_demo_mode() {
    let sim = Simulator::new();
    sim.clone()
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    sim.seed_demo();
    let (client_id, client_secret) = sim.register_client();
    let (api, auth, ws) = (sim.helix_url(), sim.oauth_url(), sim.ws_url());
    let server = TestServer::start_with(&[
        ("TWITCH_CLIENT_ID", client_id.as_str()),
        ("TWITCH_CLIENT_SECRET", client_secret.as_str()),
        ("TWITCH_API_URL", api.as_str()),
        ("TWITCH_AUTH_URL", auth.as_str()),
        ("TWITCH_EVENTSUB_WS_URL", ws.as_str()),
        ("EVENTSUB_TRANSPORT", "websocket"),
    ])
    .await;
    let browser = TestServer::browser();
    let res = browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    create_reward(&server, &browser, "VIP for an hour", 100, 3_600).await;

    assert!(!steps(&server, &browser).await.demo);
    let html = browser
        .get(server.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"id="first-steps""#) || html.contains(r#"id="vip-slots""#));
    assert!(!html.contains("simulate-redemption"), "no button");
    let (status, _) = send(browser.post(server.url("/api/demo/redeem"))).await;
    assert_eq!(status, 404, "no route");
    server.stop().await.unwrap();
}
