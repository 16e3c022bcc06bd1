-- The page-token MAC key, stored by the first replica that asks: $1 is used only when none is
-- stored yet. On a conflict the stored row is "updated" to itself, so exactly one row comes back
-- even when two replicas start at once (the second waits for the first to commit, then returns
-- its key).
-- Parameters: $1 a new random key. Columns: value.
INSERT INTO server_settings (name, value) VALUES ('page_token_key', $1)
ON CONFLICT (name) DO UPDATE SET value = server_settings.value
RETURNING value
