-- The page-token MAC key, stored by the first replica that asks: $1 is used only when none is
-- stored yet.
-- Parameters: $1 a new random key. Columns: value.
WITH made AS (
  INSERT INTO server_settings (name, value) VALUES ('page_token_key', $1)
  ON CONFLICT DO NOTHING RETURNING value
)
SELECT value FROM made
UNION ALL
SELECT value FROM server_settings WHERE name = 'page_token_key'
