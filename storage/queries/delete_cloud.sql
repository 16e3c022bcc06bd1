-- Deletes a cloud; its projects and every grant on either go with it (foreign keys).
-- Parameters: $1 org_id, $2 cloud_id. Columns: none.
DELETE FROM clouds WHERE org_id = $1 AND cloud_id = $2
