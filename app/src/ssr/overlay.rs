//! The OBS overlay's URL: made and revoked by the streamer on the settings page, and opened by
//! anyone holding it (`/overlay/{secret}`), which is the overlay's only credential.
//!
//! A secret is 32 bytes from a cryptographically secure generator, shown once, and stored only
//! as its SHA-256 digest ([`OverlayKey`]); a channel has at most one, so making a new URL
//! revokes the earlier one at once. Nothing logs a secret. Opening one looks its digest up in
//! the store and compares the stored digest with the computed one in constant time.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::auth::Caller;
use super::store::OverlayKey;
use super::{new_id, OrInternal, ServerContext, Store};
use crate::error::AppError;
use crate::model::{
    is_overlay_secret, AuditAction, AuditEntry, ChannelId, OverlayLink, PublicChannel, PublicVip,
};

/// Lowercase hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a secret: SHA-256 of its text, as 64 lowercase hex digits.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Equal bytes, in time that depends only on `expected`'s length.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = u8::from(given.len() != expected.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= e ^ given.get(i).copied().unwrap_or(!e);
    }
    diff == 0
}

/// The caller's channel, which must exist (a moderator-only login has none).
async fn own_channel(ctx: &ServerContext, caller: &Caller) -> Result<ChannelId, AppError> {
    let id = ChannelId(caller.user_id.clone());
    ctx.store()
        .channel(&id)
        .await
        .or_internal("reading the channel for its overlay")?
        .ok_or(AppError::Forbidden)?;
    Ok(id)
}

/// Whether the caller's channel has an overlay URL, and since when.
///
/// # Errors
/// [`AppError::Forbidden`] without a channel; [`AppError::Internal`] on store failure.
pub async fn status(ctx: &ServerContext, caller: &Caller) -> Result<OverlayLink, AppError> {
    let channel = own_channel(ctx, caller).await?;
    let key = ctx
        .store()
        .overlay_key(&channel)
        .await
        .or_internal("reading the overlay key")?;
    Ok(OverlayLink {
        created_at: key.map(|k| k.created_at),
        new_path: None,
    })
}

/// Makes a new overlay URL for the caller's channel, replacing any earlier one, and returns its
/// secret: the only time it is shown.
///
/// # Errors
/// [`AppError::Forbidden`] without a channel; [`AppError::Internal`] on store failure.
pub async fn make(
    ctx: &ServerContext,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let channel = own_channel(ctx, caller).await?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex(&bytes);
    let key = OverlayKey {
        channel_id: channel.clone(),
        hash: secret_hash(&secret),
        created_at: now,
    };
    ctx.store()
        .put_overlay_key(&key)
        .await
        .or_internal("storing an overlay key")?;
    tracing::info!(channel = %channel.0, "overlay URL made");
    audit(ctx, caller, channel, AuditAction::OverlayLinkMade, now).await?;
    Ok(secret)
}

/// Revokes the caller's overlay URL, if there is one; from then on it answers 404. Revoking
/// again changes nothing.
///
/// # Errors
/// [`AppError::Forbidden`] without a channel; [`AppError::Internal`] on store failure.
pub async fn revoke(ctx: &ServerContext, caller: &Caller) -> Result<(), AppError> {
    let channel = own_channel(ctx, caller).await?;
    let gone = ctx
        .store()
        .delete_overlay_key(&channel)
        .await
        .or_internal("deleting an overlay key")?;
    if gone {
        tracing::info!(channel = %channel.0, "overlay URL revoked");
        audit(
            ctx,
            caller,
            channel,
            AuditAction::OverlayLinkRevoked,
            Utc::now(),
        )
        .await?;
    }
    Ok(())
}

/// The activity-log entry for a made or revoked URL (it never carries the secret).
async fn audit(
    ctx: &ServerContext,
    caller: &Caller,
    channel: ChannelId,
    action: AuditAction,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        id: new_id(),
        channel_id: channel,
        at,
        action,
        actor: caller.as_streamer(),
        target: None,
        metadata: serde_json::Value::Null,
    };
    ctx.store()
        .append_audit(&entry)
        .await
        .or_internal("auditing an overlay URL change")
}

/// The channel an overlay secret opens, if it opens one.
///
/// # Errors
/// [`AppError::NotFound`] for a malformed, unknown or revoked secret (alike);
/// [`AppError::Internal`] on store failure.
pub async fn open(store: &dyn Store, secret: &str) -> Result<ChannelId, AppError> {
    if !is_overlay_secret(secret) {
        return Err(AppError::NotFound);
    }
    let hash = secret_hash(secret);
    let key = store
        .overlay_key_by_hash(&hash)
        .await
        .or_internal("looking up an overlay key")?
        .ok_or(AppError::NotFound)?;
    if !constant_time_eq(hash.as_bytes(), key.hash.as_bytes()) {
        return Err(AppError::NotFound);
    }
    Ok(key.channel_id)
}

/// What the overlay shows of `channel` at `now`: its name and its VIPs with their time left
/// (soonest end first), nothing else.
///
/// # Errors
/// [`AppError::NotFound`] when the channel is gone; [`AppError::Internal`] on store failure.
pub async fn snapshot(
    store: &dyn Store,
    channel: &ChannelId,
    now: DateTime<Utc>,
) -> Result<PublicChannel, AppError> {
    let record = store
        .channel(channel)
        .await
        .or_internal("reading the overlay's channel")?
        .ok_or(AppError::NotFound)?;
    let vips = store
        .active_sessions(channel)
        .await
        .or_internal("listing VIPs for the overlay")?
        .iter()
        .filter(|s| s.expires_at.is_none_or(|end| end > now))
        .map(PublicVip::from)
        .collect();
    Ok(PublicChannel {
        display_name: record.display_name,
        vips,
        now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_hex_and_equality_is_exact() {
        let hash = secret_hash("abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq(hash.as_bytes(), hash.as_bytes()));
        assert!(!constant_time_eq(b"ba78", hash.as_bytes()));
        let mut other = hash.clone().into_bytes();
        other[63] = b'e';
        assert!(!constant_time_eq(&other, hash.as_bytes()));
    }
}
