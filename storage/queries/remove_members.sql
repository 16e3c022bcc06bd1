-- Removes users from a group.
-- Parameters: $1 org_id, $2 group_id, $3 JSON array of user ids. Columns: user_id (removed).
DELETE FROM group_members
 WHERE org_id = $1 AND group_id = $2 AND user_id IN (SELECT json_array_elements_text($3::json))
RETURNING user_id
