-- A page of projects by (name, id).
-- Parameters: $1 org_id, $2 $3 after this (name, project_id) ('', '' from the start), $4 only
-- this cloud's ('' every cloud's), $5 name contains ('' any), $6 limit.
-- Columns: project_id, name, cloud_id, created_micros.
SELECT project_id, name, cloud_id, rolecall_micros(created_at) AS created_micros
  FROM projects
 WHERE org_id = $1 AND (name, project_id) > ($2, $3) AND ($4 = '' OR cloud_id = $4)
   AND ($5 = '' OR strpos(lower(name), lower($5)) > 0)
 ORDER BY name, project_id
 LIMIT $6
