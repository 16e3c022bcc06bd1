-- Whether the resource exists, for a clear NOT_FOUND (a resource deleted concurrently is caught by
-- the grant tables' foreign keys, which lock the resource row until the grant commits).
-- Parameters: $1 org_id, $2 the resource's kind, $3 its id, $4 the organization's kind, $5 the
-- cloud's kind. Columns: found.
SELECT CASE
         WHEN $2::int = $4::int THEN $3 = $1
         WHEN $2::int = $5::int THEN EXISTS (SELECT 1 FROM clouds
                                              WHERE org_id = $1 AND cloud_id = $3)
         ELSE EXISTS (SELECT 1 FROM projects WHERE org_id = $1 AND project_id = $3)
       END AS found
