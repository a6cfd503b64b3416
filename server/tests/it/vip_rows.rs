//! The dashboard's VIP rows: one plain form a row, whose buttons post its fields to extend (the
//! form's action) or to revoke (the revoke button's `formaction`), as a browser without JavaScript
//! sends them.

use crate::common::{log_in, page, TestServer};

use app::server_fns::{ExtendVip, GrantVip, RevokeVip};
use leptos::server_fn::ServerFn;
use serde_json::Value;

/// The VIPs of the signed-in channel, as the REST API lists them.
async fn vips(server: &TestServer, browser: &reqwest::Client) -> Vec<Value> {
    let res = browser.get(server.url("/api/vip")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["vips"].as_array().unwrap().clone()
}

fn expires_at(vips: &[Value], login: &str) -> Option<String> {
    vips.iter()
        .find(|v| v["user_login"] == login)
        .map(|v| v["expires_at"].as_str().unwrap().to_owned())
}

/// The `<form …>…</form>` of `login`'s row on the dashboard.
fn row_form<'a>(html: &'a str, login: &str) -> &'a str {
    let row = &html[html
        .find(&format!("data-viewer=\"{login}\""))
        .expect("the VIP's row")..];
    let row = &row[..row.find("</li>").unwrap()];
    &row[row.find("<form").expect("the row's form")..row.find("</form>").unwrap()]
}

/// The `name`/`value` pairs of a form's hidden inputs, in order.
fn hidden_fields(form: &str) -> Vec<(String, String)> {
    form.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|input| {
            let attr = |name: &str| {
                let start = input.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                input[start..start + input[start..].find('"').unwrap()].to_owned()
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

/// A plain form post from the dashboard, as a browser without JavaScript sends it.
async fn post_form(
    server: &TestServer,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> u16 {
    browser
        .post(server.url(path))
        .header("origin", server.url(""))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(fields)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_row_s_buttons_extend_and_revoke_with_the_fields_its_form_posts() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let grant = [("login", "viewer_bob"), ("amount", "1"), ("unit", "hours")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert!(post_form(&server, &browser, GrantVip::PATH, &grant).await < 400);
    let granted = expires_at(&vips(&server, &browser).await, "viewer_bob").expect("granted");

    let html = page(&browser, &server, "/dashboard").await;
    let form = row_form(&html, "viewer_bob");
    assert!(
        form.contains(&format!("action=\"{}\"", ExtendVip::url())),
        "{form}"
    );
    assert!(
        form.contains(&format!("formaction=\"{}\"", RevokeVip::url())),
        "{form}"
    );
    let fields = hidden_fields(form);
    assert_eq!(
        fields.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["viewer_id", "amount", "unit"],
        "{form}"
    );

    // "+1 h": the form's own action.
    assert!(post_form(&server, &browser, ExtendVip::url(), &fields).await < 400);
    let extended = expires_at(&vips(&server, &browser).await, "viewer_bob").expect("still a VIP");
    let hour = |at: &str| chrono::DateTime::parse_from_rfc3339(at).unwrap();
    assert_eq!((hour(&extended) - hour(&granted)).num_seconds(), 3600);

    // "Revoke": the same fields, posted to revoke, which reads the viewer only.
    assert!(post_form(&server, &browser, RevokeVip::url(), &fields).await < 400);
    assert_eq!(
        expires_at(&vips(&server, &browser).await, "viewer_bob"),
        None
    );
    server.stop().await.unwrap();
}
