//! Housekeeping on a slow timer: forgets expired webhook message ids, leases and login sessions.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::Storage;

const EVERY: Duration = Duration::from_secs(15 * 60);

pub async fn run(storage: Storage, cancel: CancellationToken) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(EVERY) => {}
        }
        match storage.store.purge_expired(chrono::Utc::now()).await {
            Ok(n) => tracing::debug!(
                purged = n,
                "expired message ids, leases and relayed live events purged"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "purging expired message ids, leases and relayed live events failed")
            }
        }
        match storage.sessions.delete_expired().await {
            Ok(n) => tracing::debug!(purged = n, "expired login sessions purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired login sessions failed"),
        }
    }
}
