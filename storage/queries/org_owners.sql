-- The organization's owners (directly or through a group), by email.
-- Parameters: $1 org_id, $2 the organization's resource kind, $3 the owner role.
-- Columns: email, user_id.
SELECT u.email, u.user_id
  FROM users u
 WHERE u.org_id = $1 AND u.user_id IN (
   SELECT user_id FROM user_grants WHERE org_id = $1 AND resource_kind = $2 AND role = $3
   UNION
   SELECT m.user_id
     FROM group_grants gg
     JOIN group_members m ON m.org_id = gg.org_id AND m.group_id = gg.group_id
    WHERE gg.org_id = $1 AND gg.resource_kind = $2 AND gg.role = $3)
 ORDER BY u.email_key
