//! Which shards this instance serves (see the module docs of [`super`]): the conduit is adopted or
//! created, then every third of a lease lifetime the instance takes each shard whose lease is free
//! or lapsed (while it serves none; else only the highest or one below a shard it serves), grows the
//! conduit when it holds none, drops the highest shard when it serves it beside another, and hands
//! its highest shard over when it serves two below the highest (so the shards come back to one per
//! instance after one died, [`balance`]), and re-checks the app-wide
//! `user.authorization.revoke` subscription every [`REVOKE_CHECK`] once a shard of this instance is
//! registered.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::classify::ConduitError;
use super::client::ConduitInfo;
use super::{shard, ShardContext};
use crate::eventsub::parse::USER_AUTHORIZATION_REVOKE;
use balance::{may_take, to_hand_over};

mod balance;

/// Serialises creating, adopting and growing the conduit across instances.
const SETUP_LEASE: &str = "eventsub-conduit:setup";
/// How often the app-wide `user.authorization.revoke` subscription is checked.
const REVOKE_CHECK: Duration = Duration::from_secs(10 * 60);
/// A conduit holds at most this many shards here (Twitch allows 20,000).
const MAX_SLOTS: usize = 1_000;

pub(super) struct Senders {
    pub conduit: watch::Sender<Option<String>>,
    pub shards: watch::Sender<usize>,
}

pub(super) fn slot_lease(index: usize) -> String {
    format!("eventsub-conduit-shard:{index}")
}

async fn sleep_or_cancel(delay: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        () = cancel.cancelled() => true,
        () = tokio::time::sleep(delay) => false,
    }
}

/// Runs `op` while holding [`SETUP_LEASE`] (waiting for it while another instance has it).
async fn with_setup<T, F, Fut>(
    ctx: &ShardContext,
    cancel: &CancellationToken,
    op: F,
) -> Option<Result<T, ConduitError>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, ConduitError>>,
{
    let ttl = ctx.lease_ttl;
    loop {
        match ctx
            .store
            .acquire_lease(SETUP_LEASE, &ctx.instance_id, Utc::now(), ttl)
            .await
        {
            Ok(true) => break,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot take the conduit set-up lease"),
        }
        if sleep_or_cancel(Duration::from_millis(200), cancel).await {
            return None;
        }
    }
    let result = op().await;
    if let Err(e) = ctx.store.release_lease(SETUP_LEASE, &ctx.instance_id).await {
        tracing::warn!(error = %e, "cannot release the conduit set-up lease");
    }
    Some(result)
}

/// The client's first conduit (Get Conduits), or a new one with one shard.
async fn adopt_or_create(ctx: &ShardContext, cancel: &CancellationToken) -> Option<ConduitInfo> {
    let mut attempt = 0u32;
    loop {
        let result = with_setup(ctx, cancel, || async {
            match ctx.client.conduits().await?.into_iter().next() {
                Some(found) => {
                    tracing::info!(conduit = %found.id, shards = found.shard_count, "EventSub conduit adopted");
                    Ok(found)
                }
                None => {
                    let made = ctx.client.create_conduit(1).await?;
                    tracing::info!(conduit = %made.id, "EventSub conduit created");
                    Ok(made)
                }
            }
        })
        .await?;
        match result {
            Ok(conduit) => return Some(conduit),
            Err(e) => {
                let delay = ctx.options.backoff.random_delay(attempt);
                attempt = attempt.saturating_add(1);
                tracing::error!(error = %e, retry_in = ?delay, "cannot create or adopt the EventSub conduit");
                if sleep_or_cancel(delay, cancel).await {
                    return None;
                }
            }
        }
    }
}

/// Takes the lowest shard at or above `from` whose lease is free and makes the conduit hold it.
async fn grow(
    ctx: &ShardContext,
    conduit: &str,
    from: usize,
    cancel: &CancellationToken,
) -> Option<usize> {
    for index in from..MAX_SLOTS {
        let taken = ctx
            .store
            .acquire_lease(
                &slot_lease(index),
                &ctx.instance_id,
                Utc::now(),
                ctx.lease_ttl,
            )
            .await;
        if !matches!(taken, Ok(true)) {
            continue;
        }
        let grown = with_setup(ctx, cancel, || async {
            let now = ctx.client.conduits().await?;
            let count = now
                .iter()
                .find(|c| c.id == conduit)
                .map(|c| c.shard_count)
                .ok_or_else(|| ConduitError::NotFound("the conduit is gone".into()))?;
            if count <= index {
                ctx.client.resize_conduit(conduit, index + 1).await?;
                tracing::info!(shards = index + 1, "EventSub conduit grown");
            }
            Ok(())
        })
        .await;
        match grown {
            Some(Ok(())) => return Some(index),
            other => {
                if let Some(Err(e)) = other {
                    tracing::warn!(error = %e, "cannot grow the EventSub conduit");
                }
                let _ = ctx
                    .store
                    .release_lease(&slot_lease(index), &ctx.instance_id)
                    .await;
                return None;
            }
        }
    }
    None
}

/// Drops the conduit's highest shard, `top`, which this instance serves beside another (it took a
/// lapsed shard over): the shard count comes back down to the instances serving it. Returns
/// whether the conduit now has `top` shards.
async fn shrink(ctx: &ShardContext, conduit: &str, top: usize, cancel: &CancellationToken) -> bool {
    let shrunk = with_setup(ctx, cancel, || async {
        let now = ctx.client.conduits().await?;
        let count = now.iter().find(|c| c.id == conduit).map(|c| c.shard_count);
        if count != Some(top + 1) {
            return Ok(false);
        }
        ctx.client.resize_conduit(conduit, top).await?;
        Ok(true)
    })
    .await;
    match shrunk {
        Some(Ok(true)) => {
            tracing::info!(
                shards = top,
                "EventSub conduit shrunk: this instance served two shards"
            );
            true
        }
        Some(Err(e)) => {
            tracing::warn!(error = %e, "cannot shrink the EventSub conduit");
            false
        }
        _ => false,
    }
}

/// The app-wide `user.authorization.revoke` on the conduit (a 409 means it is there).
async fn authorization_revoke(ctx: &ShardContext, conduit: &str) -> Result<(), ConduitError> {
    let condition = json!({ "client_id": ctx.client_id });
    ctx.client
        .subscribe(USER_AUTHORIZATION_REVOKE, condition, conduit)
        .await
        .map(|_| ())
}

/// The shard manager: runs until `cancel` fires.
pub(super) async fn run(
    ctx: Arc<ShardContext>,
    senders: Senders,
    cancel: CancellationToken,
    tasks: TaskTracker,
) {
    let Some(mut conduit) = adopt_or_create(&ctx, &cancel).await else {
        return;
    };
    senders.conduit.send_replace(Some(conduit.id.clone()));
    let shards = Arc::new(senders.shards);
    let mut registered = shards.subscribe();
    // Each shard served, with a token cancelled once its task has ended.
    let mut held: BTreeMap<usize, (CancellationToken, CancellationToken)> = BTreeMap::new();
    let mut revoke_checked: Option<Instant> = None;
    loop {
        held.retain(|_, (_, ended)| !ended.is_cancelled());
        match ctx.client.conduits().await {
            Ok(all) => match all.into_iter().find(|c| c.id == conduit.id) {
                Some(now) => conduit = now,
                None => {
                    tracing::warn!(conduit = %conduit.id, "the EventSub conduit is gone; adopting or creating another");
                    for (stop, _) in held.values() {
                        stop.cancel();
                    }
                    held.clear();
                    let Some(next) = adopt_or_create(&ctx, &cancel).await else {
                        return;
                    };
                    conduit = next;
                    senders.conduit.send_replace(Some(conduit.id.clone()));
                }
            },
            Err(e) => tracing::warn!(error = %e, "cannot read the EventSub conduit"),
        }
        let top = conduit.shard_count.saturating_sub(1);
        for index in 0..conduit.shard_count.min(MAX_SLOTS) {
            if held.contains_key(&index) || !may_take(&held, index, top) {
                continue;
            }
            let lease = slot_lease(index);
            let taken = ctx
                .store
                .acquire_lease(&lease, &ctx.instance_id, Utc::now(), ctx.lease_ttl)
                .await;
            if matches!(taken, Ok(true)) {
                held.insert(
                    index,
                    spawn_slot(&ctx, &conduit.id, index, &shards, &cancel, &tasks),
                );
            }
        }
        if held.is_empty() {
            if let Some(index) = grow(&ctx, &conduit.id, conduit.shard_count, &cancel).await {
                held.insert(
                    index,
                    spawn_slot(&ctx, &conduit.id, index, &shards, &cancel, &tasks),
                );
            }
        }
        let top = conduit.shard_count.saturating_sub(1);
        if held.len() > 1 && held.contains_key(&top) {
            if shrink(&ctx, &conduit.id, top, &cancel).await {
                if let Some((stop, _)) = held.remove(&top) {
                    stop.cancel();
                }
                conduit.shard_count = top;
            }
        } else if let Some(index) = to_hand_over(&held, top) {
            // Its socket closes: Twitch disables the shard and sends to the other enabled shards
            // (this instance's lowest among them) until an instance above takes it.
            tracing::info!(
                shard = index,
                "handing an EventSub conduit shard over to an instance serving a higher one"
            );
            if let Some((stop, _)) = held.remove(&index) {
                stop.cancel();
            }
        }
        // Made once this instance's shard is registered, as a channel's subscriptions are: on a
        // conduit with no enabled shard its notifications would be lost.
        let revoke_due = revoke_checked.is_none_or(|at| at.elapsed() >= REVOKE_CHECK);
        if revoke_due && *registered.borrow() > 0 {
            match authorization_revoke(&ctx, &conduit.id).await {
                Ok(()) => revoke_checked = Some(Instant::now()),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot subscribe to user.authorization.revoke on the conduit")
                }
            }
        }
        let pause = sleep_or_cancel(ctx.lease_ttl / 3, &cancel);
        let stopped = if revoke_checked.is_none() && *registered.borrow() == 0 {
            // The first shard registered ends the pause, so the subscription is not a round late.
            tokio::select! {
                stopped = pause => stopped,
                _ = registered.wait_for(|n| *n > 0) => cancel.is_cancelled(),
            }
        } else {
            pause.await
        };
        if stopped {
            return;
        }
    }
}

/// Serves shard `index` while holding its lease; returns its stop token and a token cancelled when
/// the task has ended (the lease was lost, or the conduit changed).
fn spawn_slot(
    ctx: &Arc<ShardContext>,
    conduit: &str,
    index: usize,
    shards: &Arc<watch::Sender<usize>>,
    cancel: &CancellationToken,
    tasks: &TaskTracker,
) -> (CancellationToken, CancellationToken) {
    let stop = cancel.child_token();
    let ended = CancellationToken::new();
    let (ctx, conduit, shards) = (ctx.clone(), conduit.to_owned(), shards.clone());
    let (task_stop, task_ended) = (stop.clone(), ended.clone());
    tracing::info!(shard = index, "serving an EventSub conduit shard");
    tasks.spawn(async move {
        let _ended = task_ended.drop_guard();
        let lease = slot_lease(index);
        tokio::select! {
            () = shard::run(&ctx, &conduit, index, &shards, &task_stop) => {}
            () = keep(&ctx, &lease) => {
                tracing::warn!(shard = index, "lost the lease of an EventSub conduit shard; another instance serves it");
            }
        }
        if let Err(e) = ctx.store.release_lease(&lease, &ctx.instance_id).await {
            tracing::warn!(shard = index, error = %e, "cannot release a conduit shard's lease");
        }
    });
    (stop, ended)
}

/// Renews the lease every third of its lifetime; returns once it is lost (another holder has it,
/// or it could not be renewed for a whole lifetime).
async fn keep(ctx: &ShardContext, lease: &str) {
    let mut renewed = Instant::now();
    loop {
        tokio::time::sleep(ctx.lease_ttl / 3).await;
        match ctx
            .store
            .acquire_lease(lease, &ctx.instance_id, Utc::now(), ctx.lease_ttl)
            .await
        {
            Ok(true) => renewed = Instant::now(),
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(%lease, error = %e, "cannot renew a conduit shard's lease");
                if renewed.elapsed() >= ctx.lease_ttl {
                    return;
                }
            }
        }
    }
}
