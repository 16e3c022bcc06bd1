-- Effective (user, cloud) and (user, project) roles of an organization, one row per pair, in
-- stream order: users by email, then clouds by name, the cloud's own row (no project) first,
-- then its projects by name. Direct and group-inherited grants form one set; one sort with
-- DISTINCT ON keeps the most permissive role of each pair (faster than hash aggregation here);
-- organization roles (no cloud_id or project_id) are not part of it.
-- It runs under COPY, which takes no bind parameters, so its inputs are settings of the
-- transaction, bound with set_config($1) beforehand: rolecall.org_id the organization (set for
-- every unit of work, read by row-level security too), rolecall.stream_after resume after this
-- email key ('' = from the start), rolecall.stream_user only this user. Lines ending in
-- "-- one user" are the filter of the one-user listing; the organization-wide listing drops them.
-- Columns (read by position from COPY's text, storage/pg_permissions.cc): email_key, user_id,
-- email, is_service_account, cloud_id, cloud_name, project_id, project_name, role.
WITH g AS (
  SELECT ug.user_id, ug.cloud_id, ug.project_id, ug.role
    FROM user_grants ug
   WHERE ug.org_id = current_setting('rolecall.org_id')
     AND coalesce(ug.cloud_id, ug.project_id) IS NOT NULL
     AND ug.user_id = current_setting('rolecall.stream_user') -- one user
  UNION ALL
  SELECT m.user_id, gg.cloud_id, gg.project_id, gg.role
    FROM group_grants gg
    JOIN group_members m ON m.org_id = gg.org_id AND m.group_id = gg.group_id
   WHERE gg.org_id = current_setting('rolecall.org_id')
     AND coalesce(gg.cloud_id, gg.project_id) IS NOT NULL
     AND m.user_id = current_setting('rolecall.stream_user') -- one user
)
SELECT DISTINCT ON (u.email_key, c.name, c.cloud_id, p.name, p.project_id)
       u.email_key, u.user_id, u.email, u.is_service_account,
       c.cloud_id, c.name, p.project_id, p.name, g.role
  FROM g
  JOIN users u ON u.org_id = current_setting('rolecall.org_id') AND u.user_id = g.user_id
  LEFT JOIN projects p ON p.org_id = current_setting('rolecall.org_id')
                      AND p.project_id = g.project_id
  JOIN clouds c ON c.org_id = current_setting('rolecall.org_id')
               AND c.cloud_id = coalesce(p.cloud_id, g.cloud_id)
 WHERE u.email_key > current_setting('rolecall.stream_after')
 ORDER BY u.email_key, c.name, c.cloud_id, p.name NULLS FIRST, p.project_id, g.role DESC
