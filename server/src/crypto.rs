//! Encryption of secrets at rest (Twitch tokens, Discord webhook URLs): AES-256-GCM with a random
//! nonce per seal, the owner's id as associated data (a sealed value moved to another user or
//! channel does not open), and a key id so keys can rotate: new seals use the first key, every
//! configured key opens. Text secrets are sealed into one string ([`SEALED_TEXT`]).

use aes_gcm::aead::{Aead, AeadCore, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::{bail, Context};
use app::ssr::{SealedTokens, TwitchTokens};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

const NONCE_LEN: usize = 12;

/// How a sealed text starts: `sealed:v1:{key id}:{base64 nonce}:{base64 ciphertext}`.
pub const SEALED_TEXT: &str = "sealed:v1:";

/// Seals and opens [`TwitchTokens`]. `Debug` shows key ids only.
#[derive(Clone)]
pub struct TokenCipher {
    /// (key id, cipher); the first one seals.
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("TokenCipher")
            .field("key_ids", &ids)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    #[error("tokens were sealed with key `{0}`, which is not configured")]
    UnknownKey(String),
    #[error("sealed tokens do not open with their key (tampered, or sealed for another user)")]
    Tampered,
    #[error("opened tokens are not valid: {0}")]
    Malformed(String),
}

impl TokenCipher {
    /// Parses `TOKEN_ENCRYPTION_KEY`: comma-separated `ID:BASE64KEY` pairs (32-byte keys), the first
    /// used for new seals. A lone `BASE64KEY` gets the id `default`.
    ///
    /// # Errors
    /// When a key is not base64, not 32 bytes long, or an id repeats.
    pub fn from_config(value: &SecretString) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        for part in value.expose_secret().split(',').map(str::trim) {
            let (id, b64) = part.split_once(':').unwrap_or(("default", part));
            let bytes = STANDARD
                .decode(b64)
                .with_context(|| format!("TOKEN_ENCRYPTION_KEY `{id}` is not base64"))?;
            if bytes.len() != 32 {
                bail!(
                    "TOKEN_ENCRYPTION_KEY `{id}` must be 32 bytes, is {}",
                    bytes.len()
                );
            }
            if keys.iter().any(|(k, _)| k == id) {
                bail!("TOKEN_ENCRYPTION_KEY repeats the key id `{id}`");
            }
            keys.push((
                id.to_owned(),
                Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)),
            ));
        }
        if keys.is_empty() {
            bail!("TOKEN_ENCRYPTION_KEY holds no key");
        }
        Ok(Self { keys })
    }

    /// A new random key in the `TOKEN_ENCRYPTION_KEY` format.
    pub fn generate_key(id: &str) -> SecretString {
        let key = Aes256Gcm::generate_key(aes_gcm::aead::OsRng);
        SecretString::from(format!("{id}:{}", STANDARD.encode(key)))
    }

    /// # Errors
    /// Never in practice (serialising and encrypting in memory cannot fail); kept for honesty.
    pub fn seal(&self, user_id: &str, tokens: &TwitchTokens) -> anyhow::Result<SealedTokens> {
        self.seal_bytes(user_id, &serde_json::to_vec(&Clear::from(tokens))?)
    }

    /// # Errors
    /// See [`CipherError`].
    pub fn open(&self, user_id: &str, sealed: &SealedTokens) -> Result<TwitchTokens, CipherError> {
        let plain = self.open_bytes(user_id, sealed)?;
        serde_json::from_slice::<Clear>(&plain)
            .map(Into::into)
            .map_err(|e| CipherError::Malformed(e.to_string()))
    }

    /// Seals `plain` for `owner` into one string starting with [`SEALED_TEXT`].
    ///
    /// # Errors
    /// Never in practice (encrypting in memory cannot fail); kept for honesty.
    pub fn seal_text(&self, owner: &str, plain: &str) -> anyhow::Result<String> {
        let sealed = self.seal_bytes(owner, plain.as_bytes())?;
        Ok(format!(
            "{SEALED_TEXT}{}:{}:{}",
            sealed.key_id,
            STANDARD.encode(&sealed.nonce),
            STANDARD.encode(&sealed.ciphertext)
        ))
    }

    /// Opens what [`Self::seal_text`] sealed for `owner`.
    ///
    /// # Errors
    /// See [`CipherError`]; a string that is not a sealed text is [`CipherError::Malformed`].
    pub fn open_text(&self, owner: &str, sealed: &str) -> Result<String, CipherError> {
        let malformed = || CipherError::Malformed("not a sealed text".into());
        let mut parts = sealed
            .strip_prefix(SEALED_TEXT)
            .ok_or_else(malformed)?
            .split(':');
        let (Some(key_id), Some(nonce), Some(ciphertext), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let sealed = SealedTokens {
            key_id: key_id.to_owned(),
            nonce: STANDARD.decode(nonce).map_err(|_| malformed())?,
            ciphertext: STANDARD.decode(ciphertext).map_err(|_| malformed())?,
        };
        String::from_utf8(self.open_bytes(owner, &sealed)?)
            .map_err(|e| CipherError::Malformed(e.to_string()))
    }

    fn seal_bytes(&self, owner: &str, plain: &[u8]) -> anyhow::Result<SealedTokens> {
        let (key_id, cipher) = &self.keys[0];
        let nonce = Aes256Gcm::generate_nonce(aes_gcm::aead::OsRng);
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        Ok(SealedTokens {
            key_id: key_id.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    fn open_bytes(&self, owner: &str, sealed: &SealedTokens) -> Result<Vec<u8>, CipherError> {
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(id, _)| *id == sealed.key_id)
            .ok_or_else(|| CipherError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.nonce.len() != NONCE_LEN {
            return Err(CipherError::Tampered);
        }
        cipher
            .decrypt(
                Nonce::from_slice(&sealed.nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| CipherError::Tampered)
    }
}

/// The plaintext form inside the envelope (SecretString does not serialise its secret by design).
#[derive(serde::Serialize, serde::Deserialize)]
struct Clear {
    access_token: String,
    refresh_token: String,
    scopes: Vec<String>,
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<&TwitchTokens> for Clear {
    fn from(t: &TwitchTokens) -> Self {
        Self {
            access_token: t.access_token.expose_secret().to_owned(),
            refresh_token: t.refresh_token.expose_secret().to_owned(),
            scopes: t.scopes.clone(),
            expires_at: t.expires_at,
        }
    }
}

impl From<Clear> for TwitchTokens {
    fn from(c: Clear) -> Self {
        Self {
            access_token: c.access_token.into(),
            refresh_token: c.refresh_token.into(),
            scopes: c.scopes,
            expires_at: c.expires_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> TwitchTokens {
        TwitchTokens {
            access_token: "access-abc".to_owned().into(),
            refresh_token: "refresh-xyz".to_owned().into(),
            scopes: vec!["channel:manage:vips".into()],
            expires_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn seal_then_open_round_trips_and_hides_the_tokens() {
        let cipher = TokenCipher::from_config(&TokenCipher::generate_key("k1")).unwrap();
        let sealed = cipher.seal("42", &tokens()).unwrap();
        assert_eq!(sealed.key_id, "k1");
        let haystack = String::from_utf8_lossy(&sealed.ciphertext);
        assert!(!haystack.contains("access-abc") && !haystack.contains("refresh-xyz"));
        let opened = cipher.open("42", &sealed).unwrap();
        assert_eq!(opened.access_token.expose_secret(), "access-abc");
        assert_eq!(opened.refresh_token.expose_secret(), "refresh-xyz");
        assert_eq!(opened.scopes, tokens().scopes);
    }

    #[test]
    fn sealed_texts_open_for_their_owner_with_any_configured_key() {
        let old = TokenCipher::generate_key("old");
        let sealer = TokenCipher::from_config(&old).unwrap();
        let sealed = sealer
            .seal_text("7", "https://discord.com/api/webhooks/1/x")
            .unwrap();
        assert!(
            sealed.starts_with(SEALED_TEXT) && !sealed.contains("discord"),
            "{sealed}"
        );
        assert_ne!(
            sealed,
            sealer
                .seal_text("7", "https://discord.com/api/webhooks/1/x")
                .unwrap()
        );
        let rotated = format!(
            "{},{}",
            TokenCipher::generate_key("new").expose_secret(),
            old.expose_secret()
        );
        let rotated = TokenCipher::from_config(&SecretString::from(rotated)).unwrap();
        assert_eq!(
            rotated.open_text("7", &sealed).unwrap(),
            "https://discord.com/api/webhooks/1/x"
        );
        assert!(rotated
            .seal_text("7", "x")
            .unwrap()
            .starts_with("sealed:v1:new:"));
        assert!(matches!(
            rotated.open_text("8", &sealed),
            Err(CipherError::Tampered)
        ));
        assert!(matches!(
            rotated.open_text("7", "https://discord.com/api/webhooks/1/x"),
            Err(CipherError::Malformed(_))
        ));
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let cipher = TokenCipher::from_config(&TokenCipher::generate_key("k1")).unwrap();
        let a = cipher.seal("42", &tokens()).unwrap();
        let b = cipher.seal("42", &tokens()).unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn sealed_tokens_do_not_open_for_another_user_or_after_tampering() {
        let cipher = TokenCipher::from_config(&TokenCipher::generate_key("k1")).unwrap();
        let sealed = cipher.seal("42", &tokens()).unwrap();
        assert!(matches!(
            cipher.open("43", &sealed),
            Err(CipherError::Tampered)
        ));
        let mut bad = sealed.clone();
        bad.ciphertext[0] ^= 1;
        assert!(matches!(
            cipher.open("42", &bad),
            Err(CipherError::Tampered)
        ));
    }

    #[test]
    fn keys_rotate_new_seals_use_the_first_old_ones_still_open() {
        let old = TokenCipher::generate_key("old");
        let new = TokenCipher::generate_key("new");
        let before = TokenCipher::from_config(&old).unwrap();
        let sealed_before = before.seal("42", &tokens()).unwrap();
        let both = format!("{},{}", new.expose_secret(), old.expose_secret());
        let after = TokenCipher::from_config(&SecretString::from(both)).unwrap();
        assert!(after.open("42", &sealed_before).is_ok());
        assert_eq!(after.seal("42", &tokens()).unwrap().key_id, "new");
        let only_new = TokenCipher::from_config(&new).unwrap();
        assert!(matches!(
            only_new.open("42", &sealed_before),
            Err(CipherError::UnknownKey(id)) if id == "old"
        ));
    }

    #[test]
    fn bad_keys_are_refused_without_echoing_them() {
        let short = SecretString::from("k:AAAA".to_owned());
        let e = TokenCipher::from_config(&short).unwrap_err().to_string();
        assert!(e.contains("32 bytes"), "{e}");
        let not_b64 = SecretString::from("k:not base64!".to_owned());
        let e = TokenCipher::from_config(&not_b64).unwrap_err().to_string();
        assert!(!e.contains("not base64!"), "{e}");
        let cipher = TokenCipher::from_config(&TokenCipher::generate_key("k1")).unwrap();
        assert_eq!(format!("{cipher:?}"), r#"TokenCipher { key_ids: ["k1"] }"#);
    }
}
