//! How use cases turn a failure below them into the error the user sees: logged here under a
//! fresh reference id, and shown only as that id (never the failure's own text).

use super::StoreResult;
use crate::error::AppError;

/// Logs an internal failure under a fresh reference id and returns the error the user sees, which
/// carries only that id.
pub fn internal(what: &str, error: &dyn std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::error!(%reference, %error, "{what}");
    AppError::Internal { reference }
}

/// A store call's result as a use case answers it: a [`super::StoreError`] becomes
/// [`AppError::Internal`], logged as failing at `what` (e.g. "listing VIPs").
pub trait OrInternal<T> {
    /// # Errors
    /// [`AppError::Internal`] when the store failed.
    fn or_internal(self, what: &str) -> Result<T, AppError>;
}

impl<T> OrInternal<T> for StoreResult<T> {
    fn or_internal(self, what: &str) -> Result<T, AppError> {
        self.map_err(|e| internal(what, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::StoreError;

    #[test]
    fn a_store_failure_reaches_the_user_as_a_reference_only() {
        let failed: StoreResult<()> = Err(StoreError::Backend("disk on fire at /var/db".into()));
        let Err(AppError::Internal { reference }) = failed.or_internal("listing VIPs") else {
            panic!("a store failure is an internal error");
        };
        assert_eq!(reference.len(), 12);
        assert!(!reference.contains("disk"));
        assert_eq!(Ok::<_, StoreError>(7).or_internal("reading").unwrap(), 7);
    }
}
