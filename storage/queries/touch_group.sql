-- Marks a group as changed now. Parameters: $1 org_id, $2 group_id. Columns: none.
UPDATE user_groups SET updated_at = now() WHERE org_id = $1 AND group_id = $2
