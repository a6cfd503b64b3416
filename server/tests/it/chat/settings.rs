//! Chat command settings: on the settings page (shown, saved by the form as the page posts it),
//! over `GET|PUT /api/settings` (checked), and the scopes `/api/settings/scopes` then lists.

use app::server_fns::SaveSettings;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::common::{log_in, TestServer};

fn form(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut form = vec![
        ("form[default_amount]", "1"),
        ("form[default_unit]", "days"),
        ("form[stacking]", "extend"),
        ("form[slots_full]", "refund"),
        ("form[max_wait_amount]", "1"),
        ("form[max_wait_unit]", "days"),
        ("form[chat_granted]", "{viewer} is VIP for {duration}"),
        ("form[chat_extended]", "{viewer} +{duration}"),
        ("form[chat_expired]", "bye {viewer}"),
        ("form[chat_refunded]", "sorry {viewer}: {reason}"),
    ];
    form.extend_from_slice(extra);
    form
}

async fn put(browser: &reqwest::Client, server: &TestServer, body: Value) -> (u16, Value) {
    let res = browser
        .put(server.url("/api/settings"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_commands_are_set_on_the_page_and_through_the_api() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;

    let html = browser
        .get(server.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"id="chat-commands-enabled" name="form[chat_commands_enabled]" checked"#),
        "{html}"
    );
    assert!(html.contains(r#"value="vip checkvip""#), "{html}");

    let posted = form(&[
        ("form[chat_commands_shown]", "1"),
        ("form[chat_commands_enabled]", "on"),
        ("form[chat_prefix]", "?"),
        ("form[chat_check_names]", "viptime, vip"),
        ("form[chat_manage_names]", "vips"),
        ("form[chat_add_names]", ""),
        ("form[chat_remove_names]", "unvip"),
        ("form[chat_viewer_cooldown_secs]", "10"),
        ("form[chat_ignored_bots]", "@Nightbot streamelements"),
    ]);
    let res = browser
        .post(server.url(SaveSettings::PATH))
        .form(&posted)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (_, saved): (u16, Value) = (
        200,
        browser
            .get(server.url("/api/settings"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
    );
    let commands = &saved["chat_commands"];
    assert_eq!(commands["prefix"], "?");
    assert_eq!(commands["names"]["check"], json!(["viptime", "vip"]));
    assert_eq!(commands["names"]["add"], json!([]));
    assert_eq!(commands["viewer_cooldown_secs"], 10);
    assert_eq!(
        commands["ignored_bots"],
        json!(["Nightbot", "streamelements"])
    );
    assert_eq!(saved["chat_identity"], "streamer");

    // A bad prefix is refused by the form and by the API, naming the problem.
    let res = browser
        .post(server.url(SaveSettings::PATH))
        .form(&form(&[
            ("form[chat_commands_shown]", "1"),
            ("form[chat_prefix]", "  "),
        ]))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 200);
    let (status, body) = put(
        &browser,
        &server,
        json!({"chat_commands": {"prefix": "!!!!"}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("prefix"),
        "{body}"
    );
    let (status, body) = put(&browser, &server, json!({"chat_identity": "robot"})).await;
    assert_eq!(status, 400, "{body}");

    // A form without the chat fields keeps them.
    let res = browser
        .post(server.url(SaveSettings::PATH))
        .form(&form(&[]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, body) = put(&browser, &server, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["chat_commands"]["prefix"], "?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_scopes_are_listed_while_chat_commands_are_on() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let scopes = |b: &reqwest::Client| {
        let url = server.url("/api/settings/scopes");
        let b = b.clone();
        async move {
            b.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    // A new channel has chat commands on and was asked for user:read:chat at its first login.
    let now = scopes(&browser).await;
    assert!(
        now["required"]
            .as_array()
            .unwrap()
            .contains(&json!("user:read:chat")),
        "{now}"
    );
    assert_eq!(now["missing"], json!([]));
    // Off: not required.
    put(
        &browser,
        &server,
        json!({"chat_commands": {"enabled": false}}),
    )
    .await;
    let off = scopes(&browser).await;
    assert!(
        !off["required"]
            .as_array()
            .unwrap()
            .contains(&json!("user:read:chat")),
        "{off}"
    );
    // As the app's bot, the streamer grants channel:bot: missing until they log in again.
    put(
        &browser,
        &server,
        json!({"chat_commands": {"enabled": true}, "chat_identity": "bot"}),
    )
    .await;
    let bot = scopes(&browser).await;
    assert_eq!(bot["missing"], json!(["channel:bot"]), "{bot}");
}
