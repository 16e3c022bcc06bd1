-- The organization's newest revision (0 when it has none yet): read before a read's own
-- statement in the same transaction, it is a state the answer reflects at least.
-- Parameters: $1 org_id. Columns: revision.
SELECT coalesce((SELECT revision FROM org_revisions WHERE org_id = $1), 0) AS revision
