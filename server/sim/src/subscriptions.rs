//! The world's EventSub subscriptions, with the indexes the simulator's checks read, so that a
//! 409, a cost check or a delivery does not walk every subscription of every client (a listing
//! still does, once per page, to order them). The indexes hold only what a subscription never
//! changes once created (its type, condition, client, owner and cost); its status may change
//! through [`Subscriptions::get_mut`], and every count that depends on the status reads it from
//! the subscription itself.

use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use serde_json::{Map, Value};

use crate::state::Subscription;

/// A client's subscriptions made with an app access token (webhook and conduit ones; a WebSocket
/// subscription belongs to the user whose token made it).
#[derive(Debug, Default)]
struct AppOwned {
    count: usize,
    /// Those that cost (`cost > 0`): the only ones `total_cost` can count.
    costly: HashSet<String>,
}

/// Every subscription by id. Reads go through [`Deref`]; writes through the methods below, which
/// keep the indexes.
#[derive(Debug, Default)]
pub struct Subscriptions {
    by_id: HashMap<String, Subscription>,
    /// `(type, primary condition value)` → ids, in creation order ([`primary`]).
    by_key: HashMap<(String, String), Vec<String>>,
    /// Client id → its app-owned subscriptions.
    apps: HashMap<String, AppOwned>,
}

/// The condition value a subscription is found by: the broadcaster, else the client, else the
/// user it names.
pub fn primary(condition: &Map<String, Value>) -> &str {
    condition
        .get("broadcaster_user_id")
        .or_else(|| condition.get("client_id"))
        .or_else(|| condition.get("user_id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl Deref for Subscriptions {
    type Target = HashMap<String, Subscription>;

    fn deref(&self) -> &Self::Target {
        &self.by_id
    }
}

impl Subscriptions {
    pub fn insert(&mut self, sub: Subscription) {
        let key = (sub.kind.clone(), primary(&sub.condition).to_owned());
        self.by_key.entry(key).or_default().push(sub.id.clone());
        if sub.owner_user_id.is_none() {
            let app = self.apps.entry(sub.client_id.clone()).or_default();
            app.count += 1;
            if sub.cost > 0 {
                app.costly.insert(sub.id.clone());
            }
        }
        self.by_id.insert(sub.id.clone(), sub);
    }

    pub fn remove(&mut self, id: &str) -> Option<Subscription> {
        let sub = self.by_id.remove(id)?;
        let key = (sub.kind.clone(), primary(&sub.condition).to_owned());
        if let Some(ids) = self.by_key.get_mut(&key) {
            ids.retain(|s| s != id);
            if ids.is_empty() {
                self.by_key.remove(&key);
            }
        }
        if sub.owner_user_id.is_none() {
            if let Some(app) = self.apps.get_mut(&sub.client_id) {
                app.count -= 1;
                app.costly.remove(id);
            }
        }
        Some(sub)
    }

    /// A subscription to change its status (or its delivery bookkeeping); the fields the indexes
    /// hold are never changed after creation.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Subscription> {
        self.by_id.get_mut(id)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Subscription> {
        self.by_id.values_mut()
    }

    /// The ids of the subscriptions of `kind` whose primary condition value is `primary`, oldest
    /// first.
    pub fn keyed(&self, kind: &str, primary: &str) -> &[String] {
        self.by_key
            .get(&(kind.to_owned(), primary.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    /// The subscriptions of `kind` with exactly `condition` (any version, transport or status).
    pub fn like<'a>(
        &'a self,
        kind: &str,
        condition: &'a Map<String, Value>,
    ) -> impl Iterator<Item = &'a Subscription> + 'a {
        self.keyed(kind, primary(condition))
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .filter(move |s| s.condition == *condition)
    }

    /// A client's app-owned subscriptions: how many there are, and the cost of those enabled or
    /// pending (Get EventSub Subscriptions' `total` and `total_cost`).
    pub fn app_totals(&self, client_id: &str) -> (usize, i64) {
        let Some(app) = self.apps.get(client_id) else {
            return (0, 0);
        };
        let cost = app
            .costly
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .filter(|s| s.active())
            .map(|s| s.cost)
            .sum();
        (app.count, cost)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;
    use crate::state::Transport;
    use crate::webhook::patience::FailureWindow;

    fn sub(id: &str, broadcaster: &str, owner: Option<&str>, cost: i64) -> Subscription {
        let Value::Object(condition) = json!({ "broadcaster_user_id": broadcaster }) else {
            unreachable!()
        };
        Subscription {
            id: id.into(),
            kind: "channel.vip.add".into(),
            version: "1".into(),
            condition,
            transport: Transport::Conduit {
                conduit_id: "c".into(),
            },
            status: "enabled".into(),
            created_at: Utc::now(),
            cost,
            client_id: "app".into(),
            owner_user_id: owner.map(str::to_owned),
            notification_failures: FailureWindow::default(),
        }
    }

    #[test]
    fn the_indexes_follow_inserts_removals_and_status_changes() {
        let mut subs = Subscriptions::default();
        subs.insert(sub("a", "1", None, 0));
        subs.insert(sub("b", "1", None, 1));
        subs.insert(sub("c", "2", None, 1));
        subs.insert(sub("ws", "1", Some("1"), 1));
        assert_eq!(subs.keyed("channel.vip.add", "1"), ["a", "b", "ws"]);
        let condition = subs["a"].condition.clone();
        let like: Vec<&str> = subs
            .like("channel.vip.add", &condition)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(like, ["a", "b", "ws"]);
        assert_eq!(subs.app_totals("app"), (3, 2));

        subs.get_mut("b").unwrap().status = "websocket_disconnected".into();
        assert_eq!(subs.app_totals("app"), (3, 1), "only active ones cost");
        subs.remove("c");
        assert_eq!(subs.app_totals("app"), (2, 0));
        subs.remove("a");
        subs.remove("b");
        assert_eq!(subs.keyed("channel.vip.add", "1"), ["ws"]);
        assert_eq!(subs.app_totals("app"), (0, 0));
        assert_eq!(subs.app_totals("other"), (0, 0));
    }
}
