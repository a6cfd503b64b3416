-- The OBS overlay's key, one per channel. Only the SHA-256 digest of the secret in the overlay's
-- URL is kept (lowercase hex); the secret itself is shown once, when the URL is made.

CREATE TABLE overlay_keys (
    channel_id TEXT    NOT NULL PRIMARY KEY,
    hash       TEXT    NOT NULL UNIQUE, -- the lookup on every overlay request
    created_at INTEGER NOT NULL
) STRICT;
