//! `InMemoryTwitch`: a fake [`TwitchApi`] with real state that keeps Twitch's rules, for use-case
//! tests: VIPs and moderators (a viewer is never both, the broadcaster neither), a slot limit,
//! blocked viewers, the Build a Community requirement, unknown users, redemptions whose status can
//! change only while UNFULFILLED, rewards with unique titles (deleting one fulfils its pending
//! redemptions), a chat log, revocable authorisation, and scripted failures (429, 5xx, 401) per
//! operation. Removals can be held open to stage races.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use app::model::{ChannelId, Viewer};
use app::ssr::twitch::{
    AddVipError, ManagedReward, PendingRedemption, RedemptionStatus, RemoveVipOutcome, RewardError,
    RewardSpec, TwitchApi, TwitchError, TwitchUser,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

/// The Twitch calls a failure can be scripted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    AddVip,
    RemoveVip,
    Vips,
    SetStatus,
    Unfulfilled,
    /// Get Custom Reward.
    Rewards,
    Chat,
}

/// A redemption's status on Twitch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Unfulfilled,
    Fulfilled,
    Canceled,
}

#[derive(Debug, Clone)]
struct Redemption {
    channel: ChannelId,
    reward_id: String,
    viewer: Viewer,
    redeemed_at: DateTime<Utc>,
    status: Status,
}

#[derive(Debug, Default)]
struct EventSubConnection {
    vips: Vec<Viewer>,
    moderators: Vec<Viewer>,
    slots: usize,
    build_a_community: bool,
    blocked: HashSet<String>,
    authorized: bool,
    chat: Vec<String>,
}

#[derive(Debug, Default)]
struct State {
    channels: HashMap<ChannelId, EventSubConnection>,
    redemptions: HashMap<String, Redemption>,
    /// Rewards the app created: (channel, settings) by id.
    rewards: HashMap<String, (ChannelId, RewardSpec)>,
    failures: HashMap<Op, VecDeque<TwitchError>>,
    next_id: u64,
}

#[derive(Default)]
pub struct InMemoryTwitch {
    state: Mutex<State>,
    add_calls: AtomicUsize,
    remove_calls: AtomicUsize,
    /// Holds Remove VIP calls (after they took effect) while closed.
    removals: Gate,
    /// Holds Add VIP calls (before they take effect) while closed.
    adds: Gate,
    /// Holds redemption status updates (before they take effect) while closed.
    settles: Gate,
}

/// Where calls wait while a test holds them: in every channel, or in the one named.
#[derive(Default)]
struct Gate {
    closed: Mutex<Option<(Option<ChannelId>, Arc<Notify>)>>,
    waiting: AtomicUsize,
}

impl Gate {
    /// Holds calls (in `channel` only, if named) until the returned notify is notified
    /// (`notify_waiters`) or [`Self::open`] is called.
    fn close(&self, channel: Option<ChannelId>) -> Arc<Notify> {
        let gate = Arc::new(Notify::new());
        *self.closed.lock().unwrap() = Some((channel, gate.clone()));
        gate
    }

    fn open(&self) {
        if let Some((_, gate)) = self.closed.lock().unwrap().take() {
            gate.notify_waiters();
        }
    }

    /// Waits while the gate is closed for `channel`, counted in `waiting`.
    async fn pass(&self, channel: &ChannelId) {
        let gate = match self.closed.lock().unwrap().clone() {
            Some((None, gate)) => gate,
            Some((Some(held), gate)) if held == *channel => gate,
            _ => return,
        };
        let released = gate.notified();
        self.waiting.fetch_add(1, Ordering::SeqCst);
        released.await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

impl InMemoryTwitch {
    pub fn new() -> Self {
        Self::default()
    }

    /// A channel with `slots` VIP slots that has completed Build a Community and is authorised.
    pub fn add_channel(&self, channel: &ChannelId, slots: usize) {
        self.with(|s| {
            s.channels.insert(
                channel.clone(),
                EventSubConnection {
                    slots,
                    build_a_community: true,
                    authorized: true,
                    ..EventSubConnection::default()
                },
            );
        });
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    fn with_channel<T>(
        &self,
        channel: &ChannelId,
        f: impl FnOnce(&mut EventSubConnection) -> T,
    ) -> T {
        self.with(|s| f(s.channels.get_mut(channel).expect("channel set up")))
    }

    // ---- what streamers and viewers do on Twitch ------------------------------------------

    /// A viewer redeems one of the channel's rewards: an UNFULFILLED redemption. Returns its id.
    pub fn redeem(&self, channel: &ChannelId, reward_id: &str, viewer: &Viewer) -> String {
        self.with(|s| {
            s.next_id += 1;
            let id = format!("redemption-{}", s.next_id);
            s.redemptions.insert(
                id.clone(),
                Redemption {
                    channel: channel.clone(),
                    reward_id: reward_id.to_owned(),
                    viewer: viewer.clone(),
                    redeemed_at: Utc::now(),
                    status: Status::Unfulfilled,
                },
            );
            id
        })
    }

    /// The streamer adds a VIP by hand (ignores slots: tests set up state).
    pub fn add_vip_by_hand(&self, channel: &ChannelId, viewer: &Viewer) {
        self.with_channel(channel, |c| {
            if !c.vips.iter().any(|v| v.id == viewer.id) {
                c.vips.push(viewer.clone());
            }
        });
    }

    pub fn remove_vip_by_hand(&self, channel: &ChannelId, viewer_id: &str) {
        self.with_channel(channel, |c| c.vips.retain(|v| v.id != viewer_id));
    }

    /// The streamer makes a viewer moderator (Twitch removes the VIP role first).
    pub fn make_moderator(&self, channel: &ChannelId, viewer: &Viewer) {
        self.with_channel(channel, |c| {
            c.vips.retain(|v| v.id != viewer.id);
            c.moderators.push(viewer.clone());
        });
    }

    pub fn block(&self, channel: &ChannelId, viewer_id: &str) {
        self.with_channel(channel, |c| {
            c.blocked.insert(viewer_id.to_owned());
        });
    }

    pub fn set_build_a_community(&self, channel: &ChannelId, done: bool) {
        self.with_channel(channel, |c| c.build_a_community = done);
    }

    pub fn set_slots(&self, channel: &ChannelId, slots: usize) {
        self.with_channel(channel, |c| c.slots = slots);
    }

    /// The streamer revokes (false) or renews (true) the app's authorisation.
    pub fn set_authorized(&self, channel: &ChannelId, authorized: bool) {
        self.with_channel(channel, |c| c.authorized = authorized);
    }

    /// The next `times` calls of `op` fail with `error` (before any other check).
    pub fn fail_next(&self, op: Op, error: TwitchError, times: usize) {
        self.with(|s| {
            let queue = s.failures.entry(op).or_default();
            queue.extend(std::iter::repeat_n(error, times));
        });
    }

    /// Holds every Remove VIP until the returned gate is notified (`notify_waiters`).
    pub fn hold_removals(&self) -> Arc<Notify> {
        self.removals.close(None)
    }

    /// Holds every Remove VIP in `channel` until the returned gate is notified.
    pub fn hold_removals_in(&self, channel: &ChannelId) -> Arc<Notify> {
        self.removals.close(Some(channel.clone()))
    }

    /// Holds every Add VIP until the returned gate is notified (`notify_waiters`).
    pub fn hold_adds(&self) -> Arc<Notify> {
        self.adds.close(None)
    }

    pub fn release_removals(&self) {
        self.removals.open();
    }

    // ---- what tests look at ----------------------------------------------------------------

    pub fn is_vip(&self, channel: &ChannelId, viewer_id: &str) -> bool {
        self.with_channel(channel, |c| c.vips.iter().any(|v| v.id == viewer_id))
    }

    pub fn vip_count(&self, channel: &ChannelId) -> usize {
        self.with_channel(channel, |c| c.vips.len())
    }

    pub fn status(&self, redemption_id: &str) -> Status {
        self.with(|s| s.redemptions[redemption_id].status)
    }

    pub fn chat_log(&self, channel: &ChannelId) -> Vec<String> {
        self.with_channel(channel, |c| c.chat.clone())
    }

    pub fn add_calls(&self) -> usize {
        self.add_calls.load(Ordering::SeqCst)
    }

    pub fn remove_calls(&self) -> usize {
        self.remove_calls.load(Ordering::SeqCst)
    }

    /// Holds every redemption status update until the returned gate is notified.
    pub fn hold_settles(&self) -> Arc<Notify> {
        self.settles.close(None)
    }

    /// Lets redemption status updates through again.
    pub fn release_settles(&self) {
        self.settles.open();
    }

    pub fn settles_waiting(&self) -> usize {
        self.settles.waiting.load(Ordering::SeqCst)
    }

    pub fn adds_waiting(&self) -> usize {
        self.adds.waiting.load(Ordering::SeqCst)
    }

    pub fn removals_waiting(&self) -> usize {
        self.removals.waiting.load(Ordering::SeqCst)
    }

    // ---- Twitch's rules --------------------------------------------------------------------

    /// A scripted failure, then authorisation.
    fn gate(&self, op: Op, channel: &ChannelId) -> Result<(), TwitchError> {
        self.with(|s| {
            if let Some(e) = s.failures.get_mut(&op).and_then(VecDeque::pop_front) {
                return Err(e);
            }
            match s.channels.get(channel) {
                Some(c) if c.authorized => Ok(()),
                Some(_) => Err(TwitchError::Unauthorized),
                None => Err(TwitchError::NotFound),
            }
        })
    }

    fn user(&self, id: &str) -> Option<TwitchUser> {
        Some(TwitchUser {
            id: id.to_owned(),
            login: format!("user{id}"),
            display_name: format!("User{id}"),
            profile_image_url: None,
        })
    }
}

#[async_trait]
impl TwitchApi for InMemoryTwitch {
    async fn user_by_login(
        &self,
        _channel: &ChannelId,
        login: &str,
    ) -> Result<Option<TwitchUser>, TwitchError> {
        Ok(login.strip_prefix("user").and_then(|id| self.user(id)))
    }

    async fn user_by_id(
        &self,
        _channel: &ChannelId,
        id: &str,
    ) -> Result<Option<TwitchUser>, TwitchError> {
        Ok(self.user(id))
    }

    async fn vips(&self, channel: &ChannelId) -> Result<Vec<Viewer>, TwitchError> {
        self.gate(Op::Vips, channel)?;
        Ok(self.with_channel(channel, |c| c.vips.clone()))
    }

    async fn moderators(&self, channel: &ChannelId) -> Result<Vec<Viewer>, TwitchError> {
        self.gate(Op::Vips, channel)?;
        Ok(self.with_channel(channel, |c| c.moderators.clone()))
    }

    async fn add_vip(&self, channel: &ChannelId, viewer_id: &str) -> Result<(), AddVipError> {
        self.add_calls.fetch_add(1, Ordering::SeqCst);
        self.gate(Op::AddVip, channel)?;
        self.adds.pass(channel).await;
        let Some(user) = self.user(viewer_id) else {
            return Err(AddVipError::UserNotFound);
        };
        self.with_channel(channel, |c| {
            if channel.as_str() == viewer_id {
                // As the simulator answers: a 422 that is neither "moderator" nor "already a VIP".
                return Err(AddVipError::Twitch(TwitchError::Rejected(
                    "The user in user_id is the broadcaster and may not be added as a VIP.".into(),
                )));
            }
            if c.blocked.contains(viewer_id) {
                return Err(AddVipError::UserBlocked);
            }
            if !c.build_a_community {
                return Err(AddVipError::BuildACommunityRequired);
            }
            if c.moderators.iter().any(|m| m.id == viewer_id) {
                return Err(AddVipError::IsModerator);
            }
            if c.vips.iter().any(|v| v.id == viewer_id) {
                return Err(AddVipError::AlreadyVip);
            }
            if c.vips.len() >= c.slots {
                return Err(AddVipError::SlotsFull);
            }
            c.vips.push(Viewer {
                id: user.id,
                login: user.login,
                display_name: user.display_name,
            });
            Ok(())
        })
    }

    async fn remove_vip(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> Result<RemoveVipOutcome, TwitchError> {
        self.remove_calls.fetch_add(1, Ordering::SeqCst);
        self.gate(Op::RemoveVip, channel)?;
        let outcome = self.with_channel(channel, |c| {
            let before = c.vips.len();
            c.vips.retain(|v| v.id != viewer_id);
            if c.vips.len() < before {
                RemoveVipOutcome::Removed
            } else {
                RemoveVipOutcome::NotAVip
            }
        });
        self.removals.pass(channel).await;
        Ok(outcome)
    }

    async fn create_reward(
        &self,
        channel: &ChannelId,
        spec: &RewardSpec,
    ) -> Result<String, RewardError> {
        self.gate(Op::SetStatus, channel)?;
        self.with(|s| {
            let taken = s
                .rewards
                .values()
                .any(|(c, r)| c == channel && r.title.to_lowercase() == spec.title.to_lowercase());
            if taken {
                return Err(RewardError::DuplicateTitle);
            }
            s.next_id += 1;
            let id = format!("reward-{}", s.next_id);
            s.rewards
                .insert(id.clone(), (channel.clone(), spec.clone()));
            Ok(id)
        })
    }

    async fn update_reward(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        spec: &RewardSpec,
    ) -> Result<(), RewardError> {
        self.gate(Op::SetStatus, channel)?;
        self.with(|s| match s.rewards.get_mut(reward_id) {
            Some((c, r)) if c == channel => {
                *r = spec.clone();
                Ok(())
            }
            _ => Err(TwitchError::NotFound.into()),
        })
    }

    async fn delete_reward(&self, channel: &ChannelId, reward_id: &str) -> Result<(), TwitchError> {
        self.gate(Op::SetStatus, channel)?;
        self.with(|s| {
            s.rewards.remove(reward_id);
            // Twitch fulfils a deleted reward's pending redemptions (no refund).
            for r in s.redemptions.values_mut() {
                if r.reward_id == reward_id && r.status == Status::Unfulfilled {
                    r.status = Status::Fulfilled;
                }
            }
        });
        Ok(())
    }

    async fn manageable_rewards(
        &self,
        channel: &ChannelId,
    ) -> Result<Vec<ManagedReward>, TwitchError> {
        self.gate(Op::Rewards, channel)?;
        Ok(self.with(|s| {
            s.rewards
                .iter()
                .filter(|(_, (c, _))| c == channel)
                .map(|(id, (_, spec))| ManagedReward {
                    id: id.clone(),
                    spec: spec.clone(),
                    skips_request_queue: false,
                })
                .collect()
        }))
    }

    async fn unfulfilled_redemptions(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> Result<Vec<PendingRedemption>, TwitchError> {
        self.gate(Op::Unfulfilled, channel)?;
        let mut pending: Vec<PendingRedemption> = self.with(|s| {
            s.redemptions
                .iter()
                .filter(|(_, r)| {
                    &r.channel == channel
                        && r.reward_id == reward_id
                        && r.status == Status::Unfulfilled
                })
                .map(|(id, r)| PendingRedemption {
                    id: id.clone(),
                    reward_id: r.reward_id.clone(),
                    viewer: r.viewer.clone(),
                    redeemed_at: r.redeemed_at,
                })
                .collect()
        });
        pending.sort_by(|a, b| (a.redeemed_at, &a.id).cmp(&(b.redeemed_at, &b.id)));
        Ok(pending)
    }

    async fn set_redemption_status(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_id: &str,
        status: RedemptionStatus,
    ) -> Result<(), TwitchError> {
        self.settles.pass(channel).await;
        self.gate(Op::SetStatus, channel)?;
        self.with(|s| match s.redemptions.get_mut(redemption_id) {
            Some(r)
                if &r.channel == channel
                    && r.reward_id == reward_id
                    && r.status == Status::Unfulfilled =>
            {
                r.status = match status {
                    RedemptionStatus::Fulfilled => Status::Fulfilled,
                    RedemptionStatus::Canceled => Status::Canceled,
                };
                Ok(())
            }
            // Only UNFULFILLED redemptions can change: anything else is a 404.
            _ => Err(TwitchError::NotFound),
        })
    }

    async fn cancel_redemptions(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_ids: &[String],
    ) -> Result<Vec<String>, TwitchError> {
        self.gate(Op::SetStatus, channel)?;
        Ok(self.with(|s| {
            redemption_ids
                .iter()
                .filter(|id| match s.redemptions.get_mut(id.as_str()) {
                    Some(r) if &r.channel == channel && r.reward_id == reward_id => {
                        if r.status == Status::Unfulfilled {
                            r.status = Status::Canceled;
                        }
                        r.status == Status::Canceled
                    }
                    _ => false,
                })
                .cloned()
                .collect()
        }))
    }

    async fn send_chat(&self, channel: &ChannelId, message: &str) -> Result<bool, TwitchError> {
        self.gate(Op::Chat, channel)?;
        if message.chars().count() > 500 {
            return Err(TwitchError::Rejected("message too long".into()));
        }
        self.with_channel(channel, |c| c.chat.push(message.to_owned()));
        Ok(true)
    }
}
