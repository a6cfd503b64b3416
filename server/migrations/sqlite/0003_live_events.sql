-- Live events relayed between instances sharing this database: each instance appends what it
-- publishes and reads what the others published in the last few seconds. Kept for minutes only
-- (`purge_expired`).

CREATE TABLE live_events (
    id          TEXT    NOT NULL PRIMARY KEY, -- unique per event, chosen by the publisher
    instance_id TEXT    NOT NULL,             -- the publishing instance
    channel_id  TEXT    NOT NULL,
    at          INTEGER NOT NULL,             -- when it was published (µs since the epoch)
    event_json  TEXT    NOT NULL              -- the LiveEvent as JSON
) STRICT;

-- The relay's poll (events since a time, oldest first) and the purge of old ones.
CREATE INDEX live_events_by_time ON live_events (at, id);
