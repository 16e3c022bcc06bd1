-- Creates a user group. Parameters: $1 org_id, $2 group_id, $3 name.
-- Columns: id (the group's), name, org_id, created_micros, updated_micros.
INSERT INTO user_groups (org_id, group_id, name) VALUES ($1, $2, $3)
RETURNING group_id AS id, name, org_id, rolecall_micros(created_at) AS created_micros,
       rolecall_micros(updated_at) AS updated_micros
