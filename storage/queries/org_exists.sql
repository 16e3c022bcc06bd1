-- A row when the organization exists.
-- Parameters: $1 org_id. Columns: found.
SELECT true AS found FROM organizations WHERE org_id = $1
