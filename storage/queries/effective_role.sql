-- Effective roles, for CheckPermission: for each check (a row of `q`), whether the user and the
-- resource exist, and the user's most permissive role on the resource among the direct grant,
-- the grants of the user's groups, organization ownership (owners own everything) and
-- organization membership (every user is an organization collaborator). Index lookups only:
-- users_pkey, clouds/projects_pkey, user_grants_pkey, group_members_by_user, group_grants_pkey.
--
-- `q(i, org_id, user_id, kind, resource_id)` is the FROM clause the store appends: one check from
-- bind parameters, or a batch of checks decoded from JSON (kind: 0 organization, 1 cloud,
-- 2 project; resource_id is the organization's own id for kind 0). `OFFSET 0` keeps each EXISTS
-- an index probe per check: without it the planner may hash a whole table for a batch.
SELECT q.i,
       EXISTS (SELECT 1 FROM users WHERE org_id = q.org_id AND user_id = q.user_id OFFSET 0),
       CASE q.kind WHEN 0 THEN q.resource_id = q.org_id
         WHEN 1 THEN EXISTS (SELECT 1 FROM clouds
                              WHERE org_id = q.org_id AND cloud_id = q.resource_id OFFSET 0)
         ELSE EXISTS (SELECT 1 FROM projects
                       WHERE org_id = q.org_id AND project_id = q.resource_id OFFSET 0) END,
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
                              AND g.resource_kind = 0 AND g.role = 3 OFFSET 0)
                OR EXISTS (SELECT 1 FROM group_members m
                             JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
                            WHERE m.org_id = q.org_id AND m.user_id = q.user_id
                              AND gg.resource_kind = 0 AND gg.role = 3 OFFSET 0)
              THEN 3 END,
         CASE WHEN q.kind = 0 THEN 2 END), 0)
