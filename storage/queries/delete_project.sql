-- Deletes a project; every grant on it goes with it (foreign keys).
-- Parameters: $1 org_id, $2 project_id. Columns: none.
DELETE FROM projects WHERE org_id = $1 AND project_id = $2
