-- Creates an organization, or renames it.
-- Parameters: $1 org_id, $2 name. Columns: none.
INSERT INTO organizations (org_id, name) VALUES ($1, $2)
ON CONFLICT (org_id) DO UPDATE SET name = EXCLUDED.name
