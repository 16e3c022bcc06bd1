-- Revokes a key (keeping the first revocation's time); affects no row for an unknown key.
-- Parameters: $1 org_id, $2 key_id. Columns: none.
UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
 WHERE org_id = $1 AND key_id = $2
