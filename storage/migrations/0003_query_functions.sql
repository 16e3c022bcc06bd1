-- Expressions the named queries (storage/queries) share, written once. Both run with the
-- caller's rights, so row-level security applies inside them as in the queries that call them.

-- A timestamp as integer microseconds since the epoch, the form every query returns times in.
-- STABLE like extract() itself, so the planner inlines it.
CREATE FUNCTION rolecall_micros(t timestamptz) RETURNS int8
  LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT (extract(epoch FROM t) * 1000000)::int8 $$;

-- One row: whether the user holds `p_owner` on the organization (resource kind `p_org_kind`),
-- directly or through a group. The kind and role come from the caller, which owns their values.
-- Queries join it LATERAL per user row. A set-returning SQL function is inlined into the query
-- (a scalar one holding sub-selects is not, and runs as a separate function call per row, three
-- times slower on a page of users); `OFFSET 0` keeps each EXISTS a probe of that user's grants and
-- 0-3 groups, where the planner could otherwise compute the whole set of owners for every page.
CREATE FUNCTION rolecall_org_ownership(p_org text, p_user text, p_org_kind int, p_owner int)
  RETURNS TABLE (is_owner boolean)
  LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT EXISTS (SELECT 1 FROM user_grants g
                  WHERE g.org_id = p_org AND g.user_id = p_user
                    AND g.resource_kind = p_org_kind AND g.role = p_owner OFFSET 0)
      OR EXISTS (SELECT 1 FROM group_members m
                   JOIN group_grants gg ON gg.org_id = m.org_id AND gg.group_id = m.group_id
                  WHERE m.org_id = p_org AND m.user_id = p_user
                    AND gg.resource_kind = p_org_kind AND gg.role = p_owner OFFSET 0)
$$;
