//! The dashboard's VIP slots without JavaScript: the page lists the slots and the exclusion list,
//! and each plain form posts to its server function, which sends the browser back to the slots.

use app::server_fns::{ExcludeViewer, GiveVipDeadline, ProtectVip, ReadmitViewer};
use leptos::server_fn::ServerFn;

use super::{permanent_vip, send, signed_in};
use crate::common::{location, TestServer};

/// Posts a form the way a browser without JavaScript does; returns where it is sent back to.
async fn post_form(
    server: &TestServer,
    browser: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let res = browser
        .post(server.url(path))
        .header("accept", "text/html")
        .header("referer", server.url("/dashboard"))
        .form(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{path}: {}", res.status());
    location(&res)
}

async fn dashboard(server: &TestServer, browser: &reqwest::Client) -> String {
    let res = browser.get(server.url("/dashboard")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_slot_form_works_without_javascript() {
    let (server, browser, _) = signed_in().await;
    let alice = permanent_vip(&server, &browser, "viewer_alice").await;
    let html = dashboard(&server, &browser).await;
    assert!(html.contains(r#"id="vip-slots""#), "the slots panel");
    assert!(
        html.contains(r#"id="slots-used""#) && html.contains("1 used"),
        "slots used"
    );
    assert!(html.contains(r#"aria-label="Protect Viewer_alice""#) || html.contains("Protect"));

    let back = post_form(
        &server,
        &browser,
        ProtectVip::PATH,
        &[("viewer_id", &alice), ("protect", "true")],
    )
    .await;
    assert_eq!(back, "/dashboard#dashboard-slots", "back at the slots");
    let html = dashboard(&server, &browser).await;
    assert!(html.contains("Unprotect"), "the VIP shows as protected");
    post_form(
        &server,
        &browser,
        ProtectVip::PATH,
        &[("viewer_id", &alice), ("protect", "false")],
    )
    .await;

    post_form(
        &server,
        &browser,
        GiveVipDeadline::PATH,
        &[("viewer_id", &alice), ("amount", "2"), ("unit", "hours")],
    )
    .await;
    let (_, slots) = send(browser.get(server.url("/api/vip/slots"))).await;
    assert!(slots["vips"][0]["expires_at"].is_string(), "{slots}");

    post_form(
        &server,
        &browser,
        ExcludeViewer::PATH,
        &[("login", "viewer_bob")],
    )
    .await;
    let html = dashboard(&server, &browser).await;
    assert!(
        html.contains(r#"data-excluded="viewer_bob""#),
        "the list shows bob"
    );
    let (_, list) = send(browser.get(server.url("/api/exclusions"))).await;
    let bob = list["excluded"][0]["user_id"].as_str().unwrap().to_owned();
    post_form(
        &server,
        &browser,
        ReadmitViewer::PATH,
        &[("viewer_id", &bob)],
    )
    .await;
    let html = dashboard(&server, &browser).await;
    assert!(
        !html.contains(r#"data-excluded="viewer_bob""#),
        "bob is off the list"
    );
    server.stop().await.unwrap();
}
