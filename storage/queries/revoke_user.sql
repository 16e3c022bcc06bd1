-- Revokes a role of a user; affects no row when it is not granted.
-- Parameters: $1 org_id, $2 user_id, $3 resource kind, $4 resource id, $5 role. Columns: none.
DELETE FROM user_grants
 WHERE org_id = $1 AND user_id = $2 AND resource_kind = $3 AND resource_id = $4 AND role = $5
