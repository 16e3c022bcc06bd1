-- The cloud with this id, or with this name when $2.
-- Parameters: $1 org_id, $2 by name, $3 the id or name. Columns: cloud_id, name, created_micros.
SELECT cloud_id, name, rolecall_micros(created_at) AS created_micros
  FROM clouds
 WHERE org_id = $1 AND ((NOT $2 AND cloud_id = $3) OR ($2 AND name = $3))
