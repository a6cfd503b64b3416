-- The durable EventSub inbox: each verified notification is stored before Twitch is answered,
-- then processed per channel in arrival order. Processed messages stay as dedupe records until
-- the purge deletes them (`purge_expired`).

CREATE TABLE inbox (
    message_id   TEXT    NOT NULL PRIMARY KEY, -- Twitch's message id (dedupe key)
    channel_id   TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,             -- µs since the epoch: the arrival order
    payload      TEXT    NOT NULL,             -- {"subscription": …, "event": …} as received
    processed_at INTEGER                       -- µs since the epoch; NULL while pending
) STRICT;

-- A channel's pending messages in arrival order, without a sort; and the channels with any.
CREATE INDEX inbox_pending ON inbox (channel_id, received_at, message_id)
    WHERE processed_at IS NULL;
-- The purge of processed messages.
CREATE INDEX inbox_processed ON inbox (processed_at) WHERE processed_at IS NOT NULL;
