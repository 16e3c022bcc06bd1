-- A row when the user exists.
-- Parameters: $1 org_id, $2 user_id. Columns: found.
SELECT true AS found FROM users WHERE org_id = $1 AND user_id = $2
