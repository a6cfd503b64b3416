-- The VIP manager's SQLite schema. Times are INTEGER microseconds since the Unix epoch (UTC).
-- Structured values that are never filtered or ordered on are JSON TEXT; everything a query filters
-- or orders on is a real column with an index. No foreign keys between domain tables: the Store
-- contract does not require a channel to exist first, and every backend must behave the same.

CREATE TABLE channels (
    id                TEXT    NOT NULL PRIMARY KEY,
    login             TEXT    NOT NULL,
    display_name      TEXT    NOT NULL,
    profile_image_url TEXT,
    settings          TEXT    NOT NULL, -- JSON `Settings`
    needs_reauth      INTEGER NOT NULL CHECK (needs_reauth IN (0, 1))
) STRICT;

CREATE UNIQUE INDEX channels_login ON channels (lower(login));

-- Sealed (encrypted) Twitch tokens, keyed by Twitch user id.
CREATE TABLE tokens (
    user_id    TEXT NOT NULL PRIMARY KEY,
    key_id     TEXT NOT NULL,
    nonce      BLOB NOT NULL,
    ciphertext BLOB NOT NULL
) STRICT;

CREATE TABLE rewards (
    id                      TEXT    NOT NULL PRIMARY KEY,
    channel_id              TEXT    NOT NULL,
    title                   TEXT    NOT NULL,
    cost                    INTEGER NOT NULL,
    prompt                  TEXT    NOT NULL,
    duration_secs           INTEGER NOT NULL,
    enabled                 INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    global_cooldown_secs    INTEGER,
    max_per_stream          INTEGER,
    max_per_user_per_stream INTEGER
) STRICT;

CREATE INDEX rewards_by_channel ON rewards (channel_id, title, id);

CREATE TABLE redemptions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    channel_id          TEXT    NOT NULL,
    reward_id           TEXT    NOT NULL,
    viewer_id           TEXT    NOT NULL,
    viewer_login        TEXT    NOT NULL,
    viewer_display_name TEXT    NOT NULL,
    received_at         INTEGER NOT NULL,
    outcome             TEXT    NOT NULL -- JSON `RedemptionOutcome`
) STRICT;

CREATE TABLE vip_sessions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    channel_id          TEXT    NOT NULL,
    viewer_id           TEXT    NOT NULL,
    viewer_login        TEXT    NOT NULL,
    viewer_display_name TEXT    NOT NULL,
    source              TEXT    NOT NULL, -- `VipSource` in snake_case
    granted_by          TEXT    NOT NULL, -- JSON `Actor`
    granted_at          INTEGER NOT NULL,
    expires_at          INTEGER,          -- NULL: no deadline (external or permanent VIP)
    state               TEXT    NOT NULL
        CHECK (state IN ('active', 'expired', 'revoked', 'removed_externally')),
    ended_at            INTEGER,
    redemption_id       TEXT,
    metadata            TEXT    NOT NULL  -- JSON
) STRICT;

-- At most one active session per viewer and channel; also serves `active_session` and
-- `active_sessions` (both filter on state = 'active').
CREATE UNIQUE INDEX vip_sessions_one_active
    ON vip_sessions (channel_id, viewer_id) WHERE state = 'active';

-- The sweeper's index: only active sessions with a deadline, so `due_sessions` and `next_deadline`
-- do not slow down as ended sessions pile up.
CREATE INDEX vip_sessions_due
    ON vip_sessions (expires_at, id) WHERE state = 'active' AND expires_at IS NOT NULL;

CREATE TABLE audit_log (
    id                  TEXT    NOT NULL PRIMARY KEY,
    channel_id          TEXT    NOT NULL,
    at                  INTEGER NOT NULL,
    action              TEXT    NOT NULL, -- `AuditAction::as_str`
    actor               TEXT    NOT NULL, -- JSON `Actor`
    target_viewer_id    TEXT,
    target_login        TEXT,
    target_display_name TEXT,
    metadata            TEXT    NOT NULL  -- JSON
) STRICT;

CREATE INDEX audit_by_channel ON audit_log (channel_id, at DESC, id DESC);
CREATE INDEX audit_by_action ON audit_log (channel_id, action, at DESC, id DESC);
CREATE INDEX audit_by_viewer ON audit_log (channel_id, target_viewer_id, at DESC, id DESC);

-- EventSub message ids, remembered until `expires_at` (webhook dedupe).
CREATE TABLE seen_messages (
    id         TEXT    NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX seen_messages_expiry ON seen_messages (expires_at);

CREATE TABLE leases (
    name       TEXT    NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- A redemption id appears at most once, in any channel.
CREATE TABLE waitlist (
    redemption_id       TEXT    NOT NULL PRIMARY KEY,
    channel_id          TEXT    NOT NULL,
    viewer_id           TEXT    NOT NULL,
    viewer_login        TEXT    NOT NULL,
    viewer_display_name TEXT    NOT NULL,
    duration_secs       INTEGER NOT NULL,
    queued_at           INTEGER NOT NULL
) STRICT;

CREATE INDEX waitlist_by_channel ON waitlist (channel_id, queued_at, redemption_id);

-- Login sessions (tower-sessions): `data` is the JSON-encoded session data.
CREATE TABLE login_sessions (
    id         TEXT    NOT NULL PRIMARY KEY,
    data       BLOB    NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX login_sessions_expiry ON login_sessions (expires_at);
