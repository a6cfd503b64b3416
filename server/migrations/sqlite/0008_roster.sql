-- A channel's VIP roster beyond its sessions: viewers who may never get VIP from the app (the
-- exclusion list), and how many VIP slots Twitch allows the channel, as learned from its 409
-- answers to Add VIP. (Protected VIPs are a mark in their session's metadata.)

CREATE TABLE vip_exclusions (
    channel_id          TEXT NOT NULL,
    viewer_id           TEXT NOT NULL,
    viewer_login        TEXT NOT NULL,
    viewer_display_name TEXT NOT NULL,
    excluded_by         TEXT NOT NULL, -- the actor, as JSON
    excluded_at         INTEGER NOT NULL, -- microseconds since the epoch
    PRIMARY KEY (channel_id, viewer_id)
) WITHOUT ROWID;

CREATE TABLE vip_capacity (
    channel_id TEXT PRIMARY KEY NOT NULL,
    slots      INTEGER NOT NULL,
    learned_at INTEGER NOT NULL -- microseconds since the epoch
) WITHOUT ROWID;
