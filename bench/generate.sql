-- Deterministic, set-based data for one benchmark organization (psql variables):
--   org users groups clouds projects direct_grants group_grants
-- Every pseudo-random choice is a hash of the row number, so the same scale always gives the
-- same data whatever plan PostgreSQL picks. Run through bench/generate.sh.
\set ON_ERROR_STOP on
BEGIN;
DELETE FROM organizations WHERE org_id = :'org';
INSERT INTO organizations (org_id, name) VALUES (:'org', :'org');

-- h(x) in [0, 1): a stable hash of text.
CREATE OR REPLACE FUNCTION pg_temp.h(x text) RETURNS float8 LANGUAGE sql IMMUTABLE AS
  $$ SELECT (hashtextextended(x, 42) & 2147483647)::float8 / 2147483648.0 $$;

INSERT INTO users (org_id, user_id, email, name, is_service_account, created_at)
SELECT :'org', 'usr_' || lpad(i::text, 8, '0'), 'user' || i || '@bench.example.com',
       'User ' || i, i % 50 = 0, '2024-01-01'::timestamptz + i * interval '1 second'
  FROM generate_series(1, :users) i;

INSERT INTO user_groups (org_id, group_id, name)
SELECT :'org', 'ug_' || lpad(g::text, 6, '0'), 'group-' || g FROM generate_series(1, :groups) g;

-- Each user in 0..3 groups; group sizes skewed (cubing a uniform draw favours low group numbers,
-- so a few groups hold a large share of the users).
INSERT INTO group_members (org_id, group_id, user_id)
SELECT DISTINCT :'org',
       'ug_' || lpad((1 + floor(:groups * power(pg_temp.h(i || ':' || k), 3)))::int::text, 6, '0'),
       'usr_' || lpad(i::text, 8, '0')
  FROM generate_series(1, :users) i, generate_series(1, 3) k
 WHERE k <= floor(pg_temp.h(i::text) * 4);

INSERT INTO clouds (org_id, cloud_id, name)
SELECT :'org', 'cld_' || lpad(c::text, 5, '0'), 'cloud-' || c FROM generate_series(1, :clouds) c;

INSERT INTO projects (org_id, project_id, cloud_id, name)
SELECT :'org', 'prj_' || lpad(p::text, 6, '0'),
       'cld_' || lpad((1 + p % :clouds)::text, 5, '0'), 'project-' || p
  FROM generate_series(1, :projects) p;

-- Grants 1..n without their principal, for the direct and the group grants alike: 40% on clouds,
-- 60% on projects, roles spread evenly. (psql does not expand its variables in a function body,
-- hence the arguments.)
CREATE OR REPLACE FUNCTION pg_temp.grants(n int, clouds int, projects int)
  RETURNS TABLE (j int, resource_kind int, resource_id text, role int) LANGUAGE sql IMMUTABLE AS $$
  SELECT j, CASE WHEN pg_temp.h('k' || j) < 0.4 THEN 1 ELSE 2 END,
         CASE WHEN pg_temp.h('k' || j) < 0.4
              THEN 'cld_' || lpad((1 + floor(pg_temp.h('r' || j) * clouds))::int::text, 5, '0')
              ELSE 'prj_' || lpad((1 + floor(pg_temp.h('r' || j) * projects))::int::text, 6, '0')
         END,
         1 + floor(pg_temp.h('o' || j) * 3)::int
    FROM generate_series(1, n) j $$;

INSERT INTO user_grants (org_id, user_id, resource_kind, resource_id, role)
SELECT :'org', 'usr_' || lpad((1 + floor(pg_temp.h('u' || j) * :users))::int::text, 8, '0'),
       resource_kind, resource_id, role
  FROM pg_temp.grants(:direct_grants, :clouds, :projects)
ON CONFLICT DO NOTHING;

INSERT INTO group_grants (org_id, group_id, resource_kind, resource_id, role)
SELECT :'org', 'ug_' || lpad((1 + floor(pg_temp.h('g' || j) * :groups))::int::text, 6, '0'),
       resource_kind, resource_id, role
  FROM pg_temp.grants(:group_grants, :clouds, :projects)
ON CONFLICT DO NOTHING;

-- Org owners: five users directly, and the members of the last (smallest) group.
INSERT INTO user_grants (org_id, user_id, resource_kind, resource_id, role)
SELECT :'org', 'usr_' || lpad(i::text, 8, '0'), 0, :'org', 3 FROM generate_series(1, 5) i;
INSERT INTO group_grants (org_id, group_id, resource_kind, resource_id, role)
VALUES (:'org', 'ug_' || lpad(:groups::text, 6, '0'), 0, :'org', 3);
COMMIT;
-- Vacuumed, as autovacuum would leave a live database: the visibility map lets index-only scans
-- skip the heap, for pgbench and the service alike (right after a bulk load they would not).
VACUUM (ANALYZE);
