-- Creates a cloud. Parameters: $1 org_id, $2 cloud_id, $3 name.
-- Columns: cloud_id, name, created_micros.
INSERT INTO clouds (org_id, cloud_id, name) VALUES ($1, $2, $3)
RETURNING cloud_id, name, rolecall_micros(created_at) AS created_micros
