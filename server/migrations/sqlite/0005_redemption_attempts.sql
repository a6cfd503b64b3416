-- How many catch-up passes have taken up a redemption Twitch kept failing (5xx, time-outs, 429):
-- after a bounded number the redemption is refunded instead of waiting for ever. Kept with the
-- redemption so that the count survives restarts; existing redemptions start at 0.

ALTER TABLE redemptions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
