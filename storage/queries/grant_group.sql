-- Grants a role to a group; holding it already is not an error.
-- Parameters: $1 org_id, $2 group_id, $3 resource kind, $4 resource id, $5 role.
-- Columns: created_micros.
INSERT INTO group_grants (org_id, group_id, resource_kind, resource_id, role)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (org_id, group_id, resource_kind, resource_id, role) DO UPDATE SET role = EXCLUDED.role
RETURNING rolecall_micros(created_at) AS created_micros
