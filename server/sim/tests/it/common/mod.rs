//! Shared helpers: a simulator on port 0, a Helix caller, WebSocket helpers,
//! a fixture shape comparison, a webhook callback ([`callback`]), reward paths ([`rewards`]) and
//! support events ([`support`]).

pub mod callback;
pub mod rewards;
pub mod support;

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use twitch_sim::{Config, Simulator, User};

pub const ALL_SCOPES: &[&str] = &[
    "channel:manage:vips",
    "channel:read:vips",
    "channel:manage:redemptions",
    "channel:read:redemptions",
    "moderation:read",
    "channel:manage:moderators",
    "user:write:chat",
];

/// The simulator served on port 0, a registered client, and its streamer with a user token.
pub struct SimHarness {
    pub sim: Simulator,
    pub base: String,
    pub http: reqwest::Client,
    pub client_id: String,
    pub client_secret: String,
    pub streamer: User,
    /// The streamer's user token with [`ALL_SCOPES`].
    pub token: String,
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn env() -> SimHarness {
    env_with(Config::default()).await
}

pub async fn env_with(config: Config) -> SimHarness {
    let sim = Simulator::with_config(config);
    let (addr, _task) = sim
        .clone()
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (client_id, client_secret) = sim.register_client();
    let streamer = sim.add_streamer("streamer");
    let token = sim
        .issue_user_token(&client_id, "streamer", ALL_SCOPES)
        .access_token;
    SimHarness {
        sim,
        base: format!("http://{addr}"),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        client_id,
        client_secret,
        streamer,
        token,
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl SimHarness {
    /// A Helix call with `Authorization: Bearer token` and this env's Client-Id.
    pub async fn helix(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Resp {
        self.helix_as(method, path, token, &self.client_id, body)
            .await
    }

    pub async fn helix_as(
        &self,
        method: Method,
        path: &str,
        token: &str,
        client_id: &str,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self
            .http
            .request(method, format!("{}/helix{path}", self.base))
            .header("Authorization", format!("Bearer {token}"))
            .header("Client-Id", client_id);
        if let Some(b) = body {
            req = req.json(&b);
        }
        into_resp(req.send().await.unwrap()).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        into_resp(resp).await
    }

    pub async fn sim_post(&self, path: &str, body: Value) -> Resp {
        let resp = self
            .http
            .post(format!("{}/sim{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        into_resp(resp).await
    }

    /// `POST /sim{path}` (the control API), which must answer 204.
    pub async fn sim_ok(&self, path: &str, body: Value) {
        let r = self.sim_post(path, body).await;
        assert_eq!(r.status, 204, "{}", r.text);
    }

    /// `GET /sim{path}` (the control API) as JSON.
    pub async fn sim_get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}/sim{path}", self.base))
            .send()
            .await
            .unwrap();
        into_resp(resp).await.body
    }

    pub fn ws_url(&self) -> String {
        self.sim.ws_url()
    }

    pub fn user_token(&self, user: &str, scopes: &[&str]) -> String {
        self.sim
            .issue_user_token(&self.client_id, user, scopes)
            .access_token
    }

    pub fn app_token(&self) -> String {
        self.sim.issue_app_token(&self.client_id)
    }

    /// Create Conduits with `token` (an app token, or not, to see it refused).
    pub async fn create_conduit(&self, token: &str, shards: u64) -> Resp {
        self.helix(
            Method::POST,
            "/eventsub/conduits",
            token,
            Some(serde_json::json!({ "shard_count": shards })),
        )
        .await
    }

    /// A new conduit of `shards` shards, made with the app token; its id.
    pub async fn conduit_id(&self, shards: u64) -> String {
        let r = self.create_conduit(&self.app_token(), shards).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["data"][0]["id"].as_str().unwrap().to_owned()
    }

    /// Creates a reward as this env's client through Helix; returns its id.
    pub async fn create_reward(&self, title: &str, cost: i64) -> String {
        let r = self
            .helix(
                Method::POST,
                &rewards::rewards_path(self),
                &self.token,
                Some(serde_json::json!({"title": title, "cost": cost})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["data"][0]["id"].as_str().unwrap().to_string()
    }
}

pub async fn into_resp(resp: reqwest::Response) -> Resp {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
        text,
    }
}

/// Asserts a Twitch error body `{"error","status","message"}` with `status`.
pub fn assert_error(r: &Resp, status: u16) {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.text);
    let obj = r.body.as_object().expect("error body is an object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["error", "message", "status"], "body: {}", r.text);
    assert_eq!(r.body["status"], status);
}

/// Reads a fixture from `server/sim/fixtures/`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Same field names and nesting (object key sets equal, recursively; arrays
/// compare their first elements; `null` matches any type).
pub fn assert_same_shape(expected: &Value, actual: &Value) {
    if let Err(e) = shape(expected, actual, "$") {
        panic!("shape mismatch: {e}\nexpected: {expected}\nactual:   {actual}");
    }
}

fn shape(e: &Value, a: &Value, path: &str) -> Result<(), String> {
    match (e, a) {
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(eo), Value::Object(ao)) => {
            let mut ek: Vec<&String> = eo.keys().collect();
            let mut ak: Vec<&String> = ao.keys().collect();
            ek.sort();
            ak.sort();
            if ek != ak {
                return Err(format!("{path}: keys {ek:?} != {ak:?}"));
            }
            for (k, ev) in eo {
                shape(ev, &ao[k], &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(ea), Value::Array(aa)) => match (ea.first(), aa.first()) {
            (Some(x), Some(y)) => shape(x, y, &format!("{path}[0]")),
            _ => Ok(()),
        },
        (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_)) => Ok(()),
        _ => Err(format!("{path}: type {e} vs {a}")),
    }
}

/// Connects to the EventSub WebSocket (`query` appended verbatim).
pub async fn ws_connect(url: &str) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws
}

/// Next text frame as JSON (fails after 5 s, which only a broken simulator hits).
pub async fn ws_next(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no WebSocket message within 5 s")
            .expect("socket ended")
            .expect("socket error");
        match msg {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Reads until the close frame and returns its code.
pub async fn ws_close_code(ws: &mut Ws) -> u16 {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no close within 5 s");
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return 0,
            Some(Ok(_)) => continue,
        }
    }
}

/// Connects and returns the socket and its session id (welcome consumed).
pub async fn ws_session(env: &SimHarness) -> (Ws, String) {
    let mut ws = ws_connect(&env.ws_url()).await;
    let welcome = ws_next(&mut ws).await;
    assert_eq!(welcome["metadata"]["message_type"], "session_welcome");
    let id = welcome["payload"]["session"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    (ws, id)
}

/// Creates a WebSocket subscription with `token`.
pub async fn subscribe_ws(
    env: &SimHarness,
    token: &str,
    kind: &str,
    condition: Value,
    session: &str,
) -> Resp {
    env.helix(
        Method::POST,
        "/eventsub/subscriptions",
        token,
        Some(serde_json::json!({
            "type": kind,
            "version": "1",
            "condition": condition,
            "transport": {"method": "websocket", "session_id": session},
        })),
    )
    .await
}
