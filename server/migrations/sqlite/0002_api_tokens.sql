-- Personal API tokens for the REST API. Only the SHA-256 digest of a token is kept (lowercase hex);
-- the token itself is shown once, when it is created, and never stored.

CREATE TABLE api_tokens (
    hash         TEXT    NOT NULL PRIMARY KEY, -- the lookup on every API request
    id           TEXT    NOT NULL,             -- public handle, for lists and revocation
    user_id      TEXT    NOT NULL,             -- whom the token acts as
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,             -- the token's first characters, for display
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;

-- A user's tokens, newest first (the settings page), their count (the per-user limit) and
-- revocation by id; an id is unique per user.
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX api_tokens_user_id ON api_tokens (user_id, id);
