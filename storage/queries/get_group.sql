-- The user group with this id, or with this name when $2.
-- Parameters: $1 org_id, $2 by name, $3 the id or name.
-- Columns: id (the group's), name, org_id, created_micros, updated_micros.
SELECT group_id AS id, name, org_id, rolecall_micros(created_at) AS created_micros,
       rolecall_micros(updated_at) AS updated_micros
  FROM user_groups
 WHERE org_id = $1 AND ((NOT $2 AND group_id = $3) OR ($2 AND name = $3))
