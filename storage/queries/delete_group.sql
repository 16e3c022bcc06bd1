-- Deletes a user group; its memberships and grants go with it (foreign keys).
-- Parameters: $1 org_id, $2 group_id. Columns: none.
DELETE FROM user_groups WHERE org_id = $1 AND group_id = $2
