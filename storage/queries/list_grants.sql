-- A page of the grants on a resource: groups' first, then users', each by principal id, role.
-- Parameters: $1 org_id, $2 resource kind, $3 resource id, $4 $5 $6 after this (is a user's
-- grant, principal_id, role) (false, '', 0 from the start), $7 limit.
-- Columns: is_group, principal_id, role, created_micros, principal_name (group name or email).
SELECT is_group, principal_id, role, created_micros, principal_name FROM (
  SELECT true AS is_group, gg.group_id AS principal_id, gg.role,
         rolecall_micros(gg.created_at) AS created_micros, g.name::text AS principal_name
    FROM group_grants gg
    JOIN user_groups g ON g.org_id = gg.org_id AND g.group_id = gg.group_id
   WHERE gg.org_id = $1 AND gg.resource_kind = $2 AND gg.resource_id = $3
  UNION ALL
  SELECT false, ug.user_id, ug.role, rolecall_micros(ug.created_at), u.email
    FROM user_grants ug
    JOIN users u ON u.org_id = ug.org_id AND u.user_id = ug.user_id
   WHERE ug.org_id = $1 AND ug.resource_kind = $2 AND ug.resource_id = $3
) x
WHERE (NOT is_group, principal_id, role) > ($4::bool, $5, $6::smallint)
ORDER BY NOT is_group, principal_id, role
LIMIT $7
