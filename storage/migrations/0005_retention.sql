-- rolecall schema, version 5: the change log's retention.
--
-- The server prunes changes older than --change-retention-days in the background
-- (rolecall_prune_changes, one server at a time), whole revisions at once, and records per
-- organization the newest revision pruned, so a watch that would resume before it is told its
-- token has expired instead of silently missing changes.

-- Every change of this organization up to this revision has been pruned (0: none).
ALTER TABLE org_revisions ADD COLUMN pruned_through bigint NOT NULL DEFAULT 0;

-- Prunes the changes of every organization older than `p_days` days (at least 1: the serving
-- role, which may call this, cannot empty the log): for each organization, every revision up to
-- its newest one older than that. Runs with its owner's rights (the serving role has no DELETE
-- on changes) and only where no other server is pruning (a transaction-level advisory lock).
-- Returns the rows deleted (-1: another server holds the lock) and the time of the oldest change
-- kept, in microseconds since the epoch (NULL: none).
CREATE FUNCTION rolecall_prune_changes(p_days int)
  RETURNS TABLE (deleted bigint, oldest_micros bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
BEGIN
  IF p_days IS NULL OR p_days < 1 THEN
    RAISE EXCEPTION 'rolecall_prune_changes: the retention must be at least 1 day, not %', p_days;
  END IF;
  deleted := -1;
  IF pg_try_advisory_xact_lock(hashtext('rolecall_prune_changes')) THEN
    WITH horizon AS (
      SELECT r.org_id,
             (SELECT max(c.revision) FROM changes c
               WHERE c.org_id = r.org_id
                 AND c.changed_at < now() - make_interval(days => p_days)) AS revision
        FROM org_revisions r
    ), marked AS (
      UPDATE org_revisions r SET pruned_through = h.revision
        FROM horizon h
       WHERE r.org_id = h.org_id AND h.revision > r.pruned_through
      RETURNING r.org_id, r.pruned_through
    ), gone AS (
      DELETE FROM changes c USING marked m
       WHERE c.org_id = m.org_id AND c.revision <= m.pruned_through
      RETURNING 1
    )
    SELECT count(*) INTO deleted FROM gone;
  END IF;
  SELECT min(rolecall_micros(o.changed_at)) INTO oldest_micros
    FROM org_revisions r,
         LATERAL (SELECT c.changed_at FROM changes c WHERE c.org_id = r.org_id
                   ORDER BY c.changed_at LIMIT 1) o;
  RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION rolecall_prune_changes(int) FROM PUBLIC;
