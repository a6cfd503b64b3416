//! A page render reads a channel record (and a channel's VIPs, rewards, token) once, whoever asks
//! for it; a posted server function (which may change them) reads from the store each time. The
//! SQLite store's reads of a render share one read transaction, whose connection the render gives
//! back when it ends.

use app::model::{
    Channel, ChannelId, ChatBotState, EventSubState, GrantLength, Reward, Settings, TokenHealth,
};
use app::ssr::account::{AccountStatus, RequiredScope};
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

fn reward(id: &str) -> Reward {
    Reward {
        id: id.into(),
        channel_id: ChannelId::from("100"),
        title: format!("VIP {id}"),
        cost: 100,
        prompt: String::new(),
        duration: GrantLength::StreamEnd,
        enabled: true,
        global_cooldown_secs: None,
        max_per_stream: None,
        max_per_user_per_stream: None,
    }
}

/// The context of one request of `method`, as the server provides it to a render.
fn request(method: Method) -> Owner {
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
    owner
}

/// `login` of the channel as read twice by one request of `method`, with the record renamed
/// between the two reads.
async fn read_twice(store: &SqliteStore, method: Method, renamed: &str) -> (String, String) {
    let _owner = request(method);
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

/// How many rewards one request of `method` reads twice, with a reward added between the reads.
async fn rewards_read_twice(store: &SqliteStore, method: Method, added: &str) -> (usize, usize) {
    let _owner = request(method);
    let id = ChannelId::from("100");
    let first = page_reads::rewards(store, &id).await.unwrap().len();
    store.save_reward(&reward(added)).await.unwrap();
    let second = page_reads::rewards(store, &id).await.unwrap().len();
    (first, second)
}

#[tokio::test]
async fn a_page_render_reads_a_channel_s_rewards_once_and_a_posted_function_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/vip.db", dir.path().display());
    let store = SqliteStore::connect(&url).await.unwrap();
    store.save_channel(&channel("first")).await.unwrap();
    assert_eq!(
        rewards_read_twice(&store, Method::GET, "r1").await,
        (0, 0),
        "kept for the render"
    );
    assert_eq!(
        rewards_read_twice(&store, Method::POST, "r2").await,
        (1, 2),
        "read each time"
    );
}

/// Counts the reads of stored tokens; each read takes a moment, so that reads asked for together
/// overlap.
#[derive(Default)]
struct CountedTokens(std::sync::atomic::AtomicUsize);

#[async_trait::async_trait]
impl AccountStatus for CountedTokens {
    fn required_scopes(&self, _: &Settings) -> Vec<RequiredScope> {
        Vec::new()
    }

    async fn token(&self, _: &str) -> Result<Option<TokenHealth>, String> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Ok(None)
    }

    fn eventsub(&self, _: &ChannelId) -> Option<EventSubState> {
        None
    }

    fn webhook_transport(&self) -> bool {
        true
    }

    fn eventsub_transport(&self) -> &'static str {
        "webhook"
    }

    async fn chat_bot(&self) -> ChatBotState {
        ChatBotState::NotConnected
    }
}

/// How many times the token is read when two panels of one request of `method` ask for it at
/// the same moment.
async fn token_reads(method: Method) -> usize {
    let status = CountedTokens::default();
    let _owner = request(method);
    let (a, b) = tokio::join!(
        page_reads::token(&status, "100"),
        page_reads::token(&status, "100")
    );
    assert_eq!((a.unwrap(), b.unwrap()), (None, None));
    status.0.load(std::sync::atomic::Ordering::SeqCst)
}

#[tokio::test]
async fn panels_asking_for_a_token_at_once_share_one_read_in_a_page_render() {
    assert_eq!(
        token_reads(Method::GET).await,
        1,
        "the second waits for the first's read"
    );
    assert_eq!(token_reads(Method::POST).await, 2, "each reads");
}

/// Files this process holds open on `path` (Linux: the links in `/proc/self/fd`).
fn files_open_on(path: &std::path::Path) -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter(|target| target == path)
        .count()
}

/// Each render of the dashboard pins a read connection for its transaction: a render that kept
/// it when it ended would leave one more connection (and open file) behind each page.
#[tokio::test]
async fn page_renders_give_their_read_connection_back() {
    let server = crate::common::TestServer::start().await;
    let browser = crate::common::TestServer::browser();
    crate::common::log_in(&server, &browser).await;
    let file = std::path::PathBuf::from(
        server
            .database_url
            .strip_prefix("sqlite://")
            .expect("a SQLite URL"),
    );
    const PAGES: usize = 60;
    for _ in 0..PAGES {
        let res = browser.get(server.url("/dashboard")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("id=\"vip-list\"") || page.contains("id=\"no-vips\""),
            "not the signed-in dashboard"
        );
    }
    let open = files_open_on(&file);
    assert!(open > 0, "no file open on {}", file.display());
    // The writer's and the checkpoints' connections and the readers kept (8), with room for a
    // render that ended a moment after its page was sent.
    assert!(
        open <= 13,
        "{open} files open on the database after {PAGES} pages"
    );
    server.stop().await.unwrap();
}
