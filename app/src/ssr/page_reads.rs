//! A page render's reads of channel records, each made once. The header, every resource of the
//! page and each resource's access check ask for the signed-in channel; on the dashboard that was
//! a dozen reads of one record per page. Only a `GET` (a page render, which changes nothing)
//! keeps them: a server function a browser posts may change the channel and then read it again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::request::Parts;
use axum::http::Method;
use leptos::prelude::{provide_context, use_context};

use crate::model::{Channel, ChannelId};
use crate::ssr::{Store, StoreResult};

/// The channel records this render has read (`None`: read, and not there).
#[derive(Clone, Default)]
pub struct PageReads(Arc<Mutex<HashMap<ChannelId, Option<Channel>>>>);

impl PageReads {
    fn get(&self, id: &ChannelId) -> Option<Option<Channel>> {
        let reads = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        reads.get(id).cloned()
    }

    fn keep(&self, id: &ChannelId, channel: &Option<Channel>) {
        let mut reads = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        reads.insert(id.clone(), channel.clone());
    }
}

/// For the request being rendered: reads kept when it is a `GET`, none otherwise.
pub fn provide() {
    let method = use_context::<Parts>().map(|p| p.method);
    if method == Some(Method::GET) {
        provide_context(PageReads::default());
    }
}

/// `id`'s channel record: read once per page render; outside one, from the store each time.
///
/// # Errors
/// When the store fails.
pub async fn channel(store: &dyn Store, id: &ChannelId) -> StoreResult<Option<Channel>> {
    let reads = use_context::<PageReads>();
    if let Some(kept) = reads.as_ref().and_then(|r| r.get(id)) {
        return Ok(kept);
    }
    let channel = store.channel(id).await?;
    if let Some(reads) = reads {
        reads.keep(id, &channel);
    }
    Ok(channel)
}
