-- Effective roles, for CheckPermission: for each check, whether the user and the resource exist,
-- and the user's most permissive role on the resource among the direct grant, the grants of the
-- user's groups, organization ownership (owners own everything) and organization membership
-- (every user collaborates on the organization). Index lookups only: users_pkey,
-- clouds/projects_pkey, user_grants_pkey, group_members_by_user, group_grants_pkey.
-- `OFFSET 0` keeps each EXISTS an index probe per check: without it the planner may hash a whole
-- table for a batch.
-- Parameters: $1 the checks, a JSON array of objects {i, org_id, user_id, kind, resource_id}
-- (resource_id is the organization's own id for the organization), $2 the organization's
-- resource kind, $3 the cloud's resource kind, $4 the owner role, $5 the role every user holds
-- on the organization.
-- Columns: i (the check's), user_found, resource_found, role (0 for none), revision (the
-- organization's, in the statement's snapshot: the state the answer reflects).
SELECT q.i,
       coalesce((SELECT r.revision FROM org_revisions r WHERE r.org_id = q.org_id), 0)
         AS revision,
       EXISTS (SELECT 1 FROM users WHERE org_id = q.org_id AND user_id = q.user_id OFFSET 0)
         AS user_found,
       CASE
         WHEN q.kind = $2::int THEN q.resource_id = q.org_id
         WHEN q.kind = $3::int THEN EXISTS (SELECT 1 FROM clouds
                                        WHERE org_id = q.org_id AND cloud_id = q.resource_id
                                       OFFSET 0)
         ELSE EXISTS (SELECT 1 FROM projects
                       WHERE org_id = q.org_id AND project_id = q.resource_id OFFSET 0)
       END AS resource_found,
       coalesce(greatest(
         (SELECT max(role) FROM user_grants g
           WHERE g.org_id = q.org_id AND g.user_id = q.user_id AND g.resource_kind = q.kind
             AND g.resource_id = q.resource_id),
         (SELECT max(gg.role) FROM group_members m
            JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
           WHERE m.org_id = q.org_id AND m.user_id = q.user_id AND gg.resource_kind = q.kind
             AND gg.resource_id = q.resource_id),
         CASE WHEN EXISTS (SELECT 1 FROM user_grants g
                            WHERE g.org_id = q.org_id AND g.user_id = q.user_id
                              AND g.resource_kind = $2::int AND g.role = $4::int OFFSET 0)
                OR EXISTS (SELECT 1 FROM group_members m
                             JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
                            WHERE m.org_id = q.org_id AND m.user_id = q.user_id
                              AND gg.resource_kind = $2::int AND gg.role = $4::int OFFSET 0)
              THEN $4::int END,
         CASE WHEN q.kind = $2::int THEN $5::int END), 0) AS role
  FROM json_to_recordset($1::json) AS q(i int, org_id text, user_id text, kind int, resource_id text)
