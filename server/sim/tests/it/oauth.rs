//! OAuth: authorization code flow, refresh, client credentials, validate,
//! revoke — success shapes and documented error bodies.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

async fn authorize(env: &SimHarness, query: &str) -> reqwest::Response {
    env.http
        .get(format!("{}/oauth2/authorize?{query}", env.base))
        .send()
        .await
        .unwrap()
}

fn location_params(resp: &reqwest::Response) -> Vec<(String, String)> {
    let loc = resp.headers()["location"].to_str().unwrap();
    let query = loc.split_once('?').unwrap().1;
    form_urlencoded_pairs(query)
}

fn form_urlencoded_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            (
                k.to_string(),
                v.replace('+', " ").replace("%3A", ":").replace("%20", " "),
            )
        })
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn authorization_code_flow_refresh_validate_revoke() {
    let env = env().await;
    let resp = authorize(
        &env,
        &format!(
            "response_type=code&client_id={}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&scope=channel%3Amanage%3Avips%20moderation%3Aread&state=xyz&login=streamer",
            env.client_id
        ),
    )
    .await;
    assert_eq!(resp.status(), 302);
    let loc = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("http://localhost:3000/cb?"), "{loc}");
    let p = location_params(&resp);
    assert_eq!(get(&p, "state"), Some("xyz"));
    assert_eq!(
        get(&p, "scope"),
        Some("channel:manage:vips moderation:read")
    );
    let code = get(&p, "code").unwrap().to_string();

    // Wrong redirect_uri → invalid code.
    let bad = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", &env.client_secret),
                ("code", &code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", "http://evil/cb"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_same_shape(&fixture("oauth_revoke_error_400.json"), &bad.body);

    let tok = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", &env.client_secret),
                ("code", &code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", "http://localhost:3000/cb"),
            ],
        )
        .await;
    assert_eq!(tok.status, 200, "{}", tok.text);
    assert_same_shape(
        &fixture("oauth_token_response_authorization_code.json"),
        &tok.body,
    );
    assert_eq!(
        tok.body["scope"],
        json!(["channel:manage:vips", "moderation:read"])
    );
    let access = tok.body["access_token"].as_str().unwrap().to_string();
    let refresh = tok.body["refresh_token"].as_str().unwrap().to_string();

    // The code is single-use.
    let again = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", &env.client_secret),
                ("code", &code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", "http://localhost:3000/cb"),
            ],
        )
        .await;
    assert_eq!(again.status, 400);

    // Validate.
    let v = env
        .http
        .get(format!("{}/oauth2/validate", env.base))
        .header("Authorization", format!("OAuth {access}"))
        .send()
        .await
        .unwrap();
    let v = into_resp(v).await;
    assert_eq!(v.status, 200);
    assert_same_shape(&fixture("oauth_validate_response.json"), &v.body);
    assert_eq!(v.body["login"], "streamer");
    assert_eq!(v.body["user_id"], env.streamer.id);

    // Refresh rotates the refresh token; the old one is then invalid.
    let r = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", &env.client_secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_same_shape(
        &fixture("oauth_token_response_authorization_code.json"),
        &r.body,
    );
    assert_ne!(r.body["refresh_token"].as_str().unwrap(), refresh);
    let stale = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", &env.client_secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
            ],
        )
        .await;
    assert_eq!(stale.status, 400);
    assert_eq!(stale.body, fixture("oauth_refresh_error_400.json"));

    // Revoke: unknown client 404, bad token 400, then OK; token then fails validate.
    let r404 = env
        .post_form(
            "/oauth2/revoke",
            &[("client_id", "nope"), ("token", &access)],
        )
        .await;
    assert_eq!(r404.body, fixture("oauth_revoke_error_404.json"));
    let r400 = env
        .post_form(
            "/oauth2/revoke",
            &[("client_id", &env.client_id), ("token", "bogus")],
        )
        .await;
    assert_eq!(r400.body, fixture("oauth_revoke_error_400.json"));
    let ok = env
        .post_form(
            "/oauth2/revoke",
            &[("client_id", &env.client_id), ("token", &access)],
        )
        .await;
    assert_eq!(ok.status, 200);
    let v = env
        .http
        .get(format!("{}/oauth2/validate", env.base))
        .header("Authorization", format!("OAuth {access}"))
        .send()
        .await
        .unwrap();
    let v = into_resp(v).await;
    assert_eq!(v.status, 401);
    assert_eq!(v.body, fixture("oauth_validate_error_401.OBSERVED.json"));
}

#[tokio::test]
async fn authorize_denied_and_bad_client() {
    let env = env().await;
    let resp = authorize(
        &env,
        &format!(
            "response_type=code&client_id={}&redirect_uri=http%3A%2F%2Fx%2Fcb&scope=&state=s1&sim_deny=true",
            env.client_id
        ),
    )
    .await;
    assert_eq!(resp.status(), 302);
    let p = location_params(&resp);
    assert_eq!(get(&p, "error"), Some("access_denied"));
    assert_eq!(get(&p, "state"), Some("s1"));

    let resp = authorize(
        &env,
        "response_type=code&client_id=unknown&redirect_uri=http%3A%2F%2Fx",
    )
    .await;
    assert_eq!(resp.status(), 400);

    // Registered redirect URIs must match exactly.
    env.sim
        .add_client("strictclient", "strictsecret", &["https://app/cb"]);
    let resp = authorize(
        &env,
        "response_type=code&client_id=strictclient&redirect_uri=https%3A%2F%2Fapp%2Fother",
    )
    .await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn client_credentials_and_bad_secret() {
    let env = env().await;
    let bad = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", "wrong"),
                ("grant_type", "client_credentials"),
            ],
        )
        .await;
    assert_eq!(bad.status, 403);
    let ok = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &env.client_id),
                ("client_secret", &env.client_secret),
                ("grant_type", "client_credentials"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["token_type"], "bearer");
    assert!(ok.body.get("refresh_token").is_none());
    let app = ok.body["access_token"].as_str().unwrap();
    // An app token works for Get Users with ids.
    let users = env
        .helix(
            Method::GET,
            &format!("/users?id={}", env.streamer.id),
            app,
            None,
        )
        .await;
    assert_eq!(users.status, 200);
    assert_eq!(users.body["data"][0]["login"], "streamer");
}

#[tokio::test]
async fn validate_missing_header_and_expired_token() {
    let env = env().await;
    let v = into_resp(
        env.http
            .get(format!("{}/oauth2/validate", env.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v.status, 401);
    assert_eq!(v.body["message"], "missing authorization token");

    env.sim.expire_token(&env.token);
    let r = env
        .helix(
            Method::GET,
            &format!("/channels/vips?broadcaster_id={}", env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 401);
}

#[tokio::test]
async fn tokens_expire_with_the_simulated_clock() {
    let env = env().await;
    env.sim
        .advance_clock(std::time::Duration::from_secs(4 * 3600 + 1));
    let r = env.helix(Method::GET, "/users", &env.token, None).await;
    assert_error(&r, 401);
}
