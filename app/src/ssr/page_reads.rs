//! A page render's reads, each made once: channel records, a channel's active VIPs and rewards,
//! and what a stored token carries. The header, every resource of the page and each resource's
//! access check ask for the signed-in channel; on the dashboard that was a dozen reads of one
//! record per page, and its VIPs, rewards and token were each read by two of its panels (often at
//! the same moment: the second now waits for the first's read). Only a `GET` (a page render, which
//! changes nothing) keeps them: a server function a browser posts may change what it read and
//! then read it again.
//!
//! A store backend may keep something of its own for the render too ([`kept_by_store`]): the
//! SQLite store keeps the one read transaction its reads share.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::http::request::Parts;
use axum::http::Method;
use leptos::prelude::{provide_context, use_context};
use tokio::sync::OnceCell;

use crate::model::{Channel, ChannelId, Reward, TokenHealth, VipSession};
use crate::ssr::{Store, StoreResult};

/// What this render has read (a channel `None`: read, and not there).
#[derive(Clone, Default)]
pub struct PageReads(Arc<Mutex<Reads>>);

impl PageReads {
    fn reads(&self) -> MutexGuard<'_, Reads> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One value of a render: read once, by whoever asks first.
type Kept<V> = Arc<OnceCell<V>>;

#[derive(Default)]
struct Reads {
    channels: HashMap<ChannelId, Kept<Option<Channel>>>,
    vips: HashMap<ChannelId, Kept<Vec<VipSession>>>,
    rewards: HashMap<ChannelId, Kept<Vec<Reward>>>,
    tokens: HashMap<String, Kept<Option<TokenHealth>>>,
    /// What the store backend keeps for the render ([`kept_by_store`]).
    store: Option<Arc<dyn Any + Send + Sync>>,
}

/// For the request being rendered: reads kept when it is a `GET`, none otherwise.
pub fn provide() {
    let method = use_context::<Parts>().map(|p| p.method);
    if method == Some(Method::GET) {
        provide_context(PageReads::default());
    }
}

/// The value of `key` in the map `of` picks: read by the first to ask in this render, and
/// awaited by those who ask while it is read. A failed read is not kept: the next to ask reads
/// again.
async fn once<K, V, E, R>(
    of: fn(&mut Reads) -> &mut HashMap<K, Kept<V>>,
    key: &K,
    read: impl FnOnce() -> R,
) -> Result<V, E>
where
    K: Eq + Hash + Clone,
    V: Clone,
    R: Future<Output = Result<V, E>>,
{
    let Some(reads) = use_context::<PageReads>() else {
        return read().await;
    };
    let kept = of(&mut reads.reads())
        .entry(key.clone())
        .or_default()
        .clone();
    kept.get_or_try_init(read).await.cloned()
}

/// What the store backend keeps for this page render: made by `make` for the first read that
/// asks, and dropped with the render. `None` outside a page render, and when the backend kept a
/// value of another type.
pub fn kept_by_store<T: Any + Send + Sync>(make: impl FnOnce() -> T) -> Option<Arc<T>> {
    let reads = use_context::<PageReads>()?;
    let kept = Arc::clone(reads.reads().store.get_or_insert_with(|| Arc::new(make())));
    kept.downcast().ok()
}

/// What the store backend keeps for this page render, when it has kept something of type `T`.
pub fn kept_by_store_so_far<T: Any + Send + Sync>() -> Option<Arc<T>> {
    let reads = use_context::<PageReads>()?;
    let kept = reads.reads().store.clone()?;
    kept.downcast().ok()
}

/// `id`'s channel record: read once per page render; outside one, from the store each time.
///
/// # Errors
/// When the store fails.
pub async fn channel(store: &dyn Store, id: &ChannelId) -> StoreResult<Option<Channel>> {
    once(|r| &mut r.channels, id, || store.channel(id)).await
}

/// The channel's active VIP sessions, read once per page render.
///
/// # Errors
/// When the store fails.
pub async fn active_sessions(store: &dyn Store, id: &ChannelId) -> StoreResult<Vec<VipSession>> {
    once(|r| &mut r.vips, id, || store.active_sessions(id)).await
}

/// The channel's rewards, read once per page render.
///
/// # Errors
/// When the store fails.
pub async fn rewards(store: &dyn Store, id: &ChannelId) -> StoreResult<Vec<Reward>> {
    once(|r| &mut r.rewards, id, || store.rewards(id)).await
}

/// What `user_id`'s stored token carries, read (and opened) once per page render.
///
/// # Errors
/// When the store cannot be read (see [`AccountStatus::token`](super::account::AccountStatus)).
pub async fn token(
    status: &dyn super::account::AccountStatus,
    user_id: &str,
) -> Result<Option<TokenHealth>, String> {
    once(
        |r| &mut r.tokens,
        &user_id.to_owned(),
        || status.token(user_id),
    )
    .await
}
