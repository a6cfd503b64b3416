//! Without JavaScript: the create form posts, the server redirects back to the settings page's
//! tokens, and that page shows the new token once (never in the address), then only its prefix.
//! The per-user limit is explained in words.

use app::model::MAX_API_TOKENS;
use app::server_fns::CreateApiToken;
use leptos::server_fn::ServerFn;

use crate::api_tokens::{call, create, send};
use crate::common::{location, log_in, TestServer};

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_plain_form_post_shows_the_new_token_once() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;

    let res = browser
        .post(server.url(CreateApiToken::PATH))
        .header("accept", "text/html")
        .header("referer", server.url("/settings"))
        .form(&[("name", "Deck without JS")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = location(&res);
    assert_eq!(back, "/settings#api-tokens-title", "back at the tokens");
    let flash = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("vip_new_api_token="))
        .expect("the token rides along in a cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/settings", "Max-Age="] {
        assert!(flash.contains(attribute), "{flash}");
    }

    // A browser does not send the fragment.
    let res = browser.get(server.url("/settings")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("vip_new_api_token=;") && c.contains("Max-Age=0")),
        "the page clears the cookie"
    );
    let html = res.text().await.unwrap();
    let start = html
        .find(r#"id="new-api-token-value""#)
        .expect("the token field");
    let token: String = html[start..]
        .split("value=\"")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert!(app::model::is_api_token(&token), "{token}");
    assert!(!back.contains(&token));

    // It works, and the next visit shows only its prefix.
    let (status, _) = send(server.http.get(server.url("/api/vip")).bearer_auth(&token)).await;
    assert_eq!(status, 200);
    let html = send(browser.get(server.url("/settings"))).await.1;
    let html = html.as_str().unwrap();
    assert!(!html.contains(&token[12..]), "shown once");
    assert!(html.contains(&token[..12]));
    assert!(html.contains("Deck without JS"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_user_holds_a_limited_number_of_tokens() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    for n in 1..MAX_API_TOKENS {
        create(&server, &browser, &format!("Tool {n}")).await;
    }
    let (last, _) = create(&server, &browser, "The last one").await;
    let (status, body) =
        call::<CreateApiToken>(&server, &browser, &[("name", "One too many")]).await;
    assert!(status >= 400, "{status}");
    assert!(body.to_string().contains("revoke one first"), "{body}");
    let (status, body) = call::<CreateApiToken>(&server, &browser, &[("name", "  ")]).await;
    assert!(status >= 400 && body.to_string().contains("name"), "{body}");
    // The refusals changed nothing: the last token still works.
    let (status, _) = send(server.http.get(server.url("/api/vip")).bearer_auth(&last)).await;
    assert_eq!(status, 200);
    server.stop().await.unwrap();
}
