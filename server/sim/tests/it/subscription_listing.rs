//! Get EventSub Subscriptions with an app token: pages of 100, oldest first, followed with the
//! `after` cursor, each page carrying the client's `total` and `total_cost`; a deletion takes the
//! subscription out of both.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

/// Subscriptions that cost: `stream.online` for broadcasters who never authorised the client.
const UNAUTHORISED: usize = 250;

#[tokio::test]
async fn the_listing_is_paged_oldest_first_with_the_clients_totals() {
    let env = env().await;
    let app = env.app_token();
    let conduit = env.conduit_id(1).await;
    let subscribe = |kind: &'static str, broadcaster: String| {
        let (env, app, conduit) = (&env, &app, &conduit);
        async move {
            let r = env
                .helix(
                    Method::POST,
                    "/eventsub/subscriptions",
                    app,
                    Some(json!({
                        "type": kind, "version": "1",
                        "condition": {"broadcaster_user_id": broadcaster},
                        "transport": {"method": "conduit", "conduit_id": conduit},
                    })),
                )
                .await;
            assert_eq!(r.status, 202, "{}", r.text);
            r
        }
    };
    // The streamer authorised the client for redemptions: that one costs nothing.
    let free = subscribe(
        "channel.channel_points_custom_reward_redemption.add",
        env.streamer.id.clone(),
    )
    .await;
    assert_eq!(
        (free.body["total"].clone(), free.body["total_cost"].clone()),
        (json!(1), json!(0))
    );
    let mut created = vec![free.body["data"][0]["id"].as_str().unwrap().to_owned()];
    for i in 0..UNAUTHORISED {
        let r = subscribe("stream.online", format!("{}", 90_000_000 + i)).await;
        assert_eq!(r.body["total"], json!(i + 2));
        assert_eq!(r.body["total_cost"], json!(i + 1));
        created.push(r.body["data"][0]["id"].as_str().unwrap().to_owned());
    }

    let mut listed = Vec::new();
    let mut path = "/eventsub/subscriptions".to_owned();
    let mut sizes = Vec::new();
    loop {
        let page = env.helix(Method::GET, &path, &app, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(page.body["total"], json!(UNAUTHORISED + 1));
        assert_eq!(page.body["total_cost"], json!(UNAUTHORISED));
        let data = page.body["data"].as_array().unwrap();
        sizes.push(data.len());
        listed.extend(data.iter().map(|s| s["id"].as_str().unwrap().to_owned()));
        match page.body["pagination"]["cursor"].as_str() {
            Some(cursor) => path = format!("/eventsub/subscriptions?after={cursor}"),
            None => break,
        }
    }
    assert_eq!(sizes, [100, 100, 51]);
    // "Ordered by the oldest subscription first".
    assert_eq!(listed, created);

    let gone = env
        .helix(
            Method::DELETE,
            &format!("/eventsub/subscriptions?id={}", created[1]),
            &app,
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let after = env
        .helix(Method::GET, "/eventsub/subscriptions", &app, None)
        .await;
    assert_eq!(after.body["total"], json!(UNAUTHORISED));
    assert_eq!(after.body["total_cost"], json!(UNAUTHORISED - 1));
    assert_eq!(after.body["data"][0]["id"], json!(created[0]));
    assert_eq!(after.body["data"][1]["id"], json!(created[2]));
}
