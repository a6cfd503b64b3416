//! A demo-mode server with the streamer logged in and chat read, and helpers to write in chat and
//! wait for the reply.

use std::time::Duration;

use app::ssr::store::prelude::*;
use serde_json::{json, Value};

use crate::common::{eventually, log_in, try_get_json, TestServer};

/// Long enough for a loaded machine; a hang guard, not a speed check.
const LIMIT: Duration = Duration::from_secs(30);

pub struct Chat {
    pub server: TestServer,
    pub browser: reqwest::Client,
}

impl Chat {
    /// Logs the demo streamer in (a new channel: chat commands on, chat scopes asked) and waits
    /// until the channel reads chat.
    pub async fn start() -> Self {
        // No simulated audience redeeming in between.
        let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
        let browser = TestServer::browser();
        log_in(&server, &browser).await;
        let chat = Self { server, browser };
        chat.reading().await;
        chat
    }

    /// Waits for an enabled `channel.chat.message` subscription.
    pub async fn reading(&self) {
        let url = self.server.url("/twitch-sim/sim/subscriptions");
        eventually("chat read", LIMIT, || async {
            let subs = try_get_json(&self.server.http, &url).await?;
            subs["data"]
                .as_array()?
                .iter()
                .any(|s| s["type"] == "channel.chat.message" && s["status"] == "enabled")
                .then_some(())
        })
        .await;
    }

    pub async fn settings(&self, change: Value) -> Value {
        let res = self
            .browser
            .put(self.server.url("/api/settings"))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// `user` writes `text` in the demo channel; returns the message id.
    pub async fn say(&self, user: &str, text: &str) -> String {
        self.say_with(json!({"user": user, "text": text})).await
    }

    pub async fn say_with(&self, body: Value) -> String {
        let res = self
            .server
            .http
            .post(
                self.server
                    .url("/twitch-sim/sim/channels/demo_streamer/chat"),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let body: Value = res.json().await.unwrap();
        body["message_id"].as_str().unwrap().to_owned()
    }

    /// Messages the app sent in the demo channel.
    pub async fn sent(&self) -> Vec<Value> {
        let url = self.server.url("/twitch-sim/sim/channels/demo_streamer");
        let channel: Value = self
            .server
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        channel["chat"].as_array().unwrap().clone()
    }

    /// The reply threaded to `message_id`, once it was sent.
    pub async fn reply_to(&self, message_id: &str) -> String {
        eventually("a threaded reply", LIMIT, || async {
            self.sent()
                .await
                .into_iter()
                .find(|m| m["reply_parent_message_id"] == message_id)
                .map(|m| m["message"].as_str().unwrap().to_owned())
        })
        .await
    }

    /// `user` writes `text` and the reply comes.
    pub async fn ask(&self, user: &str, text: &str) -> String {
        let id = self.say(user, text).await;
        self.reply_to(&id).await
    }

    /// Whether anything answered `message_id` (call after a later message of the same chatter
    /// was answered: one chatter's messages are handled in order).
    pub async fn answered(&self, message_id: &str) -> bool {
        self.sent()
            .await
            .iter()
            .any(|m| m["reply_parent_message_id"] == message_id)
    }

    /// Waits until every message stored in the channel's inbox was handled.
    pub async fn settled(&self) {
        let store = self.server.store().await;
        let channel = store
            .channel_by_login("demo_streamer")
            .await
            .unwrap()
            .unwrap()
            .id;
        eventually("the inbox handled", LIMIT, || async {
            store
                .inbox_pending(&channel, 10)
                .await
                .ok()
                .filter(Vec::is_empty)
                .map(|_| ())
        })
        .await;
    }

    pub async fn vips(&self) -> Vec<Value> {
        let res = self
            .browser
            .get(self.server.url("/api/vip"))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        body["vips"].as_array().unwrap().clone()
    }

    pub async fn vip(&self, login: &str) -> Option<Value> {
        self.vips()
            .await
            .into_iter()
            .find(|v| v["user_login"] == login)
    }

    /// The newest audit entries, newest first.
    pub async fn audit(&self) -> Vec<Value> {
        let res = self
            .browser
            .get(self.server.url("/api/audit-log?limit=50"))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        body["entries"].as_array().unwrap().clone()
    }

    /// A change on the simulated Twitch (`/sim/channels/demo_streamer/{path}`).
    pub async fn twitch(&self, path: &str, body: Value) {
        let res = self
            .server
            .http
            .post(
                self.server
                    .url(&format!("/twitch-sim/sim/channels/demo_streamer/{path}")),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    }
}
