-- A channel's active sessions in the order the dashboard and the API list them (soonest deadline
-- first, those without one last), so that `active_sessions` reads them in order instead of sorting
-- them for every page. Partial, like `vip_sessions_one_active`: ended sessions are not in it.
CREATE INDEX vip_sessions_active_order
    ON vip_sessions (channel_id, expires_at IS NULL, expires_at, id) WHERE state = 'active';
