-- Every grant that contributes to a user's role on a resource, for ExplainPermission, most
-- permissive first: sources 'direct', 'group' (with the group's id and name), 'owner' (owners
-- own every cloud and project; directly or through a group) and 'member' (every user
-- collaborates on the organization).
-- Parameters: $1 org_id, $2 user_id, $3 resource kind, $4 resource id, $5 the organization's
-- resource kind, $6 the owner role, $7 the role every user holds on the organization.
-- Columns: source, role, group_id, group_name ('' unless through a group).
SELECT source, role, group_id, group_name FROM (
  SELECT 'direct' AS source, ug.role::int AS role, ''::text AS group_id, ''::text AS group_name,
         1 AS rank
    FROM user_grants ug
   WHERE ug.org_id = $1 AND ug.user_id = $2 AND ug.resource_kind = $3::int
     AND ug.resource_id = $4
  UNION ALL
  SELECT 'group', gg.role, g.group_id, g.name, 2
    FROM group_members m
    JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
    JOIN user_groups g ON g.org_id = gg.org_id AND g.group_id = gg.group_id
   WHERE m.org_id = $1 AND m.user_id = $2 AND gg.resource_kind = $3::int AND gg.resource_id = $4
  UNION ALL
  SELECT 'owner', $6::int, '', '', 3
    FROM user_grants ug
   WHERE $3::int <> $5::int AND ug.org_id = $1 AND ug.user_id = $2 AND ug.resource_kind = $5::int
     AND ug.role = $6::int
  UNION ALL
  SELECT 'owner', $6::int, g.group_id, g.name, 3
    FROM group_members m
    JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
    JOIN user_groups g ON g.org_id = gg.org_id AND g.group_id = gg.group_id
   WHERE $3::int <> $5::int AND m.org_id = $1 AND m.user_id = $2 AND gg.resource_kind = $5::int
     AND gg.role = $6::int
  UNION ALL
  SELECT 'member', $7::int, '', '', 4 WHERE $3::int = $5::int
) x
ORDER BY role DESC, rank, group_name
