//! The language pages are served in: negotiated from `Accept-Language`, overridden by the switcher's
//! choice (`?lang=`, then the `lang` cookie), named in `<html lang>`; and a new channel's chat
//! templates in the language its streamer logged in with.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_LANGUAGE};

use crate::common::{log_in, page, TestServer};

/// A browser (cookies kept, redirects not followed) that sends `Accept-Language: {accept}`.
fn browser_speaking(accept: &'static str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static(accept));
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_dashboard_speaks_the_browser_s_language_until_another_is_chosen() {
    let server = TestServer::start().await;
    let browser = browser_speaking("de-DE,de;q=0.9,en;q=0.5");
    log_in(&server, &browser).await;

    let html = page(&browser, &server, "/dashboard").await;
    assert!(html.contains(r#"<html lang="de""#), "{html}");
    assert!(html.contains("VIP vergeben"), "the grant form in German");
    assert!(html.contains("Abmelden"), "the header in German");
    assert!(!html.contains("Log out"));

    // The switcher's link: this page in French, remembered for the next pages.
    let res = browser
        .get(server.url("/dashboard?lang=fr"))
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lang="))
        .expect("the choice is remembered")
        .to_owned();
    assert!(
        cookie.starts_with("lang=fr;") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr""#));
    assert!(html.contains("Attribuer le VIP"));
    let html = page(&browser, &server, "/dashboard").await;
    assert!(
        html.contains(r#"<html lang="fr""#),
        "the cookie beats Accept-Language"
    );
    assert!(html.contains("Se déconnecter"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_cookie_alone_chooses_the_language_and_regions_fall_back() {
    let server = TestServer::start().await;
    let res = server
        .http
        .get(server.url("/"))
        .header(ACCEPT_LANGUAGE, "de")
        .header("cookie", "lang=ja")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ja""#));
    assert!(html.contains("Twitch でログイン"));
    for (accept, lang) in [
        ("pt", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("zh-CN", "en"),
        ("es-MX", "es"),
    ] {
        let html = server
            .http
            .get(server.url("/no-such-page"))
            .header(ACCEPT_LANGUAGE, accept)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!(r#"<html lang="{lang}""#)),
            "{accept}"
        );
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_new_channel_s_chat_templates_are_in_its_streamer_s_language() {
    let server = TestServer::start().await;
    let browser = browser_speaking("es");
    log_in(&server, &browser).await;
    let settings: serde_json::Value = browser
        .get(server.url("/api/settings"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        settings["chat"]["granted"], "¡{viewer} ahora es VIP durante {duration}!",
        "{settings}"
    );
    // The channel's own language too: what the app writes in its name.
    assert_eq!(settings["language"], "es", "{settings}");
    let settings_url = server.url("/api/settings");
    for bad in ["xx", "klingon"] {
        let res = browser
            .put(&settings_url)
            .header("origin", server.url("").trim_end_matches('/'))
            .json(&serde_json::json!({ "language": bad }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{bad}");
    }
    let res = browser
        .put(&settings_url)
        .header("origin", server.url("").trim_end_matches('/'))
        .json(&serde_json::json!({ "language": "pt-BR" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let saved: serde_json::Value = res.json().await.unwrap();
    assert_eq!(saved["language"], "pt-BR", "{saved}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_page_carries_its_language_s_words_for_the_browser_and_explains_scopes_in_it() {
    let server = TestServer::start().await;
    let browser = browser_speaking("de");
    log_in(&server, &browser).await;
    let html = page(&browser, &server, "/account").await;
    // Why each scope is asked for, in German (the server's list is English).
    assert!(
        html.contains("VIPs vergeben, auflisten und entfernen"),
        "{html}"
    );
    // (The English words travel only inside the page's data for hydration, never as its text.)
    assert!(!html.contains(">grant, list and remove VIPs"));
    // The served language's words for the browser's table (its bundle carries English only).
    let start = html
        .find(r#"<script type="application/json" id="i18n-texts">"#)
        .expect("the words in the page");
    let list = &html[html[start..].find('>').unwrap() + start + 1..];
    let list = &list[..list.find("</script>").unwrap()];
    let words: Vec<String> = serde_json::from_str(list).unwrap();
    assert!(words.iter().any(|w| w == "Abmelden"), "{list}");
    // An English page needs none.
    let html = page(&TestServer::browser(), &server, "/?lang=en").await;
    assert!(!html.contains("i18n-texts"));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_input_is_explained_in_the_page_s_language_and_the_api_s_in_english() {
    use app::server_fns::{CreateReward, SaveSettings};
    use leptos::server_fn::ServerFn;

    let server = TestServer::start().await;
    let browser = browser_speaking("de");
    log_in(&server, &browser).await;

    let res = browser
        .post(server.url(SaveSettings::PATH))
        .form(&[
            ("form[default_amount]", "zehn"),
            ("form[default_unit]", "days"),
            ("form[stacking]", "extend"),
            ("form[slots_full]", "refund"),
            ("form[max_wait_amount]", "1"),
            ("form[max_wait_unit]", "days"),
            ("form[chat_granted]", "{viewer}"),
            ("form[chat_extended]", "{viewer}"),
            ("form[chat_expired]", "{viewer}"),
            ("form[chat_refunded]", "{viewer}"),
        ])
        .send()
        .await
        .unwrap();
    // A server function's error (the page shows it); its words are what this test is about.
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Standarddauer: „zehn“ ist keine ganze Zahl"),
        "{body}"
    );

    let res = browser
        .post(server.url(CreateReward::PATH))
        .form(&[
            ("form[title]", "VIP"),
            ("form[cost]", "0"),
            ("form[amount]", "1"),
            ("form[unit]", "hours"),
        ])
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("die Kosten müssen mindestens 1 Punkt betragen"),
        "{body}"
    );

    // The REST API answers in English, whatever the browser speaks.
    let res = browser
        .post(server.url("/api/channel-points"))
        .json(&serde_json::json!({ "title": "VIP", "cost": 0, "duration_secs": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["message"], "the cost must be at least 1 point");
    server.stop().await.unwrap();
}

/// The dashboard's VIP forms (grant, extend, give a deadline) refuse a length in the page's
/// language; the REST API's VIP endpoints keep English.
#[tokio::test]
async fn a_refused_vip_length_is_explained_in_the_page_s_language() {
    use app::server_fns::{ExtendVip, GiveVipDeadline, GrantVip};
    use leptos::server_fn::ServerFn;

    let server = TestServer::start().await;
    let browser = browser_speaking("de");
    log_in(&server, &browser).await;

    let refusals = [
        (
            GrantVip::PATH,
            [("login", "viewer1"), ("amount", "2"), ("unit", "weeks")],
            "„weeks“ ist keine Einheit: nutze Minuten, Stunden oder Tage",
        ),
        (
            ExtendVip::PATH,
            [("viewer_id", "1"), ("amount", "zwei"), ("unit", "hours")],
            "„zwei“ ist keine ganze Zahl",
        ),
        (
            GiveVipDeadline::PATH,
            [("viewer_id", "1"), ("amount", "0"), ("unit", "hours")],
            "eine VIP-Dauer muss mindestens eine Sekunde lang sein",
        ),
    ];
    for (path, form, german) in refusals {
        let res = browser
            .post(server.url(path))
            .form(&form)
            .send()
            .await
            .unwrap();
        let body = res.text().await.unwrap();
        assert!(body.contains(german), "{path}: {body}");
    }

    let res = browser
        .post(server.url("/api/vip/extend"))
        .json(&serde_json::json!({ "user_id": "1", "duration_secs": 0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["message"],
        "a VIP duration must be at least one second"
    );
    server.stop().await.unwrap();
}
