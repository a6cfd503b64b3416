//! Where a form post lands: back on its page, at the part that shows what it did (`#anchor`), not
//! at the top of the page. The pages' forms are plain forms, so every post is a page load; on a
//! phone the top of the dashboard is a screen or two away from the grant form.
//!
//! A failure travels in the URL as Leptos puts it there (`__path` and `__err`, read back by the
//! form's `ActionForm`), so the form's result line says why.

use std::future::Future;

use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// A form's page and the id of the part that shows its result.
pub struct Landing {
    pub page: &'static str,
    pub anchor: &'static str,
}

impl Landing {
    /// Runs `work`, the body of the server function `F`, and sends the browser back to the
    /// landing with what it answered.
    pub async fn after<F: ServerFn, T>(
        &self,
        work: impl Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let result = work.await;
        leptos_axum::redirect(&location(self.page, self.anchor, F::PATH, &result));
        result
    }
}

fn location<T>(page: &str, anchor: &str, path: &str, result: &Result<T, AppError>) -> String {
    let failure = result.as_ref().err().and_then(|e| {
        // A base to parse the page's path against; only the path and the query are kept.
        let url = ServerFnUrlError::new(path, e.clone())
            .to_url(&format!("http://page.invalid{page}"))
            .ok()?;
        Some(format!(
            "{}?{}",
            url.path(),
            url.query().unwrap_or_default()
        ))
    });
    format!("{}#{anchor}", failure.as_deref().unwrap_or(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_lands_at_the_anchor() {
        assert_eq!(
            location(
                "/dashboard",
                "grant-result",
                "/api/grant_vip1",
                &Ok::<_, AppError>(())
            ),
            "/dashboard#grant-result"
        );
    }

    #[test]
    fn a_failure_lands_at_the_anchor_with_the_error_its_form_reads() {
        let err = AppError::Invalid("bad".into());
        let to = location(
            "/dashboard",
            "grant-result",
            "/api/grant_vip1",
            &Err::<(), _>(err.clone()),
        );
        let (page, rest) = to.split_once('?').unwrap();
        assert_eq!(page, "/dashboard");
        assert!(rest.ends_with("#grant-result"), "{to}");
        let query = rest.trim_end_matches("#grant-result");
        assert!(query.contains("__path=%2Fapi%2Fgrant_vip1"), "{to}");
        let encoded = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("__err="))
            .unwrap()
            .replace("%3D", "=");
        assert_eq!(ServerFnUrlError::<AppError>::decode_err(&encoded), err);
    }
}
