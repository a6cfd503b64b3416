//! Get VIPs and Get Moderators: one channel's list of users, read the same way (Twitch docs,
//! "Get VIPs" and "Get Moderators"): the broadcaster's own user token with either scope, at most
//! 100 `user_id` filters (a filtered list comes back whole, in the order asked), otherwise pages
//! of `first` (default 20, at most 100).

use axum::Json;
use serde_json::{json, Value};

use super::{paginate, user_item, Params};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::Channel;
use crate::Simulator;

/// Which list of a channel, and the scopes that may read it.
pub struct Members {
    pub scopes: &'static [&'static str],
    pub of: fn(&Channel) -> &Vec<String>,
}

pub fn list(
    sim: &Simulator,
    caller: &Caller,
    params: &Params,
    members: Members,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(members.scopes)?;
    let b = params.require("broadcaster_id")?;
    caller.must_be(b)?;
    let filter = params.all("user_id");
    if filter.len() > 100 {
        return Err(ApiError::bad_request(
            "The number of user_id parameters must not exceed 100",
        ));
    }
    let first = params.first(20, 100)?;
    let after = params.after()?;
    sim.with_world(|w| {
        let ch = w
            .channels
            .get(b)
            .ok_or_else(|| ApiError::bad_request("The ID in broadcaster_id is not valid"))?;
        let list = (members.of)(ch);
        if filter.is_empty() {
            let items = list
                .iter()
                .filter_map(|m| w.users.get(m))
                .collect::<Vec<_>>();
            Ok(Json(paginate(&items, after, first, |u| user_item(u))))
        } else {
            let items: Vec<Value> = filter
                .iter()
                .filter(|u| list.iter().any(|m| m == *u))
                .filter_map(|u| w.users.get(*u).map(user_item))
                .collect();
            Ok(Json(json!({"data": items, "pagination": {}})))
        }
    })
}
