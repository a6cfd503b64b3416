//! A page render reads a channel record once, whoever asks for it; a posted server function
//! (which may change the channel) reads it from the store each time.

use app::model::{Channel, ChannelId, Settings};
use app::ssr::page_reads;
use app::ssr::store::prelude::*;
use axum::http::{Method, Request};
use leptos::prelude::{provide_context, Owner};
use server::store::SqliteStore;

fn channel(login: &str) -> Channel {
    Channel {
        id: ChannelId::from("100"),
        login: login.into(),
        display_name: login.into(),
        profile_image_url: None,
        settings: Settings::default(),
        needs_reauth: false,
    }
}

/// `login` of the channel as read twice by one request of `method`, with the record renamed
/// between the two reads.
async fn read_twice(store: &SqliteStore, method: Method, renamed: &str) -> (String, String) {
    let owner = Owner::new();
    owner.set();
    let (parts, ()) = Request::builder()
        .method(method)
        .uri("/dashboard")
        .body(())
        .unwrap()
        .into_parts();
    provide_context(parts);
    page_reads::provide();
    let id = ChannelId::from("100");
    let first = page_reads::channel(store, &id).await.unwrap().unwrap();
    store.save_channel(&channel(renamed)).await.unwrap();
    let second = page_reads::channel(store, &id).await.unwrap().unwrap();
    (first.login, second.login)
}

#[tokio::test]
async fn a_page_render_reads_a_channel_once_and_a_posted_function_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/vip.db", dir.path().display());
    let store = SqliteStore::connect(&url).await.unwrap();
    store.save_channel(&channel("first")).await.unwrap();

    let (a, b) = read_twice(&store, Method::GET, "second").await;
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("first", "first"),
        "kept for the render"
    );

    let (a, b) = read_twice(&store, Method::POST, "third").await;
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("second", "third"),
        "read each time"
    );
}
