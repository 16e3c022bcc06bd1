-- Adds users to a group, skipping members already.
-- Parameters: $1 org_id, $2 group_id, $3 JSON array of user ids. Columns: none.
INSERT INTO group_members (org_id, group_id, user_id)
SELECT $1, $2, u FROM json_array_elements_text($3::json) AS u
ON CONFLICT DO NOTHING
