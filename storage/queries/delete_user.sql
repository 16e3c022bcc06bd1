-- Deletes a user; memberships, grants and API keys go with it (foreign keys).
-- Parameters: $1 org_id, $2 user_id. Columns: none.
DELETE FROM users WHERE org_id = $1 AND user_id = $2
