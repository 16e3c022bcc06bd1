-- Every grant that contributes to a user's role on a resource, for ExplainPermission:
-- source 1 direct, 2 through a group (with its id and name), 3 organization ownership (owners
-- own every cloud and project; directly or through a group), 4 organization membership (every
-- user collaborates on the organization). Most permissive first.
-- $1 organization, $2 user, $3 resource kind (0 organization, 1 cloud, 2 project), $4 resource.
SELECT source, role, group_id, group_name FROM (
  SELECT 1 AS source, ug.role::int AS role, ''::text AS group_id, ''::text AS group_name
    FROM user_grants ug
   WHERE ug.org_id = $1 AND ug.user_id = $2 AND ug.resource_kind = $3::int
     AND ug.resource_id = $4
  UNION ALL
  SELECT 2, gg.role, g.group_id, g.name
    FROM group_members m
    JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
    JOIN user_groups g ON g.org_id = gg.org_id AND g.group_id = gg.group_id
   WHERE m.org_id = $1 AND m.user_id = $2 AND gg.resource_kind = $3::int AND gg.resource_id = $4
  UNION ALL
  SELECT 3, 3, '', ''
    FROM user_grants ug
   WHERE $3::int <> 0 AND ug.org_id = $1 AND ug.user_id = $2 AND ug.resource_kind = 0
     AND ug.role = 3
  UNION ALL
  SELECT 3, 3, g.group_id, g.name
    FROM group_members m
    JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
    JOIN user_groups g ON g.org_id = gg.org_id AND g.group_id = gg.group_id
   WHERE $3::int <> 0 AND m.org_id = $1 AND m.user_id = $2 AND gg.resource_kind = 0
     AND gg.role = 3
  UNION ALL
  SELECT 4, 2, '', '' WHERE $3::int = 0
) x
ORDER BY role DESC, source, group_name
