//! The OBS overlay against a real server in demo mode: its URL made on the settings page's server
//! function, the page served without a login with the channel's VIPs (names and time left only),
//! its event stream announcing a grant, options validated, and the URL dead at once (404, the
//! page and the stream alike) when it is replaced or revoked, an open stream ended too; each URL
//! made and revoked is in the activity log, without its secret.

use std::time::Duration;

use app::model::{AuditAction, OverlayLink};
use app::server_fns::{GetOverlayLink, MakeOverlayUrl, RevokeOverlayUrl};
use app::ssr::store::prelude::*;
use serde_json::json;

use crate::api_tokens::{audit, call, create, send};
use crate::common::{log_in, log_in_as, TestServer};

/// A failing test's guard against waiting forever (not a speed check).
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Makes a new overlay URL for the browser's streamer; returns its path.
async fn make_url(server: &TestServer, browser: &reqwest::Client) -> String {
    let (status, body) = call::<MakeOverlayUrl>(server, browser, &[]).await;
    assert_eq!(status, 200, "{body}");
    let link: OverlayLink = serde_json::from_value(body).unwrap();
    assert!(link.created_at.is_some());
    let url = link.new_path.expect("the new URL, this once");
    let path = url[url.find("/overlay/").expect("an overlay path")..].to_owned();
    assert!(url.ends_with(&path));
    path
}

/// Reads `live` until what was read satisfies `done`; returns everything read.
async fn read_while(live: &mut reqwest::Response, done: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    let read = async {
        while !done(&text) {
            let chunk = live.chunk().await.unwrap().expect("the stream goes on");
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    tokio::time::timeout(HANG_GUARD, read)
        .await
        .unwrap_or_else(|_| panic!("never came: {text}"));
    text
}

/// Reads `live` until its text holds `needle`.
async fn read_until(live: &mut reqwest::Response, needle: &str) -> String {
    read_while(live, |t| t.contains(needle)).await
}

async fn grant(server: &TestServer, token: &str, login: &str) {
    let body = json!({ "user_login": login, "duration_secs": 3600 });
    let (status, body) = send(
        server
            .http
            .post(server.url("/api/vip"))
            .bearer_auth(token)
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn the_overlay_shows_the_vips_and_its_stream_announces_a_grant() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let (token, _) = create(&server, &browser, "grants").await;
    grant(&server, &token, "viewer_bob").await;
    let path = make_url(&server, &browser).await;
    let secret = path.trim_start_matches("/overlay/").to_owned();

    // Only a digest is stored.
    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let key = store.overlay_key(&channel).await.unwrap().unwrap();
    assert_ne!(key.hash, secret);
    assert_eq!(key.hash, app::ssr::overlay::secret_hash(&secret));

    // No cookies: the URL is the credential.
    let res = server.http.get(server.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains("Viewer_bob"), "{html}");
    assert!(html.contains(r#"<span class="left">"#), "{html}");
    assert!(html.contains("/overlay.js") && html.contains("/overlay.css"));
    for private in [
        channel.as_str(),
        "viewer_bob\"",
        "granted_by",
        "demo_streamer",
    ] {
        assert!(
            !html.contains(private),
            "the page shows `{private}`: {html}"
        );
    }
    let css = send(server.http.get(server.url("/overlay.css"))).await.1;
    assert!(css.as_str().unwrap().contains("background: transparent"));
    let js = server
        .http
        .get(server.url("/overlay.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);

    // The stream starts with the whole list, then a grant brings an alert and the new list.
    let mut live = server
        .http
        .get(server.url(&format!("{path}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let first = read_until(&mut live, "Viewer_bob").await;
    assert!(first.starts_with("event: vips"), "{first}");
    grant(&server, &token, "viewer_carol").await;
    // An alert, then the list again.
    let next = read_while(&mut live, |t| {
        t.find("event: alert")
            .is_some_and(|at| t[at..].contains("event: vips"))
    })
    .await;
    let alert = &next[next.find("event: alert").unwrap()..];
    let alert = alert.lines().nth(1).unwrap_or_default();
    assert!(
        alert.starts_with("data: {\"display_name\":\"Viewer_carol\""),
        "{alert}"
    );
    for private in [
        "channel_id",
        "user_id",
        "granted_by",
        "audit",
        "viewer_carol\"",
    ] {
        assert!(
            !next.contains(private),
            "the stream carries `{private}`: {next}"
        );
    }
    drop(live);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_replaced_or_revoked_url_is_gone_at_once_like_a_wrong_one() {
    let server = TestServer::start_with(&[
        ("DEMO_REDEEM_EVERY_SECS", "86400"),
        ("LIVE_STREAM_RECHECK_SECS", "1"),
    ])
    .await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let first = make_url(&server, &browser).await;
    let mut live = server
        .http
        .get(server.url(&format!("{first}/events")))
        .send()
        .await
        .unwrap();
    read_until(&mut live, "event: vips").await;

    let second = make_url(&server, &browser).await;
    assert_ne!(first, second);
    let gone = |path: String| {
        let server = &server;
        async move {
            let (status, body) = send(server.http.get(server.url(&path))).await;
            (status, body)
        }
    };
    let (status, unknown_body) = gone(first.clone()).await;
    assert_eq!(status, 404, "the replaced URL");
    assert_eq!(gone(format!("{first}/events")).await.0, 404);
    // The open stream of the replaced URL ends.
    let ended = async { while live.chunk().await.expect("a clean end").is_some() {} };
    tokio::time::timeout(HANG_GUARD, ended)
        .await
        .expect("the replaced URL's stream to end");

    assert_eq!(gone(second.clone()).await.0, 200);
    let (status, _) = call::<RevokeOverlayUrl>(&server, &browser, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(gone(second.clone()).await.0, 404, "the revoked URL");
    assert_eq!(gone(format!("{second}/events")).await.0, 404);
    let (status, body) = call::<GetOverlayLink>(&server, &browser, &[]).await;
    assert_eq!((status, &body["created_at"]), (200, &json!(null)), "{body}");
    // Revoking again changes nothing, and is not logged again.
    let (status, _) = call::<RevokeOverlayUrl>(&server, &browser, &[]).await;
    assert_eq!(status, 200);

    // The activity log has both URLs made and the one revocation, by the streamer, secret-free.
    let made = audit(&server, AuditAction::OverlayLinkMade).await;
    let revoked = audit(&server, AuditAction::OverlayLinkRevoked).await;
    assert_eq!((made.len(), revoked.len()), (2, 1));
    for entry in made.iter().chain(&revoked) {
        let text = serde_json::to_string(entry).unwrap();
        assert!(text.contains("demo_streamer"), "{text}");
        for path in [&first, &second] {
            assert!(!text.contains(&path["/overlay/".len()..]), "{text}");
        }
    }

    // A wrong or malformed secret gets the same answer as a revoked one.
    let wrong = format!("/overlay/{}", "ab".repeat(32));
    for path in [
        wrong.clone(),
        "/overlay/short".into(),
        format!("{wrong}/events"),
    ] {
        let (status, body) = gone(path.clone()).await;
        assert_eq!(status, 404, "{path}");
        if !path.ends_with("/events") {
            assert_eq!(body, unknown_body, "{path}");
        }
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn options_are_checked_after_the_secret_and_named_when_wrong() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let path = make_url(&server, &browser).await;
    let ok = format!("{path}?corner=bottom-left&size=l&show=list&accent=%23ff0000&text=00ff00");
    let (status, body) = send(server.http.get(server.url(&ok))).await;
    assert_eq!(status, 200, "{body}");
    let html = body.as_str().unwrap();
    assert!(html.contains("corner-bottom-left size-l"), "{html}");
    assert!(html.contains("--accent:#ff0000;--text:#00ff00"), "{html}");
    assert!(!html.contains("overlay-alert"), "{html}");
    for (query, named) in [
        ("corner=middle", "`corner`"),
        ("size=xxl", "`size`"),
        ("show=chat", "`show`"),
        ("accent=red", "`accent`"),
        ("colour=fff", "`colour`"),
    ] {
        let (status, body) = send(server.http.get(server.url(&format!("{path}?{query}")))).await;
        assert_eq!(status, 400, "{query}");
        assert!(body.as_str().unwrap().contains(named), "{query}: {body}");
    }
    let wrong = format!("/overlay/{}?corner=middle", "ab".repeat(32));
    assert_eq!(send(server.http.get(server.url(&wrong))).await.0, 404);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_overlay_speaks_the_language_of_its_lang_option_or_the_browser_source() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let path = make_url(&server, &browser).await;
    let german = |url: String| {
        server
            .http
            .get(server.url(&url))
            .header("accept-language", "de-AT,de;q=0.9,en;q=0.5")
    };
    let (status, body) = send(german(path.clone())).await;
    assert_eq!(status, 200, "{body}");
    let html = body.as_str().unwrap();
    assert!(html.contains(r#"<html lang="de">"#), "{html}");
    assert!(html.contains("Neuer VIP"), "{html}");
    // The option wins over the browser source's languages.
    let (status, body) = send(german(format!("{path}?lang=ja"))).await;
    assert_eq!(status, 200, "{body}");
    let html = body.as_str().unwrap();
    assert!(html.contains(r#"<html lang="ja">"#), "{html}");
    assert!(html.contains("新しい VIP"), "{html}");
    // Without either, English; a language not served is a bad option, answered in German.
    let (_, body) = send(server.http.get(server.url(&path))).await;
    assert!(body.as_str().unwrap().contains("New VIP"), "{body}");
    let (status, body) = send(german(format!("{path}?lang=xx"))).await;
    assert_eq!(status, 400);
    let text = body.as_str().unwrap();
    assert!(text.starts_with("Overlay-Option: `lang`"), "{text}");
    let (status, body) = send(german(format!("/overlay/{}", "ab".repeat(32)))).await;
    assert_eq!(status, 404);
    assert!(body.as_str().unwrap().contains("Overlay-URL"), "{body}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn only_a_streamer_makes_an_overlay_url_and_only_for_their_channel() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let stranger = TestServer::browser();
    for (status, body) in [
        call::<MakeOverlayUrl>(&server, &stranger, &[]).await,
        call::<GetOverlayLink>(&server, &stranger, &[]).await,
        call::<RevokeOverlayUrl>(&server, &stranger, &[]).await,
    ] {
        assert!(status >= 400, "{status}");
        let error: app::AppError = serde_json::from_value(body).unwrap();
        assert_eq!(error, app::AppError::Unauthorized);
    }
    let owner = TestServer::browser();
    log_in(&server, &owner).await;
    let mine = make_url(&server, &owner).await;
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let theirs = make_url(&server, &other).await;
    let (status, _) = call::<RevokeOverlayUrl>(&server, &other, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(send(server.http.get(server.url(&theirs))).await.0, 404);
    assert_eq!(
        send(server.http.get(server.url(&mine))).await.0,
        200,
        "another streamer's revocation leaves this URL alone"
    );
    server.stop().await.unwrap();
}
