-- A page of clouds by (name, id).
-- Parameters: $1 org_id, $2 $3 after this (name, cloud_id) ('', '' from the start), $4 name
-- contains ('' any), $5 limit. Columns: cloud_id, name, created_micros.
SELECT cloud_id, name, rolecall_micros(created_at) AS created_micros
  FROM clouds
 WHERE org_id = $1 AND (name, cloud_id) > ($2, $3)
   AND ($4 = '' OR strpos(lower(name), lower($4)) > 0)
 ORDER BY name, cloud_id
 LIMIT $5
