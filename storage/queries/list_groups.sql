-- A page of user groups by (name, id).
-- Parameters: $1 org_id, $2 $3 after this (name, group_id) ('', '' from the start), $4 name
-- contains ('' any), $5 limit.
-- Columns: id (the group's), name, org_id, created_micros, updated_micros.
SELECT group_id AS id, name, org_id, rolecall_micros(created_at) AS created_micros,
       rolecall_micros(updated_at) AS updated_micros
  FROM user_groups
 WHERE org_id = $1 AND (name, group_id) > ($2, $3)
   AND ($4 = '' OR strpos(lower(name), lower($4)) > 0)
 ORDER BY name, group_id
 LIMIT $5
