-- A page of the organization's keys by key id; never their hashes.
-- Parameters: $1 org_id, $2 after this key id ('' from the start), $3 limit.
-- Columns: key_id, name, scope, principal_user_id ('' for none), created_micros,
-- revoked_micros (NULL while not revoked).
SELECT key_id, name, scope, coalesce(principal_user_id, '') AS principal_user_id,
       rolecall_micros(created_at) AS created_micros, rolecall_micros(revoked_at) AS revoked_micros
  FROM api_keys
 WHERE org_id = $1 AND key_id > $2
 ORDER BY key_id
 LIMIT $3
