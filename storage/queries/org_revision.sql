-- The organization's newest revision (0 when it has none yet): read before a read's own
-- statement in the same transaction, it is a state the answer reflects at least. And the newest
-- revision whose changes were pruned from the change log (0: none).
-- Parameters: $1 org_id. Columns: revision, pruned_through.
SELECT coalesce(r.revision, 0) AS revision, coalesce(r.pruned_through, 0) AS pruned_through
  FROM (SELECT 1) AS one
  LEFT JOIN org_revisions r ON r.org_id = $1
