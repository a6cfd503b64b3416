-- Whose login session a row is (the session data's `user_id`; NULL before the login completes), so
-- that every session of one user can be ended at once (Twitch revoked the app's authorisation, or
-- the user logged out everywhere). Rows stored before this are tagged from their data.

ALTER TABLE login_sessions ADD COLUMN user_id TEXT;

UPDATE login_sessions SET user_id = json_extract(CAST(data AS TEXT), '$.user_id')
WHERE json_valid(CAST(data AS TEXT));

CREATE INDEX login_sessions_by_user ON login_sessions (user_id);
