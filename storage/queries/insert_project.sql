-- Creates a project in a cloud. Parameters: $1 org_id, $2 project_id, $3 cloud_id, $4 name.
-- Columns: project_id, name, cloud_id, created_micros.
INSERT INTO projects (org_id, project_id, cloud_id, name) VALUES ($1, $2, $3, $4)
RETURNING project_id, name, cloud_id, rolecall_micros(created_at) AS created_micros
