//! Get Users (`GET /helix/users`) by login or id, with the broadcaster's token.

use app::model::ChannelId;
use app::ssr::twitch::{TwitchError, TwitchUser};
use twitch_api::helix::users::{GetUsersRequest, User};
use twitch_api::types;

use super::HelixClient;

pub(super) enum Key<'a> {
    Login(&'a str),
    Id(&'a str),
}

impl HelixClient {
    pub(super) async fn find_user(
        &self,
        channel: &ChannelId,
        key: Key<'_>,
    ) -> Result<Option<TwitchUser>, TwitchError> {
        let request = match key {
            Key::Login(login) if !login.trim().is_empty() => {
                GetUsersRequest::logins(vec![types::UserName::from(login.trim().to_owned())])
            }
            Key::Id(id) if !id.trim().is_empty() => {
                GetUsersRequest::ids(vec![types::UserId::from(id.trim().to_owned())])
            }
            // Without a login or id Get Users answers with the token's own user.
            _ => return Ok(None),
        };
        let response = self.get(channel, &request).await?;
        Ok(response.data.into_iter().next().map(twitch_user))
    }
}

fn twitch_user(user: User) -> TwitchUser {
    TwitchUser {
        id: user.id.take(),
        login: user.login.take(),
        display_name: user.display_name.take(),
        profile_image_url: user.profile_image_url.filter(|u| !u.is_empty()),
    }
}
