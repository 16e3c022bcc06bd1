-- The user group with this id. Parameters: $1 org_id, $2 group_id.
-- Columns: id, label (the group's name).
SELECT group_id AS id, name::text AS label
  FROM user_groups
 WHERE org_id = $1 AND group_id = $2
