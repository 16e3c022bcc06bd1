-- One user's effective role on one resource, for CheckPermission: whether the user and the
-- resource exist, and the most permissive of the direct grant, the grants of the user's groups,
-- organization ownership (owners own everything) and organization membership (every user is
-- an organization collaborator). Index lookups only: user_grants_pkey, group_members_by_user,
-- group_grants_pkey.
-- $1 organization, $2 user, $3 resource kind (0 organization, 1 cloud, 2 project),
-- $4 resource id (the organization's own id for kind 0).
SELECT EXISTS (SELECT 1 FROM users WHERE org_id = $1 AND user_id = $2),
       CASE $3::int WHEN 0 THEN $4 = $1
         WHEN 1 THEN EXISTS (SELECT 1 FROM clouds WHERE org_id = $1 AND cloud_id = $4)
         ELSE EXISTS (SELECT 1 FROM projects WHERE org_id = $1 AND project_id = $4) END,
       coalesce(greatest(
         (SELECT max(role) FROM user_grants
           WHERE org_id = $1 AND user_id = $2 AND resource_kind = $3::int AND resource_id = $4),
         (SELECT max(gg.role) FROM group_members m
            JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
           WHERE m.org_id = $1 AND m.user_id = $2 AND gg.resource_kind = $3::int
             AND gg.resource_id = $4),
         CASE WHEN EXISTS (SELECT 1 FROM user_grants WHERE org_id = $1 AND user_id = $2
                             AND resource_kind = 0 AND role = 3)
                OR EXISTS (SELECT 1 FROM group_members m
                             JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
                            WHERE m.org_id = $1 AND m.user_id = $2 AND gg.resource_kind = 0
                              AND gg.role = 3)
              THEN 3 END,
         CASE WHEN $3::int = 0 THEN 2 END), 0)
