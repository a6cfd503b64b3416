//! Personal API tokens: created and revoked by their owner on the settings page, and accepted by
//! the REST API (and the live stream) in `Authorization: Bearer vipm_…`, acting as that owner
//! under the same access rules as their login. Never accepted by pages or server functions.
//!
//! A token is 32 bytes from a cryptographically secure generator, shown once, and stored only as its
//! SHA-256 digest with a name and a short prefix. Neither logs nor activity-log entries ever carry
//! a token: entries name it by its name and prefix.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::auth::Caller;
use super::new_id;
use super::{OrInternal, ServerContext, Store};
use crate::error::AppError;
use crate::model::{
    api_token_hint, api_token_name, bearer_token, should_record_use, ApiTokenInfo, AuditAction,
    AuditDetails, AuditEntry, ChannelId, NewApiToken, API_TOKEN_PREFIX, MAX_API_TOKENS,
};
use crate::ssr::ApiTokenRecord;

/// Lowercase hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a token: SHA-256 of its text, as 64 lowercase hex digits.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A fresh token: the prefix and 32 random bytes in hex, from the thread's cryptographically
/// secure generator (seeded, and periodically reseeded, from the operating system).
fn draw_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{API_TOKEN_PREFIX}{}", hex(&bytes))
}

fn info(record: ApiTokenRecord) -> ApiTokenInfo {
    ApiTokenInfo {
        id: record.id,
        name: record.name,
        prefix: record.prefix,
        created_at: record.created_at,
        last_used_at: record.last_used_at,
    }
}

/// The caller's tokens, newest first.
///
/// # Errors
/// [`AppError::Internal`] on store failure.
pub async fn list(ctx: &ServerContext, caller: &Caller) -> Result<Vec<ApiTokenInfo>, AppError> {
    let records = ctx
        .store()
        .api_tokens(&caller.user_id)
        .await
        .or_internal("listing API tokens")?;
    Ok(records.into_iter().map(info).collect())
}

/// Creates a token named `name` for the caller and returns it: the only time it is shown.
///
/// # Errors
/// [`AppError::Invalid`] for a bad name or when the caller already holds
/// [`MAX_API_TOKENS`]; [`AppError::Internal`] on store failure.
pub async fn create(
    ctx: &ServerContext,
    caller: &Caller,
    name: &str,
) -> Result<NewApiToken, AppError> {
    let name = api_token_name(name).map_err(AppError::Invalid)?;
    let token = draw_token();
    let record = ApiTokenRecord {
        hash: token_hash(&token),
        id: new_id(),
        user_id: caller.user_id.clone(),
        name,
        prefix: api_token_hint(&token),
        created_at: Utc::now(),
        last_used_at: None,
    };
    let stored = ctx
        .store()
        .create_api_token(&record, MAX_API_TOKENS)
        .await
        .or_internal("storing an API token")?;
    if !stored {
        return Err(AppError::Invalid(format!(
            "you already have {MAX_API_TOKENS} API tokens; revoke one first"
        )));
    }
    audit(ctx, caller, AuditAction::ApiTokenCreated, &record).await?;
    Ok(NewApiToken {
        info: info(record),
        token,
    })
}

/// A token handed back to the page that shows it once (after a form posted without JavaScript):
/// `None` unless there is one, it still exists and it is the caller's.
///
/// # Errors
/// [`AppError::Internal`] on store failure.
pub async fn shown_once(
    ctx: &ServerContext,
    caller: &Caller,
    token: Option<String>,
) -> Result<Option<NewApiToken>, AppError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let record = ctx
        .store()
        .api_token_by_hash(&token_hash(&token))
        .await
        .or_internal("looking up a new API token")?;
    Ok(record
        .filter(|r| r.user_id == caller.user_id)
        .map(|r| NewApiToken {
            info: info(r),
            token,
        }))
}

/// Revokes the caller's token `id`; from then on it authorises nothing.
///
/// # Errors
/// [`AppError::NotFound`] when the caller has no such token (someone else's included);
/// [`AppError::Internal`] on store failure.
pub async fn revoke(ctx: &ServerContext, caller: &Caller, id: &str) -> Result<(), AppError> {
    let revoked = ctx
        .store()
        .revoke_api_token(&caller.user_id, id)
        .await
        .or_internal("revoking an API token")?
        .ok_or(AppError::NotFound)?;
    audit(ctx, caller, AuditAction::ApiTokenRevoked, &revoked).await
}

async fn audit(
    ctx: &ServerContext,
    caller: &Caller,
    action: AuditAction,
    token: &ApiTokenRecord,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        id: new_id(),
        channel_id: ChannelId(caller.user_id.clone()),
        at: Utc::now(),
        action,
        actor: caller.as_streamer(),
        target: None,
        metadata: AuditDetails {
            token_id: Some(token.id.clone()),
            token_name: Some(token.name.clone()),
            token_prefix: Some(token.prefix.clone()),
            ..AuditDetails::default()
        }
        .into(),
    };
    ctx.store()
        .append_audit(&entry)
        .await
        .or_internal("auditing an API token change")
}

/// The user an `Authorization` header value acts as. Records the use (at most once a minute per
/// token; a failure to record it is logged and does not fail the request).
///
/// # Errors
/// [`AppError::Unauthorized`] unless the value is `Bearer` and a token that exists and whose
/// owner has a channel record; [`AppError::Internal`] on store failure.
pub async fn authenticate(
    store: &dyn Store,
    authorization: &str,
    now: DateTime<Utc>,
) -> Result<Caller, AppError> {
    let token = bearer_token(authorization).ok_or(AppError::Unauthorized)?;
    let hash = token_hash(token);
    let record = store
        .api_token_by_hash(&hash)
        .await
        .or_internal("looking up an API token")?
        .ok_or(AppError::Unauthorized)?;
    let channel = store
        .channel(&ChannelId(record.user_id.clone()))
        .await
        .or_internal("reading an API token's owner")?
        .ok_or(AppError::Unauthorized)?;
    if should_record_use(record.last_used_at, now) {
        if let Err(e) = store.touch_api_token(&hash, now).await {
            tracing::warn!(error = %e, token = %record.prefix, "could not record an API token use");
        }
    }
    Ok(Caller {
        user_id: record.user_id,
        login: channel.login,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::is_api_token;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let (a, b) = (draw_token(), draw_token());
        assert!(is_api_token(&a), "{a}");
        assert!(is_api_token(&b), "{b}");
        assert_ne!(a, b);
    }

    #[test]
    fn the_stored_hash_is_sha256_in_hex() {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = draw_token();
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token_hash(&draw_token()));
    }
}
