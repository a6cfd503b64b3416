-- The analytics counters (`app::ssr::analytics::counters`), kept in the same transaction as each
-- audit entry, so a render reads one row per day instead of walking the log.

-- One row per channel and UTC day: hourly counts and the day's viewers, as JSON.
CREATE TABLE analytics_days (
    channel_id TEXT NOT NULL,
    day        TEXT NOT NULL, -- YYYY-MM-DD (UTC): sorts as dates do
    counters   TEXT NOT NULL, -- DayCounters as JSON
    PRIMARY KEY (channel_id, day)
) STRICT, WITHOUT ROWID;

-- Where a redemption or a session line is counted (`redemption:{id}`, `start:{id}`, `end:{id}`),
-- so it counts once, and a newer line for a redemption can take an older one's count away.
CREATE TABLE analytics_counted (
    channel_id TEXT NOT NULL,
    key        TEXT NOT NULL,
    counted    TEXT NOT NULL, -- Counted as JSON
    PRIMARY KEY (channel_id, key)
) STRICT, WITHOUT ROWID;

-- Since which entry a channel is counted live, and whether its older log has been backfilled.
-- A channel without a row has no counters yet.
CREATE TABLE analytics_markers (
    channel_id TEXT NOT NULL PRIMARY KEY,
    marker     TEXT NOT NULL -- CountersMarker as JSON
) STRICT;
