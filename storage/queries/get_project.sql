-- The project with this id. Parameters: $1 org_id, $2 project_id.
-- Columns: project_id, name, cloud_id, created_micros.
SELECT project_id, name, cloud_id, rolecall_micros(created_at) AS created_micros
  FROM projects
 WHERE org_id = $1 AND project_id = $2
