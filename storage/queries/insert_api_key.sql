-- Stores an API key: the hash of its secret, never the secret.
-- Parameters: $1 org_id, $2 key_id, $3 secret_hash, $4 scope name, $5 principal user id ('' for
-- none), $6 name. Columns: none.
INSERT INTO api_keys (org_id, key_id, secret_hash, scope, principal_user_id, name)
VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6)
