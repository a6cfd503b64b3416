//! Helix (`/helix/...`) endpoints. Every route passes through
//! [`crate::auth::helix_auth`]; handlers check token type, scopes and the
//! endpoint's own rules and answer with Twitch's error body.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::middleware;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::{User, World};
use crate::Simulator;

pub mod chat;
pub mod eventsub;
pub mod members;
pub mod moderators;
pub mod redemptions;
pub mod rewards;
pub mod users;
pub mod vips;

/// The `/helix` router (to be nested under `/helix`).
pub fn router(sim: &Simulator) -> Router<Simulator> {
    Router::new()
        .route("/users", get(users::get_users))
        .route(
            "/channels/vips",
            get(vips::get_vips)
                .post(vips::add_vip)
                .delete(vips::remove_vip),
        )
        .route(
            "/moderation/moderators",
            get(moderators::get_moderators)
                .post(moderators::add_moderator)
                .delete(moderators::remove_moderator),
        )
        .route(
            "/channel_points/custom_rewards",
            get(rewards::get_rewards)
                .post(rewards::create_reward)
                .patch(rewards::update_reward)
                .delete(rewards::delete_reward),
        )
        .route(
            "/channel_points/custom_rewards/redemptions",
            get(redemptions::get_redemptions).patch(redemptions::update_redemptions),
        )
        .route("/chat/messages", axum::routing::post(chat::send_message))
        .route(
            "/eventsub/subscriptions",
            get(eventsub::get_subscriptions)
                .post(crate::conduit_helix::create_subscription)
                .delete(eventsub::delete_subscription),
        )
        .route(
            "/eventsub/conduits",
            get(crate::conduit_helix::get_conduits)
                .post(crate::conduit_helix::create_conduit)
                .patch(crate::conduit_helix::update_conduit)
                .delete(crate::conduit_helix::delete_conduit),
        )
        .route(
            "/eventsub/conduits/shards",
            get(crate::conduit_helix::get_shards).patch(crate::conduit_helix::update_shards),
        )
        .route_layer(middleware::from_fn_with_state(
            sim.clone(),
            crate::auth::helix_auth,
        ))
}

/// Query parameters with repeated keys (`id=1&id=2`), as Helix uses them.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(query: &str) -> Self {
        Self(
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        )
    }
    /// First value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// First non-empty value of `key`, or 400 `Missing required parameter`.
    pub fn require(&self, key: &str) -> Result<&str, ApiError> {
        self.get(key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::bad_request(format!("Missing required parameter \"{key}\"")))
    }
    /// All values of `key`.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// `first` within `1..=max` (default `default`), else 400.
    pub fn first(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get("first") {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_request(format!(
                    "The parameter \"first\" must be between 1 and {max}"
                ))),
            },
        }
    }
    /// Offset encoded in the `after` cursor (0 without one), 400 when bogus.
    pub fn after(&self) -> Result<usize, ApiError> {
        match self.get("after") {
            None | Some("") => Ok(0),
            Some(c) => decode_cursor(c).ok_or_else(|| ApiError::bad_request("Invalid cursor")),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::parse(parts.uri.query().unwrap_or_default()))
    }
}

/// Opaque pagination cursor for an offset.
pub fn encode_cursor(offset: usize) -> String {
    format!("c{}", hex::encode(offset.to_string()))
}

pub fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = hex::decode(cursor.strip_prefix('c')?).ok()?;
    String::from_utf8(bytes).ok()?.parse().ok()
}

/// `{"data": page, "pagination": {"cursor"?}}` for `items[offset..]`, at most `first` of them,
/// each as `item` writes it (only the page's items are written).
pub fn paginate<T>(items: &[T], offset: usize, first: usize, item: impl Fn(&T) -> Value) -> Value {
    let end = (offset + first).min(items.len());
    let page: Vec<Value> = items
        .get(offset.min(items.len())..end)
        .unwrap_or_default()
        .iter()
        .map(item)
        .collect();
    let pagination = if end < items.len() {
        json!({"cursor": encode_cursor(end)})
    } else {
        json!({})
    };
    json!({"data": page, "pagination": pagination})
}

/// A user id from a query parameter: 400 when malformed, 404 when unknown.
pub fn lookup_user<'w>(world: &'w World, id: &str, param: &str) -> Result<&'w User, ApiError> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(format!(
            "The ID in {param} is not valid"
        )));
    }
    world
        .users
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("The ID in {param} was not found")))
}

/// `{user_id, user_login, user_name}` (VIP / moderator list item).
pub fn user_item(user: &User) -> Value {
    json!({"user_id": user.id, "user_login": user.login, "user_name": user.display_name})
}

/// Adds `broadcaster_id/login/name` fields to `obj`.
pub fn broadcaster_fields(obj: &mut Value, user: &User) {
    obj["broadcaster_id"] = json!(user.id);
    obj["broadcaster_login"] = json!(user.login);
    obj["broadcaster_name"] = json!(user.display_name);
}
