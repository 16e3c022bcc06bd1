-- The key with this id, before the caller's organization is known: through a function that may
-- read every organization's keys (row-level security lets this session see none).
-- Parameters: $1 key_id.
-- Columns: org_id, key_id, secret_hash, scope, principal_user_id ('' for none), revoked.
SELECT org_id, key_id, secret_hash, scope, principal_user_id, revoked
  FROM rolecall_find_api_key($1)
