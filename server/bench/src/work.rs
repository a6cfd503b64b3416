//! Running many small jobs with a bound on how many run at once.

use std::future::Future;

use tokio::task::JoinSet;

/// Runs `job(item)` for every item, at most `limit` at a time, each as its own task; stops at the
/// first failure.
///
/// # Errors
/// The first job's error (or panic) seen.
pub async fn bounded<T, F, Fut>(items: Vec<T>, limit: usize, job: F) -> anyhow::Result<()>
where
    T: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let mut running = JoinSet::new();
    for item in items {
        while running.len() >= limit.max(1) {
            if let Some(done) = running.join_next().await {
                done??;
            }
        }
        running.spawn(job(item));
    }
    while let Some(done) = running.join_next().await {
        done??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn runs_every_job_never_more_than_the_limit_at_once() {
        let (now, most, done) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        bounded((0..50).collect(), 4, |_| {
            let (now, most, done) = (now.clone(), most.clone(), done.clone());
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(n, Ordering::SeqCst);
                tokio::task::yield_now().await;
                now.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        })
        .await
        .unwrap();
        assert_eq!(done.load(Ordering::SeqCst), 50);
        assert!(most.load(Ordering::SeqCst) <= 4);
    }

    #[tokio::test]
    async fn a_failure_is_returned() {
        let result = bounded(vec![1, 2, 3], 2, |i| async move {
            anyhow::ensure!(i != 2, "job {i} failed");
            Ok(())
        })
        .await;
        assert!(result.unwrap_err().to_string().contains("job 2"));
    }
}
